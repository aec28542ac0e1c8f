"""The one table from the kinds of RequestError to HTTP statuses (and the headers some need), and
the handler that answers every one of them by it: the store, the workers and the pages only raise.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response

from kg.errors import (
    BadQuery,
    BadRequest,
    Busy,
    Forbidden,
    NotAcceptable,
    NotFound,
    RemoteFailed,
    RemoteTimedOut,
    RequestError,
    TimedOut,
    SlowRequest,
    TooLarge,
    Unauthorized,
    UnsupportedMediaType,
    WorkerFailed,
    WorkerLost,
)

log = logging.getLogger(__name__)

STATUSES: dict[type[RequestError], HTTPStatus] = {
    BadRequest: HTTPStatus.BAD_REQUEST,
    BadQuery: HTTPStatus.BAD_REQUEST,
    Unauthorized: HTTPStatus.UNAUTHORIZED,
    Forbidden: HTTPStatus.FORBIDDEN,
    NotFound: HTTPStatus.NOT_FOUND,
    NotAcceptable: HTTPStatus.NOT_ACCEPTABLE,
    TooLarge: HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    SlowRequest: HTTPStatus.REQUEST_TIMEOUT,
    UnsupportedMediaType: HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
    WorkerFailed: HTTPStatus.INTERNAL_SERVER_ERROR,
    WorkerLost: HTTPStatus.BAD_GATEWAY,
    RemoteFailed: HTTPStatus.BAD_GATEWAY,
    Busy: HTTPStatus.SERVICE_UNAVAILABLE,
    TimedOut: HTTPStatus.GATEWAY_TIMEOUT,
    RemoteTimedOut: HTTPStatus.GATEWAY_TIMEOUT,
}
"""Each kind's status, kind by kind (a subclass is listed for itself, never inherits one)."""

HEADERS: dict[type[RequestError], Callable[[RequestError], dict[str, str]]] = {
    Unauthorized: lambda error: {"www-authenticate": "Bearer"},
    Busy: lambda error: {"retry-after": str(error.retry_after)},
}
"""The headers an answer of some kinds carries besides its status."""

LOGGED = {WorkerFailed: "worker failed on %s %s:\n%s", WorkerLost: "worker died on %s %s: %s"}
"""Kinds that say something went wrong on our side, with their log line (a bug's traceback goes to
the log only)."""


def status_of(error: RequestError) -> HTTPStatus:
    """The status that answers `error`.

    >>> status_of(NotFound("no graph <urn:g>"))
    <HTTPStatus.NOT_FOUND: 404>
    """
    return STATUSES[type(error)]


def answer(request: Request, error: RequestError) -> Response:
    """The plain-text answer to a request that ended in `error`."""
    status = status_of(error)
    # Most routes negotiate their format, and a cache may keep a 404: one kept for a client
    # asking for Turtle must not be served to a browser asking for the HTML page.
    headers = {"vary": "Accept", **HEADERS.get(type(error), lambda _: {})(error)}
    if type(error) in LOGGED:
        log.error(LOGGED[type(error)], request.method, request.url.path, error)
    body = "internal error (logged)" if status is HTTPStatus.INTERNAL_SERVER_ERROR else error.message
    return PlainTextResponse(body, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """Answer every RequestError a route raises by the table."""
    async def handler(request: Request, error: RequestError) -> Response:
        return answer(request, error)

    app.add_exception_handler(RequestError, handler)
