"""The draft folder: draft.trig (the draft graph), review.csv and review.html, written together,
the folder and its parents made when missing; and the draft's validation under the draft profile.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import rdflib

from kg.build.validate import Report
from kg.draft import review, write
from kg.draft.pipeline import Draft
from kg.draft.profile import validate_draft
from kg.errors import DraftError

GRAPH_FILE, CSV_FILE, HTML_FILE = "draft.trig", "review.csv", "review.html"


@dataclass
class Written:
    graph: Path
    csv: Path
    html: Path
    report: Report | None


def save(d: Draft, out: Path, root: Path, check: bool = True) -> Written:
    """Write the three files of a draft into `out`; with `check`, validate the graph."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DraftError(f"cannot make the folder {out}: {e.strerror or e}") from None
    ontology = rdflib.Graph()
    for path in sorted((root / "ontology").glob("*.ttl")):
        ontology.parse(path, format="turtle")
    graph = write.build(d, ontology)
    labels = [str(graph.value(write.DZR[i], rdflib.RDFS.label)) for i in write.event_ids(d)]
    table = review.rows(d, write.event_ids(d), labels, root / "ontology")
    paths = Written(out / GRAPH_FILE, out / CSV_FILE, out / HTML_FILE, None)
    try:
        write.write(graph, d.slug, paths.graph)
        review.write_csv(table, paths.csv)
        review.write_html(d, table, paths.html)
    except OSError as e:
        raise DraftError(f"cannot write the draft into {out}: {e.strerror or e}") from None
    if check:
        paths.report = validate_draft(root, paths.graph)
    return paths
