"""Load and soak test of our query service: N clients for a bounded time over the named queries.

Starts `python -m kg.service.server` on 127.0.0.1 (nothing else is ever contacted), warms every worker
up, then runs `--clients` threads that send the named queries (those without parameters or
network use) round-robin until `--duration` seconds or `--max-requests` have passed. Prints
p50/p99 latency per query and overall, and the resident memory (RSS) of the whole process tree
(server, zygote, workers) at the start and the end. Exits 1 on any error or when memory grew by
more than `--max-growth`.

    .venv/bin/python benchmarks/load.py                       # 16 clients, 60 s, dist/
    .venv/bin/python benchmarks/load.py --soak 600            # ten minutes, memory every 30 s
    .venv/bin/python benchmarks/load.py --clients 4 --duration 3    # the CI smoke test
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from kg.sparql.named import list_queries  # noqa: E402

MAX_SECONDS = 3600
"""No run, soak included, goes on longer than this."""
ACCEPT = {"accept": "application/sparql-results+json"}

try:
    import psutil
except ImportError:  # the venv has no psutil: read /proc
    psutil = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children_from_proc() -> dict[int, list[int]]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    children[int(stat.read().rsplit(")", 1)[1].split()[1])].append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return children


def tree_rss(pid: int) -> tuple[int, int]:
    """(bytes resident, number of processes) of `pid` and everything below it."""
    if psutil is not None:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
        total = 0
        for process in processes:
            try:
                total += process.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total, len(processes)
    children = _children_from_proc()
    pids, stack = [], [pid]
    while stack:
        current = stack.pop()
        pids.append(current)
        stack.extend(children.get(current, []))
    total = 0
    for current in pids:
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total, len(pids)


def named_queries(root: Path) -> dict[str, str]:
    """The named queries a client can send as they are: no parameters, no network."""
    return {q.name: q.text for q in list_queries(root) if not q.parameters and not q.needs_network}


def start(dist: Path, workers: int, log) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "kg.service.server", str(dist), "--host", "127.0.0.1",
                                # the load's clients all come from 127.0.0.1, one client for the per-client share
                                "--port", str(port), "--workers", str(workers), "--client-workers", str(workers)],
                               stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start within 120 s")


class Run:
    """What the clients saw: latencies per query, and every error."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.count = 0


def client(url: str, queries: list[tuple[str, str]], offset: int, run: Run, stop: threading.Event,
           max_requests: int) -> None:
    with httpx.Client(timeout=60) as http:
        i = offset
        while not stop.is_set():
            with run.lock:
                if run.count >= max_requests:
                    return
                run.count += 1
            name, text = queries[i % len(queries)]
            i += 1
            started = time.perf_counter()
            try:
                response = http.post(url + "/sparql", data={"query": text}, headers=ACCEPT)
                ok = response.status_code == 200
                problem = f"{name}: {response.status_code} {response.text[:200]}"
            except httpx.HTTPError as error:
                ok, problem = False, f"{name}: {type(error).__name__} {error}"
            elapsed = time.perf_counter() - started
            with run.lock:
                if ok:
                    run.latencies[name].append(elapsed)
                else:
                    run.errors.append(problem)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--soak", type=float, metavar="SECONDS", help="a longer run (e.g. 600), memory sampled on the way")
    parser.add_argument("--max-requests", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-growth", type=float, default=0.10, help="allowed memory growth, start to end (default 0.10)")
    args = parser.parse_args(argv)
    seconds = min(args.soak or args.duration, MAX_SECONDS)
    if args.clients < 1 or seconds <= 0:
        parser.error("--clients and the duration must be positive")

    queries = sorted(named_queries(ROOT).items())
    with tempfile.TemporaryFile("w+") as log:
        process, url = start(args.dist, args.workers, log)
        try:
            return _load(url, process.pid, queries, args, seconds)
        finally:
            process.terminate()
            process.wait(timeout=10)


def _load(url: str, pid: int, queries: list[tuple[str, str]], args, seconds: float) -> int:
    with httpx.Client(timeout=60) as http:  # warm every worker up on every query
        for _ in range(2 * args.workers):
            for name, text in queries:
                http.post(url + "/sparql", data={"query": text}, headers=ACCEPT).raise_for_status()
    start_rss, processes = tree_rss(pid)
    run, stop = Run(), threading.Event()
    threads = [threading.Thread(target=client, args=(url, queries, i, run, stop, args.max_requests), daemon=True)
               for i in range(args.clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    samples = [(0.0, start_rss)]
    interval = 30.0 if args.soak else seconds
    while time.monotonic() - started < seconds and any(t.is_alive() for t in threads):
        time.sleep(min(0.2, seconds))
        if time.monotonic() - started >= samples[-1][0] + interval:
            samples.append((time.monotonic() - started, tree_rss(pid)[0]))
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    end_rss, _ = tree_rss(pid)
    return _report(run, queries, args, elapsed, start_rss, end_rss, processes, samples)


def _report(run: Run, queries, args, elapsed: float, start_rss: int, end_rss: int, processes: int, samples) -> int:
    everything = [x for values in run.latencies.values() for x in values]
    print(f"{args.clients} clients, {elapsed:.1f} s, {len(everything)} answers "
          f"({len(everything) / elapsed:.0f}/s), {len(run.errors)} errors, {len(queries)} named queries")
    print(f"{'query':<24} {'n':>6} {'p50 ms':>9} {'p99 ms':>9}")
    for name, _ in queries:
        values = run.latencies.get(name, [])
        print(f"{name:<24} {len(values):>6} {percentile(values, .5) * 1000:>9.1f} {percentile(values, .99) * 1000:>9.1f}")
    print(f"{'all':<24} {len(everything):>6} {percentile(everything, .5) * 1000:>9.1f} "
          f"{percentile(everything, .99) * 1000:>9.1f}")
    growth = (end_rss - start_rss) / start_rss
    source = "psutil" if psutil is not None else "/proc"
    print(f"resident memory of {processes} processes ({source}): {start_rss / 2**20:.0f} MiB at the start, "
          f"{end_rss / 2**20:.0f} MiB at the end ({growth:+.1%}; allowed {args.max_growth:+.0%})")
    if len(samples) > 2:
        print("memory on the way: " + ", ".join(f"{t:.0f}s {rss / 2**20:.0f} MiB" for t, rss in samples))
    for problem in run.errors[:10]:
        print("error:", problem)
    failed = bool(run.errors) or growth > args.max_growth or not everything
    print("FAIL" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
