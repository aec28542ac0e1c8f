"""The explorer: pages that draw the graph as a support network, a timeline, a map and a
casualty chart (in the browser, from the named queries), and the endpoint that runs one named
query with its parameters for them: GET /explorer/data/{name}?param=value.
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from kg.sparql import named as queries
from kg.errors import BadRequest, NotFound, UsageError
from kg.pages.explorer_views import VIEWS, View, results, table
from kg.namespaces import BASE, short
from kg.pages.resource import editor_href, local_href
from kg.pages.responses import answer_response
from kg.store.embedded import QueryJob
from kg.store.workers import WorkerPool

HERE = Path(__file__).resolve().parent
OUTLINES = Path("web/node_modules/world-atlas/countries-50m.json")
"""Natural Earth country outlines (public domain) from the world-atlas npm package (ISC)."""
_JSON = "application/sparql-results+json"


def _check_day(name: str, value: str) -> None:
    """A day a view was asked for (YYYY-MM-DD, one that exists), else BadRequest naming it."""
    try:
        queries.date_term(name, value)
    except UsageError as error:
        raise BadRequest(str(error)) from error


class Explorer:
    """Routes of the explorer views and their data endpoint, sharing the service's workers."""

    def __init__(self, pool: WorkerPool, root: Path, max_items: int = 5000) -> None:
        self.pool = pool
        self.root = root
        self.max_items = max_items
        """Marks past which a view is not drawn (Settings.explorer_max_items)."""
        # Read once, so that no request reads files on the event loop.
        self.queries = {query.name: query for query in queries.list_queries(root)}
        self.templates = Jinja2Templates(directory=HERE / "templates")
        self.templates.env.globals.update(short=short, local_href=local_href)
        self.router = APIRouter()
        for view in VIEWS:
            self.router.add_api_route(view.path, self._page_route(view), methods=["GET"],
                                      response_class=HTMLResponse)
        self.router.add_api_route("/explorer/data/{name}", self.data, methods=["GET"])
        self.router.add_api_route("/explorer/outlines.json", self.outlines, methods=["GET"])

    def job(self, name: str, values: dict[str, str], accept: str | None = _JSON) -> QueryJob:
        """A job for a named query with its parameters bound as terms (never pasted as text)."""
        query = self.queries.get(name)
        if query is None:
            raise NotFound(f"no named query {name!r}; known: {', '.join(sorted(self.queries))}")
        if query.needs_network:
            raise BadRequest(f"query {name!r} needs the network; run it through /sparql")
        try:
            bound = queries.bind(query, values)
        except UsageError as error:
            raise BadRequest(str(error)) from error
        return QueryJob(bound.text, accept=accept,
                        substitutions=tuple(sorted((v.value, t) for v, t in bound.substitutions.items())))

    async def data(self, request: Request, name: str) -> Response:
        """The results of a named query, in the format the Accept header asks for (JSON first)."""
        job = self.job(name, dict(request.query_params), request.headers.get("accept") or _JSON)
        return answer_response(await self.pool.query(job))

    def outlines(self) -> Response:
        path = self.root / OUTLINES
        if not path.is_file():
            raise NotFound("no country outlines installed (npm ci --prefix web)")
        return FileResponse(path, media_type="application/json")

    def window(self, view: View, request: Request) -> dict[str, str]:
        """The date window a request asks a view for (?from=&to=, days), checked; {} for a view
        without dates (the support network has its own day instead)."""
        if not view.dated:
            return {}
        window = {name: value for name in ("from", "to") if (value := request.query_params.get(name, "").strip())}
        for name, value in window.items():
            _check_day(name, value)
        if len(window) == 2 and window["from"] > window["to"]:
            raise BadRequest(f"the window starts ({window['from']}) after it ends ({window['to']})")
        return window

    async def count(self, view: View, window: dict[str, str]) -> int:
        terms = {name: queries.date_term(name, value) for name, value in window.items()}
        counted = await self.pool.query(QueryJob(view.count_query(terms), accept=_JSON))
        return int(results(counted)["results"]["bindings"][0]["n"]["value"])

    async def latest_window(self, view: View) -> dict[str, str]:
        """The latest window that holds at most max_items marks ({} when even one day holds more)."""
        answer = await self.pool.query(QueryJob(view.latest_query(self.max_items), accept=_JSON))
        bindings = results(answer)["results"]["bindings"]
        if not bindings:
            return {}
        day = date.fromisoformat(bindings[0]["date"]["value"][:10]) + timedelta(days=1)
        return {"from": day.isoformat()}

    def _takes_window(self, name: str) -> bool:
        return {"from", "to"} <= {p.name for p in self.queries[name].parameters}

    def _window_values(self, name: str, window: dict[str, str]) -> dict[str, str]:
        """The window, for a named query that takes one ({} for one that does not)."""
        return window if self._takes_window(name) else {}

    def _page_route(self, view: View):
        async def page(request: Request) -> HTMLResponse:
            window = self.window(view, request)
            focus, day = request.query_params.get("focus", ""), request.query_params.get("day", "").strip()
            if day:
                _check_day("day", day)  # the network and the map start on it
            # The views' links keep the focus and the window asked for (not one chosen here; the
            # network has no window, but passes it on).
            carried = {k: v for k in ("focus", "from", "to") if (v := request.query_params.get(k, "").strip())}
            marks = total = await self.count(view, window)
            latest = False
            if marks > self.max_items and not window and view.dated:
                # Too many to draw, and no window asked for: the latest marks that fit, if any do.
                start = await self.latest_window(view)
                fitting = await self.count(view, start) if start else 0
                if fitting:
                    window, marks, latest = start, fitting, True
            # The editor opens the query of what the view draws, in the window when it takes one.
            drawn = next((name for name in view.queries if self._takes_window(name)), view.table_query)
            drawn_query = self.job(drawn, self._window_values(drawn, window))
            context = {"view": view, "views": VIEWS, "base": BASE, "too_many": 0, "limit": self.max_items,
                       "editor": editor_href(drawn_query.text), "drawn": drawn, "focus": focus, "day": day,
                       "window": window, "latest": latest, "total": total, "marks": marks,
                       "carry": ("?" + urlencode(carried)) if carried else ""}
            if marks > self.max_items:
                context.update(too_many=marks, data={}, rows=[])
            else:
                answers = await self.pool.batch([self.job(name, self._window_values(name, window))
                                                 for name in view.queries])
                data = {name: results(answer) for name, answer in zip(view.queries, answers)}
                context.update(data=data, rows=table(view, data))
            template = "explorer_" + view.path.strip("/") + ".html"
            return self.templates.TemplateResponse(request, template, context)

        page.__name__ = "explorer_" + view.path.strip("/")
        return page
