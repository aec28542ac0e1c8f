"""Names matched against the graph: labels, alternative labels, Arabic names, fuzzy, or new."""
from __future__ import annotations

import rdflib
from rdflib import Literal, URIRef

from kg.draft.match import Gazetteer
from kg.namespaces import DZO, DZR, RDF, RDFS, SKOS, WD


def by_words(gaz, text):
    return {m.words: m for m in gaz.find(text)}


def test_labels_and_alternative_labels_match(gazetteer):
    found = by_words(gazetteer, "In Al-Bushri desert, ISIS cells struck a post held by the Syrian Arab Army (SAA).")
    assert found["ISIS cells"].iri == str(DZR["islamic-state"])
    assert found["Syrian Arab Army"].iri == found["SAA"].iri == str(DZR["syrian-arab-army"])
    assert found["Al-Bushri desert"].iri == str(DZR["al-bushri-desert"]) and found["Al-Bushri desert"].kind == "place"


def test_a_spelling_variant_matches_fuzzily(gazetteer):
    m = by_words(gazetteer, "A fighter was killed in Deir Ezzor.")["Deir Ezzor"]
    assert m.how == "fuzzy" and m.score >= 90


def test_a_bare_city_name_means_the_governorate_unless_the_sentence_speaks_of_a_city(gazetteer):
    governorate = by_words(gazetteer, "Reinforcements went towards Deir ez-Zor.")["Deir ez-Zor"]
    city = by_words(gazetteer, "Protests erupted in Deir ez-Zor over the city.")["Deir ez-Zor"]
    assert (governorate.iri, city.iri) == (str(DZR["deir-ez-zor-governorate"]), str(DZR["deir-ez-zor"]))


def test_a_governorate_is_named_without_its_word(gazetteer):
    assert by_words(gazetteer, "ISIS attacked a checkpoint in Al-Raqqa.")["Al-Raqqa"].iri == str(DZR["raqqa-governorate"])


def test_an_unknown_name_is_new_with_its_candidates(gazetteer):
    m = by_words(gazetteer, "A missile landed near Al-Shaddadi.")["Al-Shaddadi"]
    assert m.new and m.kind == "place"
    assert str(DZR["al-shaddadi-base"]) in [i for i, _ in m.candidates]


def test_a_name_close_to_nothing_is_new_without_candidates(gazetteer):
    m = by_words(gazetteer, "Rebels took positions in Jarablus.")["Jarablus"]
    assert m.new and m.kind == "place" and m.candidates == []


def test_a_nationality_adjective_is_no_name(gazetteer):
    assert "Syrian" not in by_words(gazetteer, "It is their largest Syrian installation.")


def test_arabic_names_from_wikidata_match():
    g = rdflib.Graph()
    g.add((DZO.Town, RDFS.subClassOf, DZO.Place))
    town = DZR["al-mayadin"]
    g.add((town, RDF.type, DZO.Town))
    g.add((town, RDFS.label, Literal("Mayadin", lang="en")))
    g.add((town, SKOS.altLabel, Literal("Al-Mayadin", lang="en")))
    g.add((town, DZO.wikidataItem, URIRef(WD["Q1"])))
    g.add((URIRef(WD["Q1"]), RDFS.label, Literal("الميادين", lang="ar")))
    (m,) = Gazetteer(g).find("وقع هجوم في الميادين")
    assert m.iri == str(town) and m.how == "name (ar)"
