"""`kg draft` against the curated graph: the article the graph was made from, drafted and
compared incident by incident; then held-out texts of other articles against hand annotations
(date and kind only; benchmarks/data/draft-held-out/SOURCES.md), and the time a 10,000-word text takes.

    .venv/bin/python benchmarks/draft.py [--article PATH] [--held-out FOLDER] [-v]
"""
from __future__ import annotations

import argparse
import csv
import sys
import tempfile
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
ANNOTATIONS = ROOT / "benchmarks" / "data" / "draft-held-out"


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
    for name in ("date", "date and precision", "kind", "places", "location precision", "agents", "places and agents"):
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


def held_out_figures(folder: Path, gaz: Gazetteer) -> None:
    """Recall of hand-annotated incidents (date, kind) on texts the rules were not tuned on: an
    incident is found when a proposed event of its sentence (located by a few of its words) has
    its day, and its kind too."""
    total = dated_all = kinded_all = 0
    for annotations in sorted(ANNOTATIONS.glob("*.csv")):
        text = folder / f"{annotations.stem}.txt"
        if not text.exists():
            print(f"held out: {annotations.stem}: no text in {folder} (see {ANNOTATIONS.name}/SOURCES.md)")
            continue
        wanted = list(csv.DictReader(annotations.open(encoding="utf-8")))
        d = draft(text, ROOT, gazetteer=gaz)
        dated = kinded = 0
        for row in wanted:
            day = date.fromisoformat(row["date"])
            near = [e for e in d.events if row["contains"].lower() in e.sentence.text.lower() and e.date.start == day]
            dated += bool(near)
            kinded += any(e.kind == row["kind"] for e in near)
            if "-v" in sys.argv and not any(e.kind == row["kind"] for e in near):
                print(f"  missed: {row['date']} {row['kind']} '{row['contains']}'")
        n = len(wanted)
        total, dated_all, kinded_all = total + n, dated_all + dated, kinded_all + kinded
        print(f"held out: {annotations.stem}: {n} incidents, right date {dated}/{n} ({100 * dated / n:.0f}%), "
              f"right date and kind {kinded}/{n} ({100 * kinded / n:.0f}%); {len(d.events)} events proposed")
    if total:
        print(f"held out, all: {total} incidents, right date {dated_all}/{total} ({100 * dated_all / total:.0f}%), "
              f"right date and kind {kinded_all}/{total} ({100 * kinded_all / total:.0f}%)")


def speed(article: Path, gaz: Gazetteer, words: int = 10_000) -> None:
    text = article.read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if "|" not in line)
    big = text + ("\n" + body) * (words // len(body.split()) + 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long-article.txt"
        path.write_text(big, encoding="utf-8")
        t = time.perf_counter()
        d = draft(path, ROOT, gazetteer=gaz)
        took = time.perf_counter() - t
    print(f"speed: {len(big.split())} words drafted in {took:.2f} s ({len(d.events)} events)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--article", type=Path, default=ARTICLE)
    p.add_argument("--held-out", type=Path, default=ANNOTATIONS, help="folder holding the held-out texts (NAME.txt)")
    p.add_argument("-v", action="store_true", help="list the misses")
    args = p.parse_args()
    t = time.perf_counter()
    gaz = Gazetteer.from_project(ROOT)
    print(f"gazetteer: {len(gaz.entries)} names of {len(gaz.kind)} actors and places ({time.perf_counter() - t:.2f} s)")
    article_figures(args.article, gaz)
    held_out_figures(args.held_out, gaz)
    speed(args.article, gaz)


if __name__ == "__main__":
    main()
