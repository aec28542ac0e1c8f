"""Validation: the article graph passes every rule, and every rule fires on its broken fixture."""
from __future__ import annotations

import shutil

import pytest
import rdflib
from rdflib.namespace import RDF

from kg.build import pipeline as build_mod
from kg.errors import ValidationFailed
from kg.namespaces import SH
from kg.build.shacl_sparql import rule_name
from kg.build.validate import load_shapes, sparql_rules
from tests.conftest import DATA, ROOT

BROKEN = sorted((DATA / "broken").glob("*.ttl"))
NODE_LEVEL = [SH["or"], SH.xone, SH["and"], SH["not"], SH["class"], SH.sparql]


def expected_rules(path) -> set[str]:
    return {line.split(":", 1)[1].strip() for line in path.read_text().splitlines() if line.startswith("# fires:")}


def all_rules() -> set[str]:
    shapes = load_shapes(ROOT / "shapes")
    rules = set()
    for node in shapes.subjects(RDF.type, SH.NodeShape):
        for prop in shapes.objects(node, SH.property):
            rules.add(rule_name(prop, shapes))
        if any(shapes.value(node, p) is not None for p in NODE_LEVEL):
            rules.add(rule_name(node, shapes))
    rules |= {p.stem for p in sparql_rules(ROOT / "shapes") if p.stem.endswith(("-violation", "-warning"))}
    return rules


def test_the_article_graph_has_no_violations(built):
    assert built.report.violations == []


def test_every_rule_has_a_fixture_that_names_it():
    named = set().union(*(expected_rules(p) for p in BROKEN))
    assert all_rules() - named == set()
    assert named - all_rules() == set(), "a fixture names a rule that does not exist"


def findings_on(fixture, tmp_path):
    """The violations and warnings of a build of one fixture (warnings alone let it pass)."""
    graph = tmp_path / "graph"
    graph.mkdir()
    shutil.copy(fixture, graph / fixture.name)
    try:
        report = build_mod.build(ROOT, graph_dir=graph, reasoner=False).report
    except ValidationFailed as failure:
        report = failure.report
    return {f.rule for f in report.findings if f.severity in ("Violation", "Warning")}


@pytest.mark.parametrize("fixture", BROKEN, ids=lambda p: p.stem)
def test_rule_fires_on_its_broken_fixture(fixture, tmp_path):
    assert expected_rules(fixture) - findings_on(fixture, tmp_path) == set()


def failed_build(fixture, tmp_path) -> ValidationFailed:
    """The failure of a build of one broken fixture."""
    graph = tmp_path / "graph"
    graph.mkdir()
    shutil.copy(fixture, graph / "g.ttl")
    with pytest.raises(ValidationFailed) as failure:
        build_mod.build(ROOT, graph_dir=graph, reasoner=False)
    return failure.value


def test_undeclared_terms_are_named_in_each_position(tmp_path):
    # One finding for each way a misspelt term can appear: as a property, as a class, as an object.
    report = failed_build(DATA / "broken" / "undeclared.ttl", tmp_path).report
    dzo, dzr = "https://w3id.org/deir-ez-zor-2024/ontology#", "https://w3id.org/deir-ez-zor-2024/resource/"
    found = {(f.focus, f.message) for f in report.findings if f.rule == "undeclared-term-violation"}
    assert found == {
        (dzr + "c", f"uses the undeclared property {dzo}suportedBy"),
        (dzr + "c", f"has the undeclared class {dzo}Milita"),
        (dzr + "b", f"refers to the undeclared term {dzo}NonStateArmedGrop"),
    }


def test_the_article_graph_has_no_warnings_but_unverified_governorates(built):
    rules = {f.rule for f in built.report.findings if f.severity == "Warning"}
    assert rules <= {"place-governorate-warning"}


def test_the_failure_message_names_rule_focus_node_and_reason(tmp_path):
    message = str(failed_build(DATA / "broken" / "untyped.ttl", tmp_path))
    assert "[Violation] untyped-resource-violation: https://w3id.org/deir-ez-zor-2024/resource/grup-a:" in message
    assert "misspelt slug" in message


def test_shapes_parse_as_shacl():
    shapes = load_shapes(ROOT / "shapes")
    assert isinstance(shapes, rdflib.Graph) and len(list(shapes.subjects(RDF.type, SH.NodeShape))) >= 10


def test_a_violation_names_the_data_file_that_describes_its_node(tmp_path):
    graph = tmp_path / "graph"
    graph.mkdir()
    shutil.copy(DATA / "broken" / "casualty-figure.ttl", graph / "losses.ttl")
    with pytest.raises(ValidationFailed) as failure:
        build_mod.build(ROOT, graph_dir=graph, reasoner=False)
    violations = [f for f in failure.value.report.violations if f.focus.startswith("https://w3id.org/")]
    assert violations and all(f.source == "graph/losses.ttl" for f in violations)
    assert "(in graph/losses.ttl)" in str(failure.value)
