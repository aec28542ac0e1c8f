"""The OpenAPI description (/openapi.json) of the JSON and HTML routes, with the status codes
each one answers. The SPARQL and Graph Store routes follow their W3C protocols and are
described by the service description at /sparql instead.
"""
from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from kg.errors import BadRequest, Busy, NotAcceptable, NotFound, RequestError, TimedOut, TooLarge, WorkerLost
from kg.service.statuses import STATUSES

PROTOCOL_PATHS = frozenset({"/sparql", "/rdf-graph-store", "/.well-known/void"})
"""Content-negotiated SPARQL/RDF routes: out of this description."""

_ERRORS: dict[type[RequestError], str] = {
    BadRequest: "a parameter is malformed",
    NotFound: "nothing is known at this address",
    NotAcceptable: "no format offered satisfies the Accept header",
    TooLarge: "a parameter is longer than its limit (the message names it)",
    WorkerLost: "the worker running the request died; it has been replaced",
    Busy: "every worker is busy; retry after the Retry-After seconds",
    TimedOut: "the request's query exceeded the time limit",
}
"""The errors the pages answer, each with its status from kg.service.statuses."""
_POOLED = (WorkerLost, Busy, TimedOut)
"""Every route that queries the store can meet these."""
DOCUMENTED: dict[str, tuple[type[RequestError], ...]] = {
    "/": (),
    "/health": (),
    "/resource/{slug}": (NotFound, NotAcceptable, *_POOLED),
    "/ontology": (NotAcceptable, *_POOLED),
    "/search": (NotAcceptable, TooLarge, *_POOLED),
}
"""The errors of each route; a route not listed (new pages) may answer any of _ERRORS."""


def _describe(schema: dict) -> dict:
    for path, operations in schema.get("paths", {}).items():
        kinds = DOCUMENTED.get(path, tuple(_ERRORS))
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for kind in kinds:
                responses.setdefault(str(STATUSES[kind].value), {
                    "description": _ERRORS[kind],
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                })
    return schema


def install(app: FastAPI) -> None:
    """Serve the description of `app`'s JSON and HTML routes, made once on first request."""
    def openapi() -> dict:
        if app.openapi_schema is None:
            routes = [route for route in app.routes if getattr(route, "path", None) not in PROTOCOL_PATHS]
            app.openapi_schema = _describe(get_openapi(title=app.title, version=app.version, routes=routes,
                                                       description=__doc__))
        return app.openapi_schema

    app.openapi = openapi
