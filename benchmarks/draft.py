"""`kg draft` against the curated graph: the article the graph was made from, drafted and
compared incident by incident; then the held-out fixtures of other articles (date and kind only),
and the time a 10,000-word text takes.

    .venv/bin/python benchmarks/draft.py [--article PATH]
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import rdflib  # noqa: E402

from kg.draft.match import Gazetteer  # noqa: E402
from kg.draft.pipeline import draft  # noqa: E402
from kg.draft.score import score  # noqa: E402

ARTICLE = ROOT.parent / "shared" / "sources" / "000_fe1c7054a3912c6b.txt"
FIXTURES = ROOT / "benchmarks" / "data" / "draft"


def curated_graph(root: Path) -> rdflib.Graph:
    g = rdflib.Graph()
    for path in sorted((root / "graph").glob("*.ttl")) + sorted((root / "ontology").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def article_figures(article: Path, gaz: Gazetteer) -> None:
    t = time.perf_counter()
    d = draft(article, ROOT, gazetteer=gaz)
    took = time.perf_counter() - t
    s = score(curated_graph(ROOT), d.events)
    print(f"article: {article.name} ({len(d.article.text.split())} words)")
    print(f"  curated incidents {s.incidents}, proposed events {s.proposed}, incidents found {s.found}")
    for name in ("date", "date and precision", "kind", "places", "agents", "places and agents"):
        print(f"  right {name:<20} {s.right.get(name, 0):3d}/{s.incidents}  {100 * s.share(name):5.1f}%")
    print(f"  right casualty figures    {s.figures_right:3d}/{s.with_figures}  {100 * s.figures_share:5.1f}%")
    print(f"  proposals matching nothing {len(s.unmatched):2d}/{s.proposed}  {100 * s.unmatched_share:5.1f}%")
    print(f"  time {took:.2f} s (of which extraction {d.timings['extract']:.2f} s)")
    if "-v" in sys.argv:
        print("  missed:", *[m.rsplit("/", 1)[-1] for m in s.missed])
        for what, iris in s.wrong.items():
            print(f"  wrong {what}:", *[m.rsplit("/", 1)[-1] for m in iris])
        for e in s.unmatched:
            print("  unmatched:", e.date.start, e.kind, e.sentence.text[:80])


def fixture_figures(gaz: Gazetteer) -> None:
    """Recall of hand-annotated incidents (date, kind) on texts the rules were not tuned on."""
    for text in sorted(FIXTURES.glob("*.txt")):
        wanted = list(csv.DictReader((text.with_suffix(".csv")).open(encoding="utf-8")))
        d = draft(text, ROOT, gazetteer=gaz)
        by_day = {}
        for e in d.events:
            by_day.setdefault(e.date.start, []).append(e)
        dated = kinded = 0
        for row in wanted:
            day = date.fromisoformat(row["date"])
            near = [e for e in by_day.get(day, []) if row["contains"].lower() in e.sentence.text.lower()]
            dated += bool(near)
            kinded += any(e.kind == row["kind"] for e in near)
        n = len(wanted)
        print(f"held out: {text.stem}: {n} incidents, right date {dated}/{n} ({100 * dated / n:.0f}%), "
              f"right date and kind {kinded}/{n} ({100 * kinded / n:.0f}%), {len(d.events)} proposed")


def speed(article: Path, gaz: Gazetteer, words: int = 10_000) -> None:
    text = article.read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if "|" not in line)
    big = text + ("\n" + body) * (words // len(body.split()) + 1)
    tmp = Path("/tmp") if Path("/tmp").is_dir() else ROOT
    path = tmp / "draft-speed.txt"
    path.write_text(big, encoding="utf-8")
    t = time.perf_counter()
    d = draft(path, ROOT, gazetteer=gaz)
    print(f"speed: {len(big.split())} words drafted in {time.perf_counter() - t:.2f} s ({len(d.events)} events)")
    path.unlink()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--article", type=Path, default=ARTICLE)
    p.add_argument("-v", action="store_true", help="list the misses")
    args = p.parse_args()
    t = time.perf_counter()
    gaz = Gazetteer.from_project(ROOT)
    print(f"gazetteer: {len(gaz.entries)} names of {len(gaz.kind)} actors and places ({time.perf_counter() - t:.2f} s)")
    article_figures(args.article, gaz)
    fixture_figures(gaz)
    speed(args.article, gaz)


if __name__ == "__main__":
    main()
