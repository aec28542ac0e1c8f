"""Linking to Wikidata: unlinked resources, scored candidates, accepting reviewed rows, checking
links. Wikidata itself is replayed from recorded answers (see tests/linking/test_wikidata.py::replay)."""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import DCTERMS, RDF

from kg.linking import review as linking
from kg.cli import parser
from kg.errors import LinkReviewError, LinksDisagree, WikidataUnreachable
from kg.linking.review import Entity, Row, accept, candidates, missing, verify, write_review
from kg.namespaces import DZO, DZR, WD
from tests.linking.test_wikidata import RECORDED, client, recorded_store, replay

ROOT = Path(__file__).resolve().parents[2]
R = str(DZR)


@pytest.fixture
def store() -> ox.Store:
    return recorded_store()


CITY = Entity(R + "deir-ez-zor", "Deir ez-Zor", ("Deir Ezzor",), "City", (35.336, 40.141))


def test_missing_lists_unlinked_actors_places_and_offensives_only(store):
    assert {e.iri.removeprefix(R) for e in missing(store)} == {
        "deir-ez-zor", "syrian-democratic-forces", "deir-ez-zor-offensive-2024"}


def test_missing_gives_kind_alt_labels_and_coordinates(store):
    city = next(e for e in missing(store) if e.iri == CITY.iri)
    assert city == CITY


def test_place_kinds_are_the_subclasses_of_place_in_the_ontology(store):
    rows = store.query("SELECT ?c WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* "
                       f"<{DZO.Place}> }}")
    assert {r["c"].value.removeprefix(str(DZO)) for r in rows} == linking.PLACE_KINDS


def test_the_right_candidate_ranks_first_with_readable_reasons():
    rows = candidates(client(replay()), [CITY])
    best = max(rows, key=lambda r: r.score)
    assert (best.candidate, best.candidate_label) == ("Q999999901", "Deir ez-Zor")
    assert best.reasons.split("; ") == [
        "label matches 'Deir ez-Zor'", "P31 city (Q515) fits City", "country Syria (Q858)",
        "0.0 km from our coordinates"]
    assert best.accepted == ""


def test_a_candidate_of_the_wrong_type_says_so():
    rows = {r.candidate: r for r in candidates(client(replay()), [CITY])}
    assert "P31 governorate of Syria (Q517351) does not fit City" in rows["Q232387"].reasons
    assert rows["Q232387"].score < rows["Q999999901"].score


def test_the_review_file_is_sorted_by_entity_then_best_score(tmp_path):
    rows = [Row(R + "b", "B", "Q1", "B", "", 10, ""), Row(R + "a", "A", "Q2", "A", "", 5, ""),
            Row(R + "a", "A", "Q3", "A", "", 70, "")]
    write_review(rows, tmp_path / "review.csv")
    with open(tmp_path / "review.csv", newline="") as f:
        table = list(csv.DictReader(f))
    assert [(r["entity"], r["candidate"]) for r in table] == [(R + "a", "Q3"), (R + "a", "Q2"), (R + "b", "Q1")]
    assert list(table[0]) == linking.COLUMNS


def review(tmp_path: Path, *rows: tuple[str, str, str]) -> Path:
    path = tmp_path / "review.csv"
    write_review([Row(R + e, e, q, "", "", 90, "label matches 'x'", ok) for e, q, ok in rows], path)
    return path


def test_accepted_rows_become_links_with_evidence(store, tmp_path):
    path = review(tmp_path, ("deir-ez-zor", "Q999999901", "yes"), ("deir-ez-zor", "Q232387", ""))
    out = tmp_path / "accepted.ttl"
    assert accept(path, out, store=store) == 1
    g = rdflib.Graph().parse(out)
    city, item, evidence = DZR["deir-ez-zor"], WD["Q999999901"], DZR["link-deir-ez-zor-wikidata"]
    assert set(g.objects(city, DZO.wikidataItem)) == {item}
    assert {(p, o) for p, o in g.predicate_objects(evidence) if p != DCTERMS.description} == {
        (RDF.type, DZO.LinkEvidence), (DZO.linkSubject, city), (DZO.linkTarget, item),
        (DZO.citation, DZR["source-wikidata"]),
        (DZO.seenAt, rdflib.Literal("reviewed candidate from wbsearchentities, score 90, reasons label matches 'x'")),
    }
    assert (DZR["source-wikidata"], RDF.type, DZO.Source) in g


def test_a_bad_row_is_named_and_nothing_is_written(store, tmp_path):
    path = review(tmp_path, ("deir-ez-zor", "Q999999901", "yes"), ("no-such-place", "Q1", "x"),
                  ("syrian-democratic-forces", "P31", "true"))
    out = tmp_path / "accepted.ttl"
    with pytest.raises(LinkReviewError) as e:
        accept(path, out, store=store)
    assert "unknown entity" in str(e.value) and "no-such-place" in str(e.value)
    assert "malformed Wikidata id 'P31'" in str(e.value) and "review.csv row 4" in str(e.value)
    assert not out.exists()


def test_two_items_for_one_entity_are_refused(store, tmp_path):
    path = review(tmp_path, ("deir-ez-zor", "Q999999901", "yes"), ("deir-ez-zor", "Q232387", "yes"))
    second = r"row 3: a second Wikidata item \(Q999999901\) for .*deir-ez-zor, which row 2 links to Q232387"
    with pytest.raises(LinkReviewError, match=second):
        accept(path, tmp_path / "accepted.ttl", store=store)


def test_y_and_ok_accept_a_row_and_an_unclear_mark_is_refused_by_row(store, tmp_path):
    out = tmp_path / "accepted.ttl"
    assert accept(review(tmp_path, ("deir-ez-zor", "Q999999901", "Y"), ("old-village", "Q999999904", " ok ")),
                  out, store=store) == 1  # old-village is linked already: one new link
    assert (DZR["deir-ez-zor"], DZO.wikidataItem, WD["Q999999901"]) in rdflib.Graph().parse(out)
    unclear = review(tmp_path, ("syrian-democratic-forces", "Q999999902", "maybe"), ("al-example", "Q1", "no"))
    other = tmp_path / "other.ttl"
    with pytest.raises(LinkReviewError, match=r"review.csv row 3: accepted is 'maybe'; write yes"):
        accept(unclear, other, store=store)
    assert not other.exists()


def test_an_item_another_of_our_resources_holds_is_refused(store, tmp_path):
    path = review(tmp_path, ("syrian-democratic-forces", "Q2429253", "yes"))
    out = tmp_path / "accepted.ttl"
    with pytest.raises(LinkReviewError, match=r"row 2: Q2429253 is already the Wikidata item of .*islamic-state, "
                                              r"not of .*syrian-democratic-forces"):
        accept(path, out, store=store)
    assert not out.exists()


def test_one_item_for_two_entities_in_a_review_is_refused(store, tmp_path):
    path = review(tmp_path, ("deir-ez-zor", "Q999999901", "yes"), ("syrian-democratic-forces", "Q999999901", "yes"))
    with pytest.raises(LinkReviewError, match=r"row 3: Q999999901 for .*syrian-democratic-forces, which row 2 "
                                              r"gives to .*deir-ez-zor"):
        accept(path, tmp_path / "accepted.ttl", store=store)


def test_verify_reports_a_wrong_type_a_foreign_name_and_a_merge(store):
    found = {(d.entity.removeprefix(R), d.problem) for d in verify(client(replay()), store)}
    assert found == {
        ("al-example", "no name in common: ours 'Al-Example', Wikidata 'Somewhere Else'"),
        ("al-example", "P31 human (Q5) is not a kind of Village"),
        ("old-village", "Q999999904 redirects to Q999999905: link that item instead"),
    }


def link_command(tmp_path: Path, store: ox.Store, *argv: str) -> argparse.Namespace:
    """`kg link ...` as the main parser will hand it over, on a project whose build is the fixture."""
    root = tmp_path / "project"
    (root / "ontology").mkdir(parents=True)
    (root / "graph").mkdir()
    (root / "ontology" / "dzo.ttl").write_bytes((ROOT / "ontology" / "dzo.ttl").read_bytes())
    (root / "graph" / "test.ttl").write_bytes((RECORDED / "graph.ttl").read_bytes())
    write_dist_of(store, root / "dist")
    return parser().parse_args(["--root", str(root), "link", *argv, "--cache-dir", str(tmp_path / "cache")])


def test_link_missing_runs_offline_through_the_command(store, tmp_path, capsys):
    args = link_command(tmp_path, store, "--missing", "--api-url", "http://127.0.0.1:9/w/api.php")
    assert args.func(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"{R}deir-ez-zor\tCity\tDeir ez-Zor\tno reason recorded" in lines and len(lines) == 3


def test_link_verify_offline_fails_fast_with_a_clear_error(store, tmp_path):
    args = link_command(tmp_path, store, "--verify", "--api-url", "http://127.0.0.1:9/w/api.php")
    with pytest.raises(WikidataUnreachable, match=r"cannot reach Wikidata at http://127\.0\.0\.1:9/w/api\.php"):
        args.func(args)


def test_link_verify_lists_the_disagreements_and_fails(store, tmp_path, capsys):
    api = "http://127.0.0.1:9/w/api.php"  # nothing listens there: the recorded answers wait in the cache
    verify(client(replay(), api_url=api, cache_dir=tmp_path / "cache"), store)
    args = link_command(tmp_path, store, "--verify", "--api-url", api)
    with pytest.raises(LinksDisagree, match=r"^3 disagreement\(s\)$"):
        args.func(args)
    assert len(capsys.readouterr().out.splitlines()) == 3


def write_dist_of(store: ox.Store, dist: Path) -> None:
    """A dist/ of the fixture, written the way kg.build.pipeline writes one, so `kg link` need not rebuild."""
    from kg.build import pipeline as build
    from kg.build import export
    from kg.namespaces import GRAPH_ASSERTED

    quads = [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(str(GRAPH_ASSERTED))) for q in store]
    dist.mkdir()
    for name, (graph, fmt) in build.DIST_FILES.items():
        (dist / name).write_bytes(export.serialize(export.select(quads, graph), fmt))
