"""The draft profile: a draft validated with the project's shapes and SPARQL checks, beside the
curated graph it refers to, the rules that shapes/profiles/draft.ttl names reporting warnings
(what a reviewer has to add) instead of violations.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import rdflib

from kg.build import reasoning, validate
from kg.namespaces import DZS, SH
from kg.rdf import read_quads, to_graph

PROFILE = Path("shapes") / "profiles" / "draft.ttl"


def profile_shapes(root: Path) -> rdflib.Graph:
    """The project's shapes with the severity of each relaxed rule lowered to a warning."""
    shapes = validate.load_shapes(root / "shapes")
    profile = rdflib.Graph().parse(root / PROFILE, format="turtle")
    for relaxation in profile.objects(DZS.DraftProfile, DZS.relaxes):
        node, path = profile.value(relaxation, DZS.nodeShape), profile.value(relaxation, SH.path)
        rules = [p for p in shapes.objects(node, SH.property) if (p, SH.path, path) in shapes]
        if not rules:
            raise ValueError(f"{PROFILE}: relaxes {node} {path}, which no shape has")
        for rule in rules:
            shapes.set((rule, SH.severity, SH.Warning))
    return shapes


def _triples(path: Path) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in read_quads(path)]


def validate_draft(root: Path, draft: Path) -> validate.Report:
    """The report of a draft file (TriG or Turtle) beside the project's ontology and graph."""
    ontology = [t for p in sorted((root / "ontology").glob("*.ttl")) for t in _triples(p)]
    asserted = [t for p in sorted((root / "graph").glob("*.ttl")) for t in _triples(p)] + _triples(draft)
    asserted = sorted(set(asserted), key=str)
    inferred = reasoning.materialise(asserted, reasoning.rules_from_ontology(to_graph(ontology)))
    store = ox.Store()
    store.bulk_extend([ox.Quad(x.subject, x.predicate, x.object) for x in ontology + asserted + inferred])
    shacl = validate.run_shacl(to_graph(ontology + asserted + inferred), profile_shapes(root))
    return validate.Report(sorted(set(shacl + validate.run_sparql_checks(store, root / "shapes"))))
