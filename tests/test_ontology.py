"""The ontology: every term labelled and defined, event kinds mapped to ACLED, the required
axioms present, and terms aligned with the vocabularies users know."""
from __future__ import annotations

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.namespaces import DZO, ORG, PROV, SCHEMA, SEM
from tests.conftest import ROOT

ONTO = rdflib.Graph().parse(ROOT / "ontology" / "dzo.ttl")
TERMS = sorted({s for s in ONTO.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(str(DZO))})


def test_every_term_has_an_english_label_and_a_definition():
    missing = [t for t in TERMS
               if not any(lbl.language == "en" for lbl in ONTO.objects(t, RDFS.label))
               or ONTO.value(t, SKOS.definition) is None]
    assert missing == []


def test_the_ontology_has_a_version_iri():
    assert ONTO.value(rdflib.URIRef(str(DZO)[:-1]), OWL.versionIRI) is not None


def test_every_incident_kind_carries_its_acled_event_and_sub_event_type():
    kinds = set(ONTO.transitive_subjects(RDFS.subClassOf, DZO.Event)) - {DZO.Event, DZO.MilitaryOffensive}
    assert len(kinds) >= 16
    for kind in kinds:
        assert ONTO.value(kind, DZO.acledEventType) is not None, kind
        assert ONTO.value(kind, DZO.acledSubEventType) is not None, kind


def test_part_of_and_located_in_are_transitive_and_allied_and_opposes_symmetric():
    assert (DZO.partOf, RDF.type, OWL.TransitiveProperty) in ONTO
    assert (DZO.locatedIn, RDF.type, OWL.TransitiveProperty) in ONTO
    assert (DZO.alliedWith, RDF.type, OWL.SymmetricProperty) in ONTO
    assert (DZO.opposes, RDF.type, OWL.SymmetricProperty) in ONTO


def test_supported_by_is_a_chain_over_the_support_relation():
    chain = ONTO.value(DZO.supportedBy, OWL.propertyChainAxiom)
    steps = list(rdflib.collection.Collection(ONTO, chain))
    assert ONTO.value(steps[0], OWL.inverseOf) == DZO.supportedParty and steps[1] == DZO.supporter
    assert ONTO.value(DZO.supportedBy, OWL.inverseOf) == DZO.supports


def test_actors_events_and_places_are_disjoint():
    members = set()
    for node in ONTO.subjects(RDF.type, OWL.AllDisjointClasses):
        members |= set(rdflib.collection.Collection(ONTO, ONTO.value(node, OWL.members)))
    assert {DZO.Actor, DZO.Event, DZO.Place} <= members


def test_terms_align_with_sem_prov_schema_and_org():
    assert (DZO.Event, RDFS.subClassOf, SEM.Event) in ONTO
    assert (DZO.Event, RDFS.subClassOf, SCHEMA.Event) in ONTO
    assert (DZO.Actor, RDFS.subClassOf, PROV.Agent) in ONTO
    assert (DZO.citation, RDFS.subPropertyOf, PROV.wasDerivedFrom) in ONTO
    assert (DZO.subUnitOf, RDFS.subPropertyOf, ORG.subOrganizationOf) in ONTO
    assert (DZO.date, RDFS.subPropertyOf, SEM.hasTimeStamp) in ONTO


def test_properties_have_domains_or_ranges():
    props = [t for t in TERMS if (t, RDF.type, OWL.ObjectProperty) in ONTO]
    def bounded(p) -> bool:  # a domain or range of its own or of a super-property
        return any(ONTO.value(q, RDFS.domain) is not None or ONTO.value(q, RDFS.range) is not None
                   for q in ONTO.transitive_objects(p, RDFS.subPropertyOf))

    loose = [p for p in props if not bounded(p)]
    assert set(loose) <= {DZO.partOf, DZO.hasPart, DZO.wikidataItem, DZO.linkSubject, DZO.linkTarget}, loose


def test_grouping_events_are_not_events():
    members = set()
    for node in ONTO.subjects(RDF.type, OWL.AllDisjointClasses):
        members |= set(rdflib.collection.Collection(ONTO, ONTO.value(node, OWL.members)))
    assert {DZO.Event, DZO.GroupingEvent} <= members
    grouping = set(ONTO.transitive_subjects(RDFS.subClassOf, DZO.GroupingEvent))
    assert {DZO.MilitaryOffensive, DZO.Conflict, DZO.IncidentSeries} <= grouping
    assert not grouping & set(ONTO.transitive_subjects(RDFS.subClassOf, DZO.Event))


def test_totals_and_incident_casualties_are_disjoint_kinds_of_loss_figure():
    assert (DZO.CasualtyRecord, OWL.disjointWith, DZO.ReportedTotal) in ONTO
    assert ONTO.value(DZO.totalFor, RDFS.range) == DZO.GroupingEvent
    assert ONTO.value(DZO.casualtyEvent, RDFS.range) == DZO.Event


def test_acts_for_is_transitive_and_says_which_axioms_produce_it():
    assert (DZO.actsFor, RDF.type, OWL.TransitiveProperty) in ONTO
    producers = set(ONTO.subjects(RDFS.subPropertyOf, DZO.actsFor))
    assert producers == {DZO.subUnitOf, DZO.memberOf, DZO.country, DZO.affiliatedWith, DZO.owesAllegianceTo}
    definition = str(ONTO.value(DZO.actsFor, SKOS.definition))
    assert all(f"dzo:{p.split('#')[1]}" in definition for p in producers)
    assert (DZO.leads, RDFS.subPropertyOf, DZO.memberOf) in ONTO


def test_every_incident_kind_carries_its_acled_disorder_type():
    kinds = set(ONTO.transitive_subjects(RDFS.subClassOf, DZO.Event)) - {DZO.Event}
    for kind in kinds:
        assert ONTO.value(kind, DZO.acledDisorderType) is not None, kind


def test_live_fire_exercises_are_their_own_kind_of_exercise():
    assert (DZO.LiveFireExercise, RDFS.subClassOf, DZO.MilitaryExercise) in ONTO
