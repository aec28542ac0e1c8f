"""Each request runs as its client's, and stops when its client has gone: its handler is
cancelled, and with it the query it waits for (the pool then kills that query's worker and forks
a fresh one). Starlette runs a handler to its end even when nobody is left to read the answer, so
two abandoned heavy queries held both workers for the whole query timeout."""
from __future__ import annotations

import asyncio
import logging
from http import HTTPStatus

from kg.store.workers import CLIENT

log = logging.getLogger(__name__)


class StopOnDisconnect:
    """Plain ASGI middleware. It alone reads the server's `receive`: the request's body goes on
    to the app one message at a time (a queue of one, so the app's own body limit still
    applies), and an `http.disconnect` before the response has ended cancels the app."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        inbox: asyncio.Queue = asyncio.Queue(maxsize=1)
        finished = False

        started = False

        async def sending(message) -> None:
            nonlocal finished, started
            if message["type"] == "http.response.start":
                started = True
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                finished = True
            await send(message)

        # The pool counts the workers each client holds (kg.store.workers.CLIENT); the task made
        # here runs in a copy of this context.
        CLIENT.set(scope["client"][0] if scope.get("client") else None)
        app = asyncio.ensure_future(self.app(scope, inbox.get, sending))

        async def pump() -> None:
            while True:
                message = await receive()
                if message["type"] != "http.disconnect":
                    await inbox.put(message)
                    continue
                if not finished and not app.done():
                    log.info("%s %s: the client went away; its request is stopped", scope["method"],
                             scope["path"])
                    app.cancel()
                if inbox.empty():  # for an app that listens for it (a streamed answer)
                    inbox.put_nowait(message)
                return

        pumping = asyncio.ensure_future(pump())
        try:
            await app
        except asyncio.CancelledError:
            if pumping.done() and not pumping.cancelled():
                return  # we stopped it: its client has gone
            # Cancelled from outside: the server is shutting down with this request in flight.
            if started:
                raise
            await sending({"type": "http.response.start", "status": HTTPStatus.SERVICE_UNAVAILABLE,
                           "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"retry-after", b"2"),
                                       (b"connection", b"close")]})
            await sending({"type": "http.response.body", "body": b"the service is shutting down; retry soon"})
        finally:
            pumping.cancel()
