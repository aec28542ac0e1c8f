"""Handing freed memory back to the system: glibc keeps what a process frees for reuse, and a
large query result freed that way stays counted as the process's own memory.
"""
from __future__ import annotations

import asyncio
import ctypes
from collections.abc import Callable


def _load_trim() -> Callable[[], object]:
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return lambda: None
    return lambda: trim(0)


trim: Callable[[], object] = _load_trim()
"""glibc's malloc_trim(0): return the free pages of every arena; a no-op elsewhere."""


class TrimAfterLargeResponses:
    """ASGI middleware: after a response of `threshold` bytes or more has been sent, trim the
    heap (on a thread), so the server does not keep the memory the result took."""

    def __init__(self, app, threshold: int = 16 * 1024 * 1024) -> None:
        self.app = app
        self.threshold = threshold

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = 0

        async def counting(message) -> None:
            nonlocal sent
            if message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, counting)
        if sent >= self.threshold:
            await asyncio.get_running_loop().run_in_executor(None, trim)
