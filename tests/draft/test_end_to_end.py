"""The real article drafted and compared with the curated graph made from it: recall above a
floor (the benchmark prints the figures), the draft valid under the draft profile, and fast."""
from __future__ import annotations

import time

import pyoxigraph as ox
import pytest
import rdflib

from kg.draft.pipeline import draft
from kg.draft.profile import profile_shapes
from kg.draft.score import score
from kg.draft.write import graph_iri
from kg.namespaces import SH
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def scores(drafted):
    g = rdflib.Graph()
    for path in sorted((ROOT / "graph").glob("*.ttl")) + sorted((ROOT / "ontology").glob("*.ttl")):
        g.parse(path, format="turtle")
    return score(g, drafted.events)


def test_recall_of_dates_is_above_85_percent(scores):
    assert scores.incidents == 58  # the launch of the opposition offensives is an incident of its own
    assert scores.share("date") >= 0.85


def test_places_and_agents_are_right_for_three_in_four(scores):
    assert scores.share("places") >= 0.75 and scores.share("agents") >= 0.75


def test_kinds_are_right_for_nine_in_ten(scores):
    assert scores.share("kind") >= 0.9


def test_casualty_figures_are_right_for_nine_in_ten(scores):
    assert scores.with_figures >= 10 and scores.figures_share >= 0.9


def test_at_most_one_proposal_in_ten_matches_nothing(scores):
    assert scores.unmatched_share <= 0.1


def test_the_draft_passes_the_shapes_under_the_draft_profile(written):
    assert written.report.conforms, written.report.text()
    warned = {f.rule for f in written.report.findings if f.severity == "Warning" and "draft" in f.focus}
    assert warned == {"dzs:LabelledShape/dcterms:description"}


def test_the_profile_lowers_only_the_rules_it_names():
    shapes = profile_shapes(ROOT)
    assert len(set(shapes.subjects(SH.severity, SH.Warning))) == 1


def test_every_event_is_traced_to_its_span(drafted, written):
    quads = list(ox.parse(path=str(written.graph), format=ox.RdfFormat.TRIG))
    starts = [int(q.object.value) for q in quads if q.predicate.value == "http://www.w3.org/ns/oa#start"]
    assert len(starts) == len(drafted.events)
    assert {q.graph_name.value for q in quads} == {str(graph_iri(drafted.slug))}
    text = drafted.article.text
    for e in drafted.events:
        assert text[e.start:e.end] == e.sentence.text


def test_ten_thousand_words_draft_in_a_few_seconds(article_path, gazetteer, tmp_path):
    body = "\n".join(line for line in article_path.read_text(encoding="utf-8").splitlines() if "|" not in line)
    big = tmp_path / "long.txt"
    big.write_text("Long article (2024)\n" + "\n".join([body] * 8), encoding="utf-8")
    assert len(big.read_text().split()) >= 10_000
    t = time.perf_counter()
    d = draft(big, ROOT, gazetteer=gazetteer)
    assert time.perf_counter() - t < 5 and len(d.events) > 300
