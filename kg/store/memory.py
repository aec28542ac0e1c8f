"""Handing freed memory back to the system: glibc keeps what a process frees for reuse, and a
large query result freed that way stays counted as the process's own memory.
"""
from __future__ import annotations

import asyncio
import ctypes
import gc
from collections.abc import Callable


def _glibc(name: str) -> Callable | None:
    """A function of glibc's malloc; None elsewhere."""
    try:
        return getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError):
        return None


def _load_trim() -> Callable[[], object]:
    trim = _glibc("malloc_trim")
    return (lambda: None) if trim is None else (lambda: trim(0))


trim: Callable[[], object] = _load_trim()
"""glibc's malloc_trim(0): return the free pages of every arena; a no-op elsewhere."""

_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 128 * 1024
"""Allocations from this size up get pages of their own, given back when freed (glibc's
starting threshold, which it otherwise raises to the largest block freed, up to 32 MiB)."""


def settle_server() -> bool:
    """Keep the long-running server process from growing with its traffic; call it once, after
    the query processes are forked. True when glibc took the fixed mmap threshold.

    - Its objects alive now (modules, the app, the routes) are frozen out of the cyclic
      collector: they live as long as the process, and a full collection would write to each
      of them, copying every page it shares with the zygote (16 MiB at 1M triples).
    - Large blocks (query results on their way through, 40 MB for `events` at 1M) get pages of
      their own: under glibc's sliding threshold the first large block freed raised it, later
      ones came from the heap and left 18 MiB there that malloc_trim could not give back.
    """
    gc.freeze()
    mallopt = _glibc("mallopt")
    return mallopt is not None and mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1


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
