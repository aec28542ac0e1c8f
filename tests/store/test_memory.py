"""Freed memory goes back to the system: after large responses in the server, and (kg.store.workers)
after heavy queries in a worker; the settled server process keeps neither its old objects' pages
nor large freed blocks."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap

import pytest
from fastapi.testclient import TestClient

from kg.store import memory
from kg.service.app import create_app
from kg.settings import Settings
from kg.store.datasets import open_store
from tests.conftest import ROOT
from tests.service_fixtures import SERVICE_DATA


def _app(size: int):
    async def app(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        half = size // 2
        await send({"type": "http.response.body", "body": b"x" * half, "more_body": True})
        await send({"type": "http.response.body", "body": b"x" * (size - half)})
    return app


def _serve_once(middleware) -> list[dict]:
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(middleware({"type": "http", "method": "GET", "path": "/"}, receive, send))
    return sent


@pytest.mark.parametrize(("size", "trims"), [(999, 0), (1000, 1), (5000, 1)])
def test_the_heap_is_trimmed_after_a_response_of_the_threshold_or_more(monkeypatch, size, trims):
    calls = []
    monkeypatch.setattr(memory, "trim", lambda: calls.append(1))
    sent = _serve_once(memory.TrimAfterLargeResponses(_app(size), threshold=1000))
    assert sum(len(m.get("body", b"")) for m in sent) == size  # the response passes untouched
    assert len(calls) == trims


def test_trim_runs_here():
    assert memory.trim() in (0, 1, None)  # glibc answers 1 when it released memory, else 0


_SETTLE_PROBE = textwrap.dedent("""
    import ctypes, gc, sys
    from kg.store import memory

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks",
                    "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = MallInfo2
    frozen = gc.get_freeze_count()
    settled = memory.settle_server() if sys.argv[1] == "settle" else None
    big = bytearray(4 << 20)
    del big  # freed: glibc's sliding threshold would now be 4 MiB
    before = libc.mallinfo2().hblks
    block = bytearray(1 << 20)
    print(settled, gc.get_freeze_count() > frozen, libc.mallinfo2().hblks - before)
""")


def _settle_probe(mode: str) -> str:
    # A process of its own: freezing the collector and glibc's threshold are the whole process's.
    done = subprocess.run([sys.executable, "-c", _SETTLE_PROBE, mode], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt and mallinfo2")
def test_a_settled_server_freezes_what_is_alive_and_gives_large_blocks_pages_of_their_own():
    # Unsettled, a 1 MiB block after a 4 MiB one was freed comes from the heap, where it stays.
    assert _settle_probe("plain") == ["None", "False", "0"]
    assert _settle_probe("settle") == ["True", "True", "1"]


def test_the_server_is_settled_once_its_workers_are_up():
    seen = []

    def started() -> None:
        seen.append((pool.idle, pool._zygote_pid))

    app = create_app(open_store(SERVICE_DATA), Settings(workers=2), started=started)
    pool = app.state.pool
    assert seen == []
    with TestClient(app) as client:
        assert client.get("/health").status_code == 200
        assert len(seen) == 1
        idle, zygote = seen[0]
        assert idle == 2 and zygote > 0
    assert len(seen) == 1
