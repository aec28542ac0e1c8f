"""Scale: our service against Oxigraph server and rdflib-endpoint on the very same files, at
several sizes of synthetic conflict data. Prints figures; not a test.

For each size, benchmarks/synth.py generates the data and `kg build` (store SHACL, no HermiT)
reasons over and validates it; its dataset.nq (ontology, asserted and inferred graphs) is then
served by every peer on 127.0.0.1:
  kg               python -m kg.service.server --no-build-data --load dataset.nq   (what `kg serve` runs)
  oxigraph         oxigraph load --file dataset.nq, then serve-read-only --union-default-graph
  rdflib-endpoint  rdflib-endpoint serve dataset.nq     (from --rdflib-endpoint, if installed)
It reports start-up (load) time, memory (PSS of every process of the server; and RSS of one
in-memory pyoxigraph store holding the same file, the yardstick), p50/p90 latency of the named
queries and of heavier analytical ones, and throughput with 1, 4 and 16 concurrent clients.

    .venv/bin/python benchmarks/scale.py                              # 10k and 1M triples
    .venv/bin/python benchmarks/scale.py --sizes 10000 --runs 20
    .venv/bin/python benchmarks/scale.py --sizes 1000000 --rdflib-endpoint /tmp/re/bin/rdflib-endpoint
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not benchmarks/: see benchmarks/README.md
from benchmarks.http_service import free_port, pss_kib, wait_until_up  # noqa: E402
from kg.sparql.named import bind, list_queries  # noqa: E402
from kg.sparql.text import with_values  # noqa: E402

PREFIX = ("PREFIX dzo: <https://w3id.org/deir-ez-zor-2024/ontology#>\n"
          "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
HEAVY = {
    "count-by-class": "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n)",
    "events-per-actor-month": PREFIX + """SELECT ?actor ?month (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e a dzo:Event ; dzo:date ?d ; dzo:participant ?actor .
  BIND(SUBSTR(STR(?d), 1, 7) AS ?month) } GROUP BY ?actor ?month ORDER BY DESC(?n) LIMIT 100""",
    "killed-per-party-year": PREFIX + """SELECT ?party ?year (SUM(?k) AS ?killed) WHERE {
  ?c a dzo:CasualtyRecord ; dzo:casualtyParty ?party ; dzo:killed ?k ; dzo:casualtyEvent ?e .
  ?e dzo:date ?d BIND(YEAR(?d) AS ?year) } GROUP BY ?party ?year ORDER BY DESC(?killed) LIMIT 50""",
    "unit-tree-size": PREFIX + """SELECT ?top (COUNT(DISTINCT ?unit) AS ?n) WHERE {
  ?unit dzo:subUnitOf+ ?top } GROUP BY ?top ORDER BY DESC(?n) LIMIT 20""",
    "events-under-support": PREFIX + """SELECT ?supporter (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?r a dzo:SupportRelation ; dzo:supporter ?supporter ; dzo:supportedParty ?party ;
     dzo:startDate ?start ; dzo:endDate ?end .
  ?e dzo:agent ?party ; dzo:date ?d . FILTER(?d >= ?start && ?d <= ?end)
} GROUP BY ?supporter ORDER BY DESC(?n) LIMIT 20""",
    "label-search": PREFIX + """SELECT ?s ?l WHERE { ?s rdfs:label ?l
  FILTER(CONTAINS(LCASE(STR(?l)), "actor 12")) } LIMIT 100""",
}
EXAMPLES = {"place": "dzr:synth-place-1", "day": "2019-06-01", "actor": "dzr:synth-actor-1",
            "party": "dzr:synth-actor-1", "number": "1"}
"""Parameter values of the named queries on synthetic data."""
MONTH = {"from": "2024-09-01", "to": "2024-09-30"}
"""The date window of the queries that take one, run a second time as "NAME, a month"."""
THROUGHPUT = ("who-supported-whom", "killed-per-party-year")
"""A light and a heavy query, each sent by 1, 4 and 16 clients at once."""


def workload() -> dict[str, str]:
    """Named queries (parameters bound as VALUES, the text every peer can run) and HEAVY."""
    found = {}
    for q in list_queries(ROOT):
        if q.needs_network:
            continue
        values = {p.name: EXAMPLES.get(p.name, "dzr:synth-actor-1") for p in q.parameters if not p.optional}
        bound = bind(q, values)
        found[q.name] = with_values(bound.text, bound.substitutions)
        if {p.name for p in q.parameters if p.optional} == set(MONTH):
            bound = bind(q, values | MONTH)
            found[q.name + ", a month"] = with_values(bound.text, bound.substitutions)
    return found | HEAVY


def prepare(size: int, work: Path) -> tuple[Path, dict[str, float]]:
    """dataset.nq of a built synthetic graph of about `size` triples (kept in `work` for reuse)."""
    out = work / f"synth-{size}"
    dataset = out / "dist" / "dataset.nq"
    timings: dict[str, float] = {}
    if dataset.exists():
        return dataset, timings
    graph = out / "graph"
    graph.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synth.py"), "--triples", str(size),
                    "-o", str(graph / "synth.ttl")], check=True)
    from kg.build import pipeline as build_mod

    t = time.perf_counter()
    built = build_mod.build(ROOT, graph_dir=graph, reasoner=False, engine="store")
    build_mod.write_dist(built, out / "dist")
    timings = dict(built.timings, total=time.perf_counter() - t)
    return dataset, timings


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    startup: float
    results: dict[str, list[float] | str] = field(default_factory=dict)


def start_kg(data: Path, work: Path, workers: int) -> Server:
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "kg.service.server", str(work), "--no-build-data", "--load",
                                str(data), "--port", str(port), "--query-timeout", "900",
                                # the benchmark's clients all come from 127.0.0.1: one client for the per-client share
                                "--workers", str(workers), "--client-workers", str(workers)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/sparql"
    wait_until_up(url, process)
    return Server("kg", url, process, time.perf_counter() - started)


def start_oxigraph(data: Path, work: Path) -> Server | None:
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(oxigraph).exists():
        print("oxigraph server not installed (pip install oxigraph): left out")
        return None
    location = work / f"oxigraph-{data.parent.parent.name}"
    shutil.rmtree(location, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([oxigraph, "load", "--location", str(location), "--file", str(data)],
                   check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen([oxigraph, "serve-read-only", "--location", str(location), "--bind",
                                f"127.0.0.1:{port}", "--union-default-graph"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    wait_until_up(url, process)
    return Server("oxigraph", url, process, time.perf_counter() - started)


def start_rdflib_endpoint(data: Path, executable: str | None) -> Server | None:
    found = executable or shutil.which("rdflib-endpoint")
    if not found or not Path(found).exists():
        print("rdflib-endpoint not installed (pip install 'rdflib-endpoint[cli]'): left out")
        return None
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen([found, "serve", str(data), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    wait_until_up(url, process, seconds=1800)
    return Server("rdflib-endpoint", url, process, time.perf_counter() - started)


def send(client: httpx.Client, url: str, query: str) -> httpx.Response:
    return client.post(url, data={"query": query}, headers={"accept": "application/sparql-results+json"})


def rows(response: httpx.Response) -> int:
    return len(response.json()["results"]["bindings"])


def latencies(server: Server, query: str, runs: int, budget: float) -> tuple[list[float] | str, int]:
    """Times in ms of `runs` runs after a warm-up; "timeout"/"error NNN" when the warm-up fails."""
    with httpx.Client(timeout=budget) as client:
        try:
            started = time.perf_counter()
            first = send(client, server.url, query)
            first_ms = (time.perf_counter() - started) * 1000
        except httpx.TimeoutException:
            return f">{budget:g}s", -1
        if first.status_code != 200:
            return f"error {first.status_code}", -1
        count = rows(first)
        if first_ms > budget * 1000 / 4:  # slow: the warm-up is the only run
            return [first_ms], count
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            send(client, server.url, query).raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
    return times, count


def throughput(server: Server, query: str, clients: int, seconds: float) -> tuple[float, int]:
    """Answers per second with `clients` threads sending `query` for `seconds`; and non-200s."""
    done, failed = [0], [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client_loop() -> None:
        with httpx.Client(timeout=seconds + 600) as client:
            while time.monotonic() < stop:
                status = send(client, server.url, query).status_code
                with lock:
                    (done if status == 200 else failed)[0] += 1

    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.perf_counter() - started), failed[0]


def yardstick_rss(data: Path) -> tuple[float, float]:
    """Seconds to bulk-load `data` into one in-memory pyoxigraph store, and that process's RSS (MiB)."""
    code = ("import time, pyoxigraph as ox\nt = time.perf_counter()\ns = ox.Store()\n"
            f"s.bulk_load(path={str(data)!r}, format=ox.RdfFormat.N_QUADS)\n"
            "print(time.perf_counter() - t, len(s))\n"
            "print([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[2]) / 1024


def p(values: list[float], decile: int) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[decile - 1] if len(values) > 1 else values[0]


def cell(result: list[float] | str, decile: int) -> str:
    return result if isinstance(result, str) else f"{p(result, decile):.1f}"


def report_latency(servers: list[Server], queries: dict[str, str]) -> None:
    names = [s.name for s in servers]
    head = f"{'query':26}" + "".join(f"{n[:10] + ' p50':>16}{'p90':>9}" for n in names)
    head += "".join(f"{'kg/' + n[:10]:>16}" for n in names[1:])
    print(head)
    for query in queries:
        line = f"{query:26}"
        for server in servers:
            result = server.results[query]
            line += f"{cell(result, 5):>16}{cell(result, 9):>9}"
        ours = servers[0].results[query]
        for other in servers[1:]:
            theirs = other.results[query]
            if isinstance(ours, str) or isinstance(theirs, str):
                line += f"{'-':>16}"
            else:
                line += f"{p(ours, 5) / p(theirs, 5):>15.2f}x"
        print(line, flush=True)


def run_size(size: int, args, work: Path) -> None:
    data, build_timings = prepare(size, work)
    quads = sum(1 for _ in ox.parse(path=str(data), format=ox.RdfFormat.N_QUADS))
    print(f"\n## about {size} synthetic triples: {quads} quads served ({data})")
    if build_timings:
        print("build: " + ", ".join(f"{k} {v:.1f} s" for k, v in build_timings.items()))
    load_s, rss = yardstick_rss(data)
    print(f"yardstick: one in-memory pyoxigraph store, bulk_load {load_s:.2f} s, RSS {rss:.0f} MiB")
    queries = workload()
    servers: list[Server] = []
    try:
        servers.append(start_kg(data, work, args.workers))
        for peer in args.peers:
            server = (start_oxigraph(data, work) if peer == "oxigraph"
                      else start_rdflib_endpoint(data, args.rdflib_endpoint))
            if server:
                servers.append(server)
        for server in servers:
            print(f"{server.name}: up in {server.startup:.1f} s, "
                  f"{pss_kib(server.process.pid) / 1024:.0f} MiB PSS at rest", flush=True)
        counts: dict[str, dict[str, int]] = {}
        for server in servers:
            slow = server.name == "rdflib-endpoint" and size > 100_000
            for name, text in queries.items():
                if slow and name not in HEAVY:
                    # Past 100k it takes minutes a query: only the analytical ones, whose targets
                    # name it; a query it gives up on would keep its one CPU busy for the next.
                    server.results[name] = "not run"
                    continue
                server.results[name], counts.setdefault(name, {})[server.name] = latencies(
                    server, text, 2 if slow else args.runs, args.budget)
                if slow:
                    print(f"  {server.name} {name}: {cell(server.results[name], 5)} ms", flush=True)
        report_latency(servers, queries)
        differing = {q: c for q, c in counts.items() if len(set(v for v in c.values() if v >= 0)) > 1}
        for query, by_server in differing.items():
            print(f"  note: {query} row counts differ: {by_server}")
        for server in servers:
            print(f"{server.name}: {pss_kib(server.process.pid) / 1024:.0f} MiB PSS after the queries")
        print(f"throughput, answers/s over {args.seconds:g} s (non-200 answers in brackets):")
        for query in THROUGHPUT:
            for server in servers:
                if isinstance(server.results[query], str) or p(server.results[query], 5) > 5000:
                    print(f"  {query:24} {server.name:16} skipped (too slow)")
                    continue
                cells = []
                for clients in (1, 4, 16):
                    rate, failed = throughput(server, queries[query], clients, args.seconds)
                    cells.append(f"{clients:2d} clients {rate:7.1f}" + (f" ({failed})" if failed else ""))
                print(f"  {query:24} {server.name:16} " + "   ".join(cells), flush=True)
    finally:
        for server in servers:
            server.process.terminate()
            server.process.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,1000000", help="synthetic triples, comma-separated")
    parser.add_argument("--runs", type=int, default=10,
                        help="timed runs per query (past 100k triples rdflib-endpoint runs only the "
                             "analytical queries, twice)")
    parser.add_argument("--budget", type=float, default=600, help="seconds a single query may take")
    parser.add_argument("--seconds", type=float, default=5, help="duration of each throughput run")
    parser.add_argument("--workers", type=int, default=2, help="our query workers")
    parser.add_argument("--peers", default="oxigraph,rdflib-endpoint")
    parser.add_argument("--rdflib-endpoint", help="its executable (default: on PATH)")
    parser.add_argument("--work", type=Path, help="keep generated data here for later runs (default: a temp dir)")
    args = parser.parse_args()
    args.peers = [peer for peer in args.peers.split(",") if peer]
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            run_size(size, args, work)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
