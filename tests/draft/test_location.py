"""Each drafted incident's location precision read from its sentence, and a reported launch drafted
as an incident that opens its grouping event (the graph's, or a new one)."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.draft.files import save
from kg.draft.pipeline import draft
from kg.namespaces import DZO, RDF
from kg.rdf import read_quads, to_graph
from tests.conftest import ROOT


def graph_of(path):
    return to_graph([ox.Triple(q.subject, q.predicate, q.object) for q in read_quads(path)])


@pytest.fixture(scope="module")
def located(tmp_path_factory, gazetteer):
    article = tmp_path_factory.mktemp("located") / "a.txt"
    article.write_text(
        "Clashes on the Euphrates (2024)\n"
        "On 3 December, ISIS attacked the SDF in Khasham. [1]\n"
        "On 4 December, ISIS attacked the SDF near the towns of Khasham and Al-Salihiyah. [2]\n"
        "On 5 December, ISIS attacked the SDF on the outskirts of Khasham. [3]\n"
        "On 6 December, ISIS attacked the SDF east of Khasham. [4]\n"
        "On 7 December, ISIS attacked the SDF in Deir ez-Zor Governorate. [5]\n"
        "On 8 December, ISIS attacked the SDF. [6]\n"
        "On 9 December, the Free Syrian Army launched an offensive on the Islamic State. [7]\n",
        encoding="utf-8")
    return draft(article, ROOT, gazetteer=gazetteer)


def test_the_sentence_says_how_precisely_the_place_is_known(located):
    by_ref = {e.refs[0]: e for e in located.events}
    assert {r: e.location for r, e in by_ref.items() if r != "7"} == {
        "1": "at", "2": "near", "3": "near", "4": "near", "5": "region", "6": "unstated"}
    assert [m.label for m in by_ref["4"].places] == ["Khasham"]


def test_every_drafted_incident_has_one_location_precision_and_passes_the_profile(located, tmp_path):
    written = save(located, tmp_path / "out", ROOT)
    assert written.report.conforms, written.report.text()
    g = graph_of(written.graph)
    incidents = {s for s, c in g.subject_objects(RDF.type) if c in {DZO.ArmedClash, DZO.Ambush, DZO.AttackOnCivilians}}
    assert len(incidents) == len(located.events)
    assert all(len(list(g.objects(e, DZO.locationPrecision))) == 1 for e in incidents)


def test_a_launch_the_graph_has_no_offensive_for_opens_a_new_one(located, tmp_path):
    launch = next(e for e in located.events if e.refs == ("7",))
    assert launch.kind == "ArmedClash" and launch.part_of is not None and launch.part_of.iri is None
    written = save(located, tmp_path / "out", ROOT)
    g = graph_of(written.graph)
    offensives = set(g.subjects(RDF.type, DZO.MilitaryOffensive))
    assert len(offensives) == 1
    assert (None, DZO.partOf, next(iter(offensives))) in g
    assert not any(g.subjects(RDF.type, DZO.Event))
