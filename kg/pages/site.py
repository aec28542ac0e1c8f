"""The pages: the query page, Linked Data pages for resources and the ontology, label search,
and the static files (ours and YASGUI's); RDF clients get RDF from the same addresses.
"""
from __future__ import annotations

import json
from http import HTTPStatus
from pathlib import Path

import pyoxigraph
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from kg import formats
from kg.pages import resource as pages
from kg.errors import BadRequest, NotFound, TooLarge, UsageError
from kg.pages.responses import answer_response
from kg.sparql import lint
from kg.sparql.named import bind, gallery, list_queries
from kg.sparql.text import with_values
from kg.namespaces import BASE, PREFIXES
from kg.settings import Settings
from kg.store.embedded import QueryJob
from kg.store.workers import WorkerPool

HERE = Path(__file__).resolve().parent
YASGUI_BUILD = Path("web/node_modules/@zazuko/yasgui/build")
"""Where `npm ci --prefix web` puts YASGUI, relative to the repository."""
_RESULTS_JSON = "application/sparql-results+json"


class Pages:
    """Routes of the pages, sharing the worker pool and the templates."""

    def __init__(self, pool: WorkerPool, settings: Settings, root: Path) -> None:
        self.pool = pool
        self.settings = settings
        self.root = root
        self.yasgui = (root / YASGUI_BUILD / "yasgui.min.js").is_file()
        self.templates = Jinja2Templates(directory=HERE / "templates")
        self.templates.env.globals.update(short=pages.short, local_href=pages.local_href)
        self.router = APIRouter()
        self.router.add_api_route("/", self.query_page, methods=["GET"])
        self.router.add_api_route("/queries/{name}", self.named_query, methods=["GET"])
        self.router.add_api_route("/query/warnings", self.query_warnings, methods=["GET"])
        self.router.add_api_route("/resource/{slug:path}", self.resource, methods=["GET"])
        self.router.add_api_route("/ontology", self.ontology, methods=["GET"])
        self.router.add_api_route("/search", self.search, methods=["GET"])

    def mount_static(self, app: FastAPI) -> None:
        if self.yasgui:
            app.mount("/static/yasgui", StaticFiles(directory=self.root / YASGUI_BUILD), name="yasgui")
        app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def _page(self, request: Request, template: str, status: HTTPStatus = HTTPStatus.OK, **context) -> HTMLResponse:
        return self.templates.TemplateResponse(request, template, context, status_code=status,
                                               headers={"vary": "Accept"})

    def query_page(self, request: Request) -> HTMLResponse:
        """The query editor (YASGUI when installed, a textarea otherwise) with the named queries."""
        return self._page(request, "query.html", queries=gallery(self.root), yasgui=self.yasgui,
                          prefill=request.query_params.get("query", ""), prefixes=PREFIXES)

    def named_query(self, request: Request, name: str) -> Response:
        """A named query's text with the parameters of the request written in (as a VALUES block
        opening its pattern), ready for any SPARQL endpoint: what the query page's questions run."""
        query = {q.name: q for q in list_queries(self.root)}.get(name)
        if query is None:
            raise NotFound(f"no named query {name!r}")
        try:
            bound = bind(query, dict(request.query_params))
            text = with_values(bound.text, bound.substitutions)
        except UsageError as error:
            raise BadRequest(str(error)) from error
        return Response(text, media_type="application/sparql-query; charset=utf-8")

    async def query_warnings(self, query: str = "") -> JSONResponse:
        """What the query page says before it runs a query: comparisons that cannot match, such
        as a date compared with a plain string (kg.sparql.lint)."""
        if len(query) > self.settings.max_query_length:
            raise TooLarge(f"query longer than the limit of {self.settings.max_query_length} characters")
        found = lint.comparisons(query)
        said: list[str] = []
        if found:
            predicates = {p for c in found for p in c.predicates}
            reply = await self.pool.query(QueryJob(lint.datatypes_query(predicates), accept=_RESULTS_JSON))
            rows = json.loads(reply.body)["results"]["bindings"]
            pairs = [(row["p"]["value"], row.get("dt", {}).get("value")) for row in rows]
            said = lint.warnings(found, lint.read_datatypes(pairs))
        return JSONResponse({"warnings": said})

    async def resource(self, request: Request, slug: str) -> Response:
        iri = BASE + "resource/" + slug
        try:
            pyoxigraph.NamedNode(iri)
        except ValueError as error:
            raise NotFound(f"no resource {slug!r}") from error
        offer = formats.negotiate(formats.Kind.PAGE, request.headers.get("accept"))
        if offer is not formats.HTML:
            answer = await self.pool.query(pages.resource_rdf_job(iri, offer.media_type))
            if answer.body.strip() in (b"", b"[]"):
                raise NotFound(f"nothing is known about <{iri}>")
            return answer_response(answer)
        shape_answer, *first = await self.pool.batch(pages.resource_jobs(iri))
        counts = pages.shape(shape_answer)
        second = await self.pool.batch(pages.values_jobs(iri, counts)) if counts else []
        view = pages.resource_view(iri, counts, first, second)
        if not view.found:
            return self._page(request, "missing.html", status=HTTPStatus.NOT_FOUND, iri=iri)
        return self._page(request, "resource.html", view=view)

    async def ontology(self, request: Request) -> Response:
        offer = formats.negotiate(formats.Kind.PAGE, request.headers.get("accept"))
        if offer is not formats.HTML:
            return answer_response(await self.pool.query(pages.QueryJob(pages.ONTOLOGY_RDF, accept=offer.media_type)))
        kinds = pages.ontology_view(await self.pool.batch(pages.ontology_jobs()))
        return self._page(request, "ontology.html", kinds=kinds, base=BASE + "ontology#")

    async def search(self, request: Request, q: str = "") -> Response:
        """Resources whose rdfs:label or skos:altLabel contains `q`, case-insensitively."""
        wanted = formats.negotiate(formats.Kind.SEARCH, request.headers.get("accept"))
        if len(q) > 200:
            raise TooLarge("search text longer than the limit of 200 characters")
        hits = pages.search_view(q, await self.pool.query(pages.search_job(q))) if q.strip() else []
        if wanted is not formats.HTML:
            return JSONResponse({"query": q, "results": hits}, headers={"vary": "Accept"})
        return self._page(request, "search.html", q=q, hits=hits)
