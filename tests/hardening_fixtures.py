"""Helpers of the hardening, security and federation tests: listeners that count connections,
a recording proxy, an Oxigraph server as a second SPARQL endpoint, our server as a process, and
the process tree of a server. Everything binds to 127.0.0.1.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from tests.servers import free_port, wait_for  # noqa: F401  (re-exported to the hardening tests)

OXIGRAPH = Path(sys.executable).with_name("oxigraph")


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts (and answers none)."""

    def __init__(self, hold: bool = False) -> None:
        self.hold = hold  # keep each connection open, never answering: a stalled endpoint
        self.held: list[socket.socket] = []
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.1)
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.socket.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            if self.hold:
                self.held.append(conn)
            else:
                conn.close()

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()
        for conn in self.held:
            conn.close()
        self.socket.close()


class RecordingProxy:
    """An HTTP proxy on 127.0.0.1 that records each request's method, path and headers and
    forwards it to `upstream` (with the path replaced by the upstream's)."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else None
                proxy.requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
                query = self.path.partition("?")[2]
                try:
                    answer = httpx.request(self.command, proxy.upstream + (f"?{query}" if query else ""),
                                           content=body, headers={k: v for k, v in self.headers.items()
                                                                  if k.lower() in ("accept", "content-type")})
                except httpx.HTTPError as error:
                    answer = httpx.Response(502, text=str(error))
                self.send_response(answer.status_code)
                self.send_header("content-type", answer.headers.get("content-type", "text/plain"))
                self.send_header("content-length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = _forward

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"

    @property
    def user_agents(self) -> set[str]:
        return {headers.get("user-agent", "") for _, _, headers in self.requests}

    def __enter__(self) -> RecordingProxy:
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def oxigraph_endpoint(folder: Path, ntriples: str) -> Iterator[str]:
    """An Oxigraph server (the peer of benchmarks/) over `ntriples`; yields its query URL."""
    data = folder / "data.nt"
    data.write_text(ntriples, encoding="utf-8")
    subprocess.run([str(OXIGRAPH), "load", "--location", str(folder / "store"), "--file", str(data)],
                   check=True, capture_output=True)
    port = free_port()
    log = folder / "oxigraph.log"
    with log.open("w") as out:
        process = subprocess.Popen([str(OXIGRAPH), "serve-read-only", "--location", str(folder / "store"),
                                    "--bind", f"127.0.0.1:{port}"], stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(f"http://127.0.0.1:{port}/", process, log)
        yield f"http://127.0.0.1:{port}/query"
    finally:
        process.terminate()
        process.wait(timeout=10)


def start_server(dist: Path, log: Path, *args: str, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """`python -m kg.service.server DIST` on a free port, started and answering /health."""
    port = port or free_port()
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "kg.service.server", str(dist), "--port", str(port), *args],
                                   stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/health", process, log)
    except BaseException:
        process.kill()
        process.wait()
        raise
    return process, url


def descendants(pid: int) -> list[int]:
    """The process ids below `pid` (children, grandchildren...), read from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    found, stack = [], [pid]
    while stack:
        for child in parents.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie or a missing entry does not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in "ZX"
    except (FileNotFoundError, ProcessLookupError):
        return False


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of the running processes among `pids`."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def have_java() -> bool:
    return shutil.which("java") is not None
