"""The OpenAPI description (/openapi.json) of the JSON and HTML routes, with the status codes
each one answers. The SPARQL and Graph Store routes follow their W3C protocols and are
described by the service description at /sparql instead.
"""
from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PROTOCOL_PATHS = frozenset({"/sparql", "/rdf-graph-store", "/.well-known/void"})
"""Content-negotiated SPARQL/RDF routes: out of this description."""

_ERRORS = {
    400: "a parameter is malformed",
    404: "nothing is known at this address",
    406: "no format offered satisfies the Accept header",
    413: "a parameter is longer than its limit (the message names it)",
    502: "the worker running the request died; it has been replaced",
    503: "every worker is busy; retry after the Retry-After seconds",
    504: "the request's query exceeded the time limit",
}
_POOLED = (502, 503, 504)
"""Every route that queries the store can meet these."""
DOCUMENTED: dict[str, tuple[int, ...]] = {
    "/": (),
    "/health": (),
    "/resource/{slug}": (404, 406, *_POOLED),
    "/ontology": (406, *_POOLED),
    "/search": (406, 413, *_POOLED),
}
"""The error statuses of each route; a route not listed (new pages) may answer any of _ERRORS."""


def _describe(schema: dict) -> dict:
    for path, operations in schema.get("paths", {}).items():
        statuses = DOCUMENTED.get(path, tuple(_ERRORS))
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status in statuses:
                responses.setdefault(str(status), {
                    "description": _ERRORS[status],
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
