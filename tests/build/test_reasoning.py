"""Reasoning: the ontology's entailments are materialised, HermiT agrees with them, and an
inconsistent graph fails with its culprits named."""
from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest
import rdflib

from kg.build import pipeline as build_mod
from kg.build import reasoning
from kg.errors import InconsistentError
from kg.namespaces import DZO, DZR
from kg.rdf import to_graph
from tests.conftest import DATA, ROOT


def triples(ts) -> set[tuple[str, str, str]]:
    return {(t.subject.value, t.predicate.value, t.object.value) for t in ts}


def test_the_chain_derives_supported_by_from_the_support_relation(built):
    inferred = triples(built.inferred)
    assert (DZR["syrian-democratic-forces"], DZO.supportedBy, DZR["cjtf-oir"]) in {
        tuple(rdflib.URIRef(x) for x in t) for t in inferred
    }


def test_supports_is_derived_as_the_inverse_of_supported_by(built):
    inferred = triples(built.inferred)
    assert (str(DZR["cjtf-oir"]), str(DZO.supports), str(DZR["syrian-democratic-forces"])) in inferred


def test_located_in_is_closed_transitively(built):
    inferred = triples(built.inferred)
    located = {(s, o) for s, p, o in inferred if p == str(DZO.locatedIn)}
    assert (str(DZR["abu-kamal"]), str(DZR["syria"])) in located


def test_inferred_graph_holds_only_new_triples(built):
    assert triples(built.inferred).isdisjoint(triples(built.asserted))


def test_rules_cover_every_kind_of_axiom(built):
    kinds = {r.axiom.split()[1] for r in reasoning.rules_from_ontology(to_graph(built.ontology))}
    assert {"subClassOf", "subPropertyOf", "inverseOf", "a", "propertyChain"} <= kinds


def test_materialisation_is_deterministic(built):
    rules = reasoning.rules_from_ontology(to_graph(built.ontology))
    assert reasoning.materialise(built.asserted, rules) == built.inferred


def test_hermit_agrees_with_the_materialised_object_property_values(built):
    onto = to_graph(built.ontology)
    object_properties = {str(p) for p in onto.subjects(rdflib.RDF.type, rdflib.OWL.ObjectProperty)}
    ours = {
        t for t in triples(built.asserted + built.inferred)
        if t[1] in object_properties and t[1].startswith(str(DZO))
    }
    # Outside IRIs (Wikidata, GeoNames) are left out: no axiom derives anything from them, and
    # owlready2 renames IRIs that end in "/" (https://sws.geonames.org/1/ becomes .../1/thing2).
    ours = {t for t in ours if _ours(t[0]) and _ours(t[2])}
    hermit = {t for t in reasoning.hermit_object_property_values(onto, to_graph(built.asserted)) if _ours(t[2])}
    assert hermit == ours


def _ours(iri: str) -> bool:
    return iri.startswith((str(DZR), str(DZO)))


def test_an_inconsistent_graph_fails_naming_individuals_and_axioms(tmp_path):
    graph = tmp_path / "graph"
    graph.mkdir()
    shutil.copy(DATA / "inconsistent" / "graph.ttl", graph / "graph.ttl")
    with pytest.raises(InconsistentError) as failure:
        build_mod.build(ROOT, graph_dir=graph)
    message = str(failure.value)
    assert f"{DZR['khasham-event']} is both a dzo:Event and a dzo:Place" in message
    assert f"{DZR['s']} has two values of the functional property dzo:supporter" in message


def test_reasoning_copy_has_no_literals_hermit_rejects(built):
    copy = reasoning.reasoning_copy(to_graph(built.ontology), to_graph(built.asserted))
    datatypes = {o.datatype for o in copy.objects() if isinstance(o, rdflib.Literal)}
    assert rdflib.XSD.date not in datatypes and rdflib.XSD.gYearMonth not in datatypes


def test_materialise_handles_a_chain_with_an_inverse_step():
    p = lambda name: ox.NamedNode(str(DZO[name]))  # noqa: E731
    rel, a, b = (ox.NamedNode(str(DZR[x])) for x in ("rel", "a", "b"))
    onto = to_graph([])
    onto.parse(ROOT / "ontology" / "dzo.ttl")
    asserted = [ox.Triple(rel, p("supporter"), b), ox.Triple(rel, p("supportedParty"), a)]
    inferred = triples(reasoning.materialise(asserted, reasoning.rules_from_ontology(onto)))
    assert (a.value, str(DZO.supportedBy), b.value) in inferred
    assert (b.value, str(DZO.supports), a.value) in inferred


def _acts_for(built) -> set[tuple[str, str]]:
    return {(s, o) for s, p, o in triples(built.asserted + built.inferred) if p == str(DZO.actsFor)}


def test_every_us_force_acts_for_the_united_states_by_one_materialised_property(built):
    acting = {s for s, o in _acts_for(built) if o == str(DZR["united-states"])}
    assert {str(DZR[x]) for x in ("united-states-armed-forces", "united-states-air-force", "us-central-command")} <= acting


def test_a_brigade_acts_for_the_force_above_its_parent_and_for_the_side(built):
    acts = _acts_for(built)
    brigade = str(DZR["self-defense-forces-1st-brigade"])
    assert (brigade, str(DZR["syrian-democratic-forces"])) in acts and (brigade, str(DZR["side-sdf"])) in acts


def test_acts_for_is_never_asserted_only_derived(built):
    assert not any(p == str(DZO.actsFor) for _, p, _ in triples(built.asserted))


def test_a_coalition_leader_is_one_of_its_members(built):
    members = {(s, o) for s, p, o in triples(built.inferred) if p == str(DZO.memberOf)}
    assert (str(DZR["united-states"]), str(DZR["cjtf-oir"])) in members
