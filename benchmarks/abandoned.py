"""Abandoned queries: how soon the service frees the workers of queries whose clients hung up.

Starts `python -m kg.service.server` on 127.0.0.1 (nothing else is contacted), then, `--rounds`
times: sends `--workers` queries that never finish within the deadline, each on its own
connection, hangs up after `--hold` seconds, and measures (a) how long until every worker that ran
them is gone and (b) how long a light query from another address then takes. Before the service
stopped such queries, (a) was the query timeout (30 s) and (b) a 503 after the queue wait.

    .venv/bin/python benchmarks/abandoned.py                    # dist/, 2 workers, 5 rounds
"""
from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parent.parent
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MAX_WAIT = 60.0
"""No measurement waits longer than this."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] not in "ZX"
    except OSError:
        return False


def abandon(port: int, hold: float) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(f"GET /sparql?query={quote(HEAVY)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        time.sleep(hold)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--hold", type=float, default=0.3, help="seconds a client waits before hanging up")
    args = parser.parse_args(argv)
    port = free_port()
    log = tempfile.NamedTemporaryFile("w", prefix="kg-abandoned-", suffix=".log", delete=False)
    server = subprocess.Popen([sys.executable, "-m", "kg.service.server", str(args.dist), "--port", str(port),
                               "--workers", str(args.workers)], stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    freed, light = [], []
    try:
        deadline = time.monotonic() + MAX_WAIT
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=MAX_WAIT)
        for _ in range(args.rounds):
            (zygote,) = children(server.pid)
            workers = children(zygote)
            for _ in range(args.workers):
                abandon(port, args.hold)
            hung_up = time.monotonic()
            while any(alive(pid) for pid in workers) and time.monotonic() - hung_up < MAX_WAIT:
                time.sleep(0.01)
            freed.append(time.monotonic() - hung_up)
            started = time.monotonic()
            status = other.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code
            light.append((time.monotonic() - started, status))
        other.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"abandoned queries, {args.workers} workers, {args.rounds} rounds of {args.workers} heavy queries "
          f"dropped after {args.hold:g} s")
    print(f"  workers gone after hang-up   median {statistics.median(freed) * 1000:7.0f} ms   "
          f"max {max(freed) * 1000:7.0f} ms")
    times = [t for t, _ in light]
    print(f"  next light query (another client) median {statistics.median(times) * 1000:5.0f} ms   "
          f"statuses {sorted({s for _, s in light})}")
    return 0 if all(s == 200 for _, s in light) else 1


if __name__ == "__main__":
    sys.exit(main())
