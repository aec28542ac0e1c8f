"""Access log: one line per request with its status and duration, as plain ASGI middleware."""
from __future__ import annotations

import asyncio
import logging
import time
from http import HTTPStatus

log = logging.getLogger("kg.access")


class AccessLog:
    """Logs `METHOD path?query status duration_ms` when a response has been sent."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = HTTPStatus.INTERNAL_SERVER_ERROR

        async def sending(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except asyncio.CancelledError:
            if status == 500:  # no answer started: the client went away (nginx's 499)
                status = 499
            raise
        finally:
            query = scope.get("query_string", b"").decode("latin-1")
            path = scope["path"] + (f"?{query[:200]}" if query else "")
            log.info("%s %s %s %d %.1fms", scope.get("client", ("-",))[0], scope["method"], path,
                     status, (time.perf_counter() - started) * 1000)
