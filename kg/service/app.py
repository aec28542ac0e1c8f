"""The HTTP service: `create_app(store, settings)` builds the FastAPI app (SPARQL 1.1 Protocol,
Graph Store Protocol reads and writes, service description, VoID) and mounts the pages.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path

import pyoxigraph
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.middleware.cors import CORSMiddleware

from kg import formats
from kg.errors import BadRequest, Forbidden, RequestError, Unauthorized
from kg.service import describe
from kg.service import openapi
from kg.service import statuses
from kg.pages import resource as pages
from kg.service.accesslog import AccessLog
from kg.service.disconnect import StopOnDisconnect
from kg.service.headers import SecurityHeaders
from kg.pages.explorer import Explorer
from kg.store.memory import TrimAfterLargeResponses
from kg.sparql.policy import check_query, check_update
from kg.service.protocol import media_type, read_body, read_operation
from kg.sparql.relay import Relay
from kg.settings import Settings
from kg.rdf import used_prefixes
from kg.store.embedded import Answer, QueryJob
from kg.pages.responses import answer_headers, answer_response
from kg.pages.site import Pages
from kg.store.workers import WorkerPool

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
"""The repository: named queries under queries/, YASGUI under web/node_modules."""
GRAPH_STORE_PATH = "/rdf-graph-store"


def _authorize(request: Request, settings: Settings) -> None:
    """Writes need --allow-update (else Forbidden) and the bearer token (else Unauthorized)."""
    if not settings.allow_update:
        raise Forbidden("this service is read-only (start it with --allow-update to write)")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(),
                                                             settings.update_token.encode()):
        raise Unauthorized("updates need the header Authorization: Bearer <update token>")


def _written(status: HTTPStatus) -> Response:
    """The answer to a write that went through: no body."""
    return Response(status_code=status, headers=answer_headers("text/plain; charset=utf-8"))


def public_base(request: Request, settings: Settings) -> str:
    """The service's own address, never taken from the request's Host header (a shared cache
    would keep what one client wrote there for everyone): --base-url, else the address the
    server is bound to."""
    if settings.base_url:
        return settings.base_url
    scheme = request.scope.get("scheme", "http")
    host, port = request.scope.get("server") or ("127.0.0.1", 80)
    shown = f"[{host}]" if ":" in host else host
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{shown}" + ("" if port in (None, default) else f":{port}")


def _endpoint(request: Request, settings: Settings) -> str:
    return public_base(request, settings) + request.url.path


def _serialized(triples: list[pyoxigraph.Triple], offer: formats.Format) -> Response:
    body = pyoxigraph.serialize(triples, format=offer.oxigraph, prefixes=used_prefixes(triples))
    return answer_response(Answer(offer.content_type, body))


def _negotiate(kind: formats.Kind, request: Request) -> formats.Format:
    return formats.negotiate(kind, request.headers.get("accept"))


def _sparql_routes(app: FastAPI, pool: WorkerPool, settings: Settings, web: Pages, *, cache_counts: bool) -> None:
    async def sparql(request: Request) -> Response:
        operation = await read_operation(request, settings)
        base = _endpoint(request, settings)
        if operation.kind is None:
            if request.method == "POST":
                raise BadRequest("a POST needs a query or an update")
            offer = _negotiate(formats.Kind.PAGE, request)
            if offer is formats.HTML:
                return web.query_page(request)
            return _serialized(describe.service_description(base, settings), offer)
        if operation.kind == "update":
            _authorize(request, settings)
            text = check_update(operation.text, settings, base, operation.default_graphs,
                                operation.named_graphs, relay=app.state.relay)
            await pool.write("update", (text, base))
            return _written(HTTPStatus.NO_CONTENT)
        checked = check_query(operation.text, settings, base, relay=app.state.relay)
        protocol_dataset = bool(operation.default_graphs or operation.named_graphs)
        job = QueryJob(
            checked.text,
            accept=request.headers.get("accept"),
            base_iri=base,
            union_default=not checked.has_dataset_clause,
            default_graphs=tuple(operation.default_graphs) if protocol_dataset else None,
            named_graphs=tuple(operation.named_graphs) if protocol_dataset else None,
        )
        return answer_response(await pool.query(job))

    # A plain Starlette route: the protocol reads its own parameters, and FastAPI's dependency
    # machinery cost every query about 0.1 ms. Out of /openapi.json either way (kg.service.openapi).
    app.router.add_route("/sparql", sparql, methods=["GET", "POST"])

    counted: dict[int, dict[str, int]] = {}
    """Triples per graph by the pool's generation: they change only with a write of ours (a remote
    store may change behind our back: counted every time). At 1M triples counting takes 0.7 s."""

    @app.get("/.well-known/void")
    async def void(request: Request) -> Response:
        offer = _negotiate(formats.Kind.GRAPH, request)
        generation = pool.generation
        counts = counted.get(generation)
        if counts is None:
            answer = await pool.query(QueryJob(describe.COUNTS, accept="application/sparql-results+json"))
            counts = {row["g"]["value"]: int(row["triples"]["value"]) for row in pages.rows(answer)}
            if cache_counts:
                counted.clear()
                counted[generation] = counts
        return _serialized(describe.void(public_base(request, settings) + "/", counts), offer)


def _graph_target(request: Request) -> str | None:
    """The graph a Graph Store request names: ?graph=IRI, or ?default (None)."""
    names = request.query_params.getlist("graph")
    has_default = "default" in request.query_params
    if len(names) + has_default != 1:
        raise BadRequest("name exactly one graph: ?graph=<IRI> or ?default")
    if has_default:
        return None
    try:
        return pyoxigraph.NamedNode(names[0]).value
    except ValueError as error:
        raise BadRequest(f"graph is not an absolute IRI: {names[0]!r}") from error


class _CutOff(Exception):
    """A streamed body failed after its status went out: the server drops the connection, so
    the client sees an incomplete body rather than a short one that looks whole."""


def _no_cut_off_tracebacks(record: logging.LogRecord) -> bool:
    """uvicorn logs an app's exception with its traceback; a cut-off is logged once, by us."""
    return not (record.exc_info and isinstance(record.exc_info[1], _CutOff))


logging.getLogger("uvicorn.error").addFilter(_no_cut_off_tracebacks)


async def _logging_cut_offs(chunks: AsyncIterator[bytes], request: Request) -> AsyncIterator[bytes]:
    """The chunks of a streamed graph; one that fails midway (deadline, a dead worker) is logged
    in one line, then cut off."""
    try:
        async for chunk in chunks:
            yield chunk
    except RequestError as error:
        log.warning("cut off %s %s: %s", request.method, request.url.path, error)
        raise _CutOff(str(error)) from None
    finally:
        await chunks.aclose()


def _graph_store_routes(app: FastAPI, pool: WorkerPool, settings: Settings) -> None:
    @app.api_route(GRAPH_STORE_PATH, methods=["GET", "HEAD"])
    async def graph_get(request: Request) -> Response:
        """A named graph, or the default graph (the union of the named graphs)."""
        graph = _graph_target(request)
        offer = _negotiate(formats.Kind.GRAPH, request)
        head_only = request.method == "HEAD"
        answer, chunks = await pool.dump(graph, offer.media_type, head_only=head_only)
        headers = answer_headers(answer.content_type)
        if chunks is not None:  # our own store: streamed, of any size (no --max-result-bytes)
            return StreamingResponse(_logging_cut_offs(chunks, request), headers=headers)
        if head_only:  # as GET would answer, but its length is not known without writing it out
            response = Response(headers=headers)
            del response.headers["content-length"]
            return response
        return answer_response(answer)

    @app.api_route(GRAPH_STORE_PATH, methods=["PUT", "POST", "DELETE"])
    async def graph_write(request: Request) -> Response:
        _authorize(request, settings)
        graph = _graph_target(request)
        kind = None
        body = b""
        if request.method != "DELETE":
            kind, _ = media_type(request)
            body = await read_body(request, settings)
        created = await pool.write("graph", (request.method, graph, body, kind))
        return _written(HTTPStatus.CREATED if created else HTTPStatus.NO_CONTENT)


class HeadAsGet:
    """ASGI middleware: HEAD is answered as GET is, without the body (RFC 9110, 9.3.2), on every
    route that does not answer HEAD itself (the Graph Store does, without writing the graph out).
    Link checkers and Linked-Data clients ask HEAD first; FastAPI's GET routes answer it with 405."""

    def __init__(self, app, own: tuple[str, ...] = (GRAPH_STORE_PATH,)) -> None:
        self.app = app
        self.own = own

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD" or scope["path"] in self.own:
            await self.app(scope, receive, send)
            return

        async def headless(message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headless)


def create_app(store: pyoxigraph.Store, settings: Settings | None = None, *, root: Path = ROOT,
               started: Callable[[], object] | None = None,
               on_broken: Callable[[str], object] | None = None) -> FastAPI:
    """The service over `store`; its worker processes start and stop with the app's lifespan.

    `started` runs once they are up (kg.service.server settles the server process's memory there);
    `on_broken` once the pool cannot go on (kg.service.server stops, to exit non-zero)."""
    settings = settings or Settings()
    pool = WorkerPool(store, settings)
    # SERVICE goes out through our relay from an embedded store; a remote store federates itself.
    relay = Relay.from_settings(settings) if isinstance(store, pyoxigraph.Store) else None

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        pool.start()
        if relay is not None:
            relay.start()  # after the fork: the zygote needs no copy of its thread
        if started is not None:
            started()
        watchdog = asyncio.create_task(pool.watch(on_broken))
        try:
            yield
        finally:
            watchdog.cancel()
            if relay is not None:
                relay.close()
            pool.close()

    app = FastAPI(title="Deir ez-Zor 2024 knowledge graph", lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    openapi.install(app)
    app.state.pool = pool
    app.state.relay = relay
    app.state.settings = settings
    statuses.install(app)
    web = Pages(pool, settings, root)
    _sparql_routes(app, pool, settings, web, cache_counts=isinstance(store, pyoxigraph.Store))
    _graph_store_routes(app, pool, settings)
    app.include_router(web.router)
    app.include_router(Explorer(pool, root, settings.explorer_max_items).router)
    web.mount_static(app)

    @app.get("/health")
    async def health() -> JSONResponse:
        if pool.broken is not None:
            return JSONResponse({"status": "broken", "reason": pool.broken},
                                status_code=HTTPStatus.SERVICE_UNAVAILABLE)
        return JSONResponse({"status": "ok", "workers": settings.workers, "idle_workers": pool.idle})

    app.add_middleware(HeadAsGet)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                       allow_headers=["Accept", "Content-Type"], allow_credentials=False)
    app.add_middleware(TrimAfterLargeResponses)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AccessLog)
    app.add_middleware(StopOnDisconnect)
    return app
