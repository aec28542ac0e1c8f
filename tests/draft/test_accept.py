"""kg draft --accept: reviewed rows -> Turtle for graph/ that the build validates; bad rows named."""
from __future__ import annotations

import csv
import shutil

import pytest
import rdflib

from kg.build import pipeline as build_mod
from kg.draft.accept import accept
from kg.draft.review import COLUMNS
from kg.errors import ReviewFileError
from kg.namespaces import DCTERMS, DZO, DZR, RDF
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def accepted(written):
    return accept(ROOT, written.csv)


def test_accepted_rows_pass_the_build_beside_the_curated_graph(accepted, tmp_path):
    graph = tmp_path / "graph"
    shutil.copytree(ROOT / "graph", graph)
    (graph / "accepted.ttl").write_text(accepted, encoding="utf-8")
    built = build_mod.build(ROOT, graph_dir=graph, reasoner=False)
    assert built.report.conforms


def test_accepted_events_follow_our_conventions(accepted, drafted):
    g = rdflib.Graph().parse(data=accepted, format="turtle")
    events = [s for s in g.subjects(DZO.date, None)]
    assert len(events) == len(drafted.events)
    assert all(str(e).startswith(str(DZR) + "event-20") for e in events)
    assert all(g.value(e, DCTERMS.description) is not None for e in events)
    strike = DZR["event-2024-11-19-united-states-air-force-air-or-drone-strike-al-qoriya-desert"]
    assert set(g.objects(strike, DZO.citation)) == {DZR["reference-19"], DZR["reference-20"]}
    assert "5 killed" in str(g.value(strike, DCTERMS.description))


def test_new_names_become_resources_with_a_description(written, tmp_path):
    with written.csv.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))[:1]
    rows[0]["places"] = "new:Tell Abyad village"
    path = tmp_path / "review.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    g = rdflib.Graph().parse(data=accept(ROOT, path), format="turtle")
    assert (DZR["tell-abyad-village"], RDF.type, DZO.Village) in g


def write_rows(path, rows, columns=COLUMNS):
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def good_row(**changes):
    row = {c: "" for c in COLUMNS}
    row.update(id="x", date="2024-12-03", date_precision="day", kind="ArmedClash", label="A clash",
               agents="dzr:syrian-democratic-forces", references="14", start="0", end="10",
               location_precision="unstated")
    row.update(changes)
    return row


@pytest.mark.parametrize("changes, message", [
    ({"kind": "Skirmish"}, "kind 'Skirmish' is not one of our event kinds"),
    ({"date": "3 December"}, "is not YYYY-MM-DD"),
    ({"date_precision": "approximate"}, "needs its window"),
    ({"killed": "two"}, "killed 'two' is not a number in digits"),
    ({"agents": "dzr:no-such-actor"}, "dzr:no-such-actor is no actor of the graph"),
    ({"places": "dzr:syrian-democratic-forces"}, "is no place of the graph"),
    ({"location_precision": "somewhere"}, "location_precision 'somewhere' is not one of at, near, region, unstated"),
    ({"location_precision": "at"}, "is unstated exactly when the row names no place"),
    ({"places": "dzr:khasham"}, "is unstated exactly when the row names no place"),
    ({"part_of": "dzr:syrian-democratic-forces"}, "is no grouping event of the graph"),
])
def test_a_bad_row_is_named_by_its_line(tmp_path, changes, message):
    path = tmp_path / "review.csv"
    write_rows(path, [good_row(), good_row(**changes)])
    with pytest.raises(ReviewFileError) as e:
        accept(ROOT, path)
    assert "line 3" in str(e.value) and message in str(e.value)


def test_a_missing_column_is_named(tmp_path):
    path = tmp_path / "review.csv"
    write_rows(path, [good_row()], columns=[c for c in COLUMNS if c != "kind"])
    with pytest.raises(ReviewFileError, match="missing column"):
        accept(ROOT, path)


def test_a_missing_review_file_is_named(tmp_path):
    with pytest.raises(ReviewFileError, match="no such review file"):
        accept(ROOT, tmp_path / "nope.csv")


def test_a_launch_points_to_its_grouping_event(written):
    with written.csv.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    launches = [r for r in rows if r["part_of"]]
    assert {r["part_of"] for r in launches} == {"dzr:deir-ez-zor-offensive-2024", "dzr:2024-syrian-opposition-offensives"}
    assert {r["kind"] for r in launches} == {"ArmedClash"}
    path = written.csv.parent / "launches.csv"
    write_rows(path, launches)
    g = rdflib.Graph().parse(data=accept(ROOT, path), format="turtle")
    opened = set(g.objects(None, DZO.partOf))
    assert opened == {DZR["deir-ez-zor-offensive-2024"], DZR["2024-syrian-opposition-offensives"]}
    assert not any(g.subjects(RDF.type, DZO.MilitaryOffensive))


def test_a_launch_of_an_offensive_the_graph_lacks_becomes_a_new_offensive(tmp_path):
    row = good_row(kind="ArmedClash", places="dzr:khasham", location_precision="near",
                   part_of="new:Khasham offensive (2024)")
    path = tmp_path / "review.csv"
    write_rows(path, [row])
    g = rdflib.Graph().parse(data=accept(ROOT, path), format="turtle")
    offensive = DZR["khasham-offensive-2024"]
    assert (offensive, RDF.type, DZO.MilitaryOffensive) in g
    assert g.value(offensive, DCTERMS.description) is not None
    event = next(g.subjects(DZO.partOf, offensive))
    assert g.value(event, DZO.locationPrecision) == DZO.NearPlace
    assert "near Khasham" in str(g.value(event, DCTERMS.description))
