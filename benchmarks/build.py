"""Time each stage of the build (parse, materialise, HermiT, validate, serialise) on the article
graph and on synthetic copies of it 10x and 100x its size. Prints a table; not a test.

    .venv/bin/python benchmarks/build.py [--sizes 1,10,100] [--synth 1000000]

Copies of the article graph are validated with pyshacl and checked by HermiT up to
--no-hermit-above copies; --synth adds a synthetic graph (benchmarks/synth.py) of that many
triples, which takes the large-graph path (SHACL compiled to SPARQL in the store, no HermiT).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not benchmarks/: its http.py would shadow the standard library

from kg.build import pipeline as build_mod  # noqa: E402
from kg.namespaces import DZR  # noqa: E402
from kg.rdf import read_quads  # noqa: E402


def replicate(times: int, out: Path) -> int:
    """Write `times` renamed copies of graph/ to out/graph.nt; returns the triple count."""
    base = [q.triple for p in sorted((ROOT / "graph").glob("*.ttl")) for q in read_quads(p)]
    prefix = str(DZR)

    def rename(term, k: int):
        if isinstance(term, ox.NamedNode) and term.value.startswith(prefix) and k:
            return ox.NamedNode(f"{term.value}-x{k}")
        if isinstance(term, ox.Literal) and term.language and k:
            return ox.Literal(f"{term.value} ({k})", language=term.language)
        return term

    triples = [ox.Triple(rename(t.subject, k), t.predicate, rename(t.object, k)) for k in range(times) for t in base]
    out.mkdir(parents=True, exist_ok=True)
    path = out / "graph.ttl"
    path.write_bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE))
    return len(triples)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1,10,100")
    p.add_argument("--no-hermit-above", type=int, default=10, help="skip HermiT for larger copies")
    p.add_argument("--synth", type=int, default=0, help="also build a synthetic graph of about N triples")
    args = p.parse_args()
    stages = ["parse", "materialise", "consistency (HermiT)", "validate", "serialise"]
    print(f"{'size':>6} {'triples':>9} " + " ".join(f"{s[:12]:>12}" for s in stages) + f" {'total':>8}")
    runs = [(f"{t}x", t) for t in (int(x) for x in args.sizes.split(","))]
    runs += [("synth", -args.synth)] if args.synth else []
    for name, times in runs:
        with tempfile.TemporaryDirectory() as tmp:
            graph = Path(tmp) / "graph"
            if times > 0:
                n = replicate(times, graph)
            else:
                graph.mkdir()
                n = write_synth(-times, graph / "synth.ttl")
            t0 = time.perf_counter()
            built = build_mod.build(ROOT, graph_dir=graph, reasoner=0 < times <= args.no_hermit_above)
            build_mod.write_dist(built, Path(tmp) / "dist")
            total = time.perf_counter() - t0
            cells = " ".join(f"{built.timings[s]:12.2f}" if s in built.timings else f"{'skipped':>12}" for s in stages)
            print(f"{name:>6} {n:>9} {cells} {total:8.2f}", flush=True)
    return 0


def write_synth(triples: int, path: Path) -> int:
    import importlib.util

    spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    generate = synth.generate

    data = list(generate(triples))
    path.write_bytes(ox.serialize(data, format=ox.RdfFormat.TURTLE))
    return len(data)


if __name__ == "__main__":
    raise SystemExit(main())
