"""Query latency over HTTP: our service against Oxigraph server, same data, same queries.

Runs the named queries plus heavy analytical ones on each server in turn, each query `--runs`
times after one warm-up, and prints p50/p90 per server with the ratio ours/Oxigraph, then the
memory of each server (PSS summed over its processes). Servers bind to 127.0.0.1 only.

    .venv/bin/python benchmarks/http_service.py                         # dist/dataset.nq
    .venv/bin/python benchmarks/synth.py --triples 1000000 -o /tmp/s.nt
    .venv/bin/python benchmarks/http_service.py --data /tmp/s.nt --runs 10
"""
from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from kg.sparql.named import list_queries  # noqa: E402

PREFIX = "PREFIX dzo: <https://w3id.org/deir-ez-zor-2024/ontology#>\n" \
         "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
HEAVY = {
    "count-by-class": "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n)",
    "events-per-actor-month": PREFIX + """SELECT ?actor ?month (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e a dzo:Event ; dzo:date ?d ; ?role ?actor . ?actor a dzo:Actor .
  BIND(SUBSTR(STR(?d), 1, 7) AS ?month) } GROUP BY ?actor ?month ORDER BY DESC(?n) LIMIT 100""",
    "co-participation": PREFIX + """SELECT ?a ?b (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e a dzo:Event ; ?r1 ?a ; ?r2 ?b . ?a a dzo:Actor . ?b a dzo:Actor . FILTER(STR(?a) < STR(?b))
} GROUP BY ?a ?b ORDER BY DESC(?n) LIMIT 50""",
    "label-contains": PREFIX + """SELECT ?s ?l WHERE { ?s rdfs:label ?l
  FILTER(CONTAINS(LCASE(STR(?l)), "deir")) } LIMIT 100""",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:3]} exited with {process.returncode}")
        try:
            httpx.get(url, params={"query": "ASK {}"}, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def pss_kib(pid: int) -> int:
    """Proportional set size of a process and its descendants, in KiB."""
    total = 0
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
    except FileNotFoundError:
        return 0
    return total + sum(pss_kib(int(child)) for child in children)


def timings(url: str, query: str, runs: int) -> tuple[list[float], int]:
    headers = {"accept": "application/sparql-results+json", "content-type": "application/sparql-query"}
    with httpx.Client(timeout=300) as client:
        status = client.post(url, content=query, headers=headers).status_code  # warm-up
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            client.post(url, content=query, headers=headers).raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
    return times, status


def p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT / "dist" / "dataset.nq")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    dist = work / "dist"
    dist.mkdir()
    (dist / "dataset.nq").symlink_to(args.data.resolve())
    queries = {q.name: q.text for q in list_queries(ROOT) if not q.needs_network} | HEAVY

    servers: dict[str, tuple[subprocess.Popen, str]] = {}
    try:
        port = free_port()
        started = time.perf_counter()
        ours = subprocess.Popen([sys.executable, "-m", "kg.service.server", str(dist), "--port", str(port),
                                 # every benchmark client comes from 127.0.0.1: one client for the per-client share
                                 "--query-timeout", "300", "--client-workers", "2"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        servers["kg"] = (ours, f"http://127.0.0.1:{port}/sparql")
        wait_until_up(servers["kg"][1], ours)
        print(f"kg serve up in {time.perf_counter() - started:.1f} s")
        oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        if Path(oxigraph).exists():
            started = time.perf_counter()
            subprocess.run([oxigraph, "load", "--location", str(work / "oxi"), "--file", str(args.data)],
                           check=True, capture_output=True)
            port = free_port()
            process = subprocess.Popen([oxigraph, "serve-read-only", "--location", str(work / "oxi"),
                                        "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            servers["oxigraph"] = (process, f"http://127.0.0.1:{port}/query")
            wait_until_up(servers["oxigraph"][1], process)
            print(f"oxigraph load + serve up in {time.perf_counter() - started:.1f} s")
        else:
            print("oxigraph not installed (pip install oxigraph): ours only")

        names = list(servers)
        header = f"{'query':28}" + "".join(f"{n + ' p50':>14}{n + ' p90':>14}" for n in names)
        print(header + ("  ratio p50" if len(names) > 1 else ""))
        for name, text in queries.items():
            row = f"{name:28}"
            p50s = []
            for server in names:
                times, status = timings(servers[server][1], text, args.runs)
                p50s.append(p(times, 5))
                row += f"{p(times, 5):12.1f}ms{p(times, 9):12.1f}ms"
            if len(p50s) > 1:
                row += f"  {p50s[0] / p50s[1]:9.2f}x"
            print(row, flush=True)
        for server in names:
            print(f"memory {server}: {pss_kib(servers[server][0].pid) / 1024:.0f} MiB PSS (all processes)")
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
