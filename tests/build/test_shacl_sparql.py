"""The shapes compiled to SPARQL find exactly what pyshacl finds, on the article graph and on
every broken fixture, so the large-graph path validates the same rules."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.build import pipeline as build_mod
from kg.errors import ValidationFailed
from kg.build.shacl_sparql import compile_shapes
from kg.build.validate import load_shapes
from tests.conftest import DATA, ROOT

BROKEN = sorted((DATA / "broken").glob("*.ttl"))


def compiled_findings(built) -> set[tuple[str, str]]:
    store = ox.Store()
    store.bulk_extend([ox.Quad(t.subject, t.predicate, t.object) for t in built.ontology + built.asserted + built.inferred])
    found = set()
    for rule in compile_shapes(load_shapes(ROOT / "shapes")):
        found |= {(rule.rule, row["node"].value) for row in store.query(rule.query)}
    return found


def shacl_findings(report) -> set[tuple[str, str]]:
    sparql_rules = {p.stem for p in (ROOT / "shapes" / "sparql").glob("*.rq")}
    return {(f.rule, f.focus) for f in report.findings if f.rule not in sparql_rules and f.severity != "Info"}


def test_compiled_shapes_find_nothing_on_the_article_graph(built):
    assert compiled_findings(built) == set()


def report_of(graph_dir):
    """The build's validation report, whether or not validation passed."""
    try:
        return build_mod.build(ROOT, graph_dir=graph_dir, reasoner=False).report
    except ValidationFailed as failure:
        return failure.report


@pytest.mark.parametrize("fixture", BROKEN, ids=lambda p: p.stem)
def test_compiled_shapes_agree_with_pyshacl_on_each_fixture(fixture, tmp_path):
    graph = tmp_path / "graph"
    graph.mkdir()
    (graph / fixture.name).write_bytes(fixture.read_bytes())
    report = report_of(graph)
    # Rebuild without validation to get the reasoned graphs the compiled queries run on.
    from kg.build import reasoning
    from kg.rdf import to_graph

    ontology = build_mod._read_dir(ROOT / "ontology")
    asserted = build_mod._read_dir(graph)
    inferred = reasoning.materialise(asserted, reasoning.rules_from_ontology(to_graph(ontology)))
    built = build_mod.Built(ontology, asserted, inferred, report)
    assert compiled_findings(built) == shacl_findings(report)
