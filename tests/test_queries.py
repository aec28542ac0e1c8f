"""The named queries: each runs on the build with exactly its documented columns, and facts of
the article come back through them (each test fails if the fact goes missing)."""
from __future__ import annotations

import pytest

from kg import queries
from tests.conftest import ROOT

COLUMNS = {
    "who-supported-whom": "supporter supporterLabel supported supportedLabel kind start end references",
    "events": "event date datePrecision kind label agents targets places killed injured references",
    "casualties": "event date party partyLabel killed injured arrested claimedBy qualifier",
    "control-timeline": "place placeLabel controller controllerLabel start end references",
    "units": "unit unitLabel parent parentLabel direct",
    "sides": "side sideLabel member memberLabel since until",
    "references": "reference number title publisher date citedBy",
    "wikidata-links": "entity label wikidata",
}
R = "https://w3id.org/deir-ez-zor-2024/resource/"


def rows(store, name, **params):
    table = queries.table(queries.run(store, queries.find(ROOT, name), params))
    return [{c: (t.value if t is not None else None) for c, t in zip(table.columns, row)} for row in table.rows]


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_named_query_returns_rows_with_exactly_its_columns(store, name):
    table = queries.table(queries.run(store, queries.find(ROOT, name)))
    assert table.columns == COLUMNS[name].split()
    assert table.rows, f"{name} returned no rows"


def test_every_query_file_has_a_description():
    for q in queries.list_queries(ROOT):
        assert q.description, q.name


def test_multi_valued_cells_are_sorted_and_joined(store):
    for row in rows(store, "events"):
        for column in ("agents", "targets", "places", "references"):
            if row[column]:
                parts = row[column].split("; ")
                assert parts == sorted(parts), (row["event"], column)


def test_coalition_supported_the_sdf(store):
    found = {(r["supporter"], r["supported"]) for r in rows(store, "who-supported-whom")}
    assert (R + "cjtf-oir", R + "syrian-democratic-forces") in found


def test_russian_support_for_the_government_ends_30_november(store):
    ends = {r["end"] for r in rows(store, "who-supported-whom")
            if r["supporter"] == R + "russia" and r["supported"] == R + "syrian-arab-republic"}
    assert "2024-11-30" in ends


def test_iranian_support_for_the_government_ends_6_december(store):
    ends = {r["end"] for r in rows(store, "who-supported-whom")
            if r["supporter"] == R + "iran" and r["supported"] == R + "syrian-arab-republic"}
    assert "2024-12-06" in ends


def test_the_21_november_ied_attack_killed_two_and_injured_twelve(store):
    hits = [r for r in rows(store, "events") if r["date"] == "2024-11-21" and r["killed"] == "2"]
    assert hits and hits[0]["injured"] == "12"


def test_two_separate_attacks_on_25_november(store):
    assert len([r for r in rows(store, "events") if r["date"] == "2024-11-25"]) == 2


def test_no_casualties_reported_is_zero_not_empty(store):
    zeros = [r for r in rows(store, "casualties") if r["date"] == "2024-11-25" and r["killed"] == "0"]
    assert zeros


def test_islamic_state_arrests_are_claimed_by_the_sdf(store):
    claimed = [r for r in rows(store, "casualties") if r["party"] == R + "islamic-state" and r["arrested"] == "18"]
    assert claimed and "Syrian Democratic Forces" in claimed[0]["claimedBy"]


def test_sdf_held_deir_ez_zor_city_on_8_december(store):
    held = rows(store, "controller-on-date", place="dzr:deir-ez-zor", day="2024-12-08")
    assert {r["controller"] for r in held} == {R + "syrian-democratic-forces"}


def test_the_opposition_side_joined_on_9_december(store):
    since = {r["since"] for r in rows(store, "sides") if r["member"] == R + "syrian-opposition"}
    assert since == {"2024-12-09"}


def test_asayish_is_a_unit_of_the_sdf(store):
    direct = {(r["unit"], r["parent"]): r["direct"] for r in rows(store, "units")}
    assert direct[(R + "asayish", R + "syrian-democratic-forces")] == "true"


def test_first_brigade_reaches_the_sdf_through_the_self_defense_forces(store):
    direct = {(r["unit"], r["parent"]): r["direct"] for r in rows(store, "units")}
    assert direct[(R + "self-defense-forces-1st-brigade", R + "syrian-democratic-forces")] == "false"


def test_every_reference_number_cited_in_the_body_exists(store):
    numbers = {r["number"] for r in rows(store, "references")}
    assert {str(n) for n in range(1, 52)} - numbers == set()
    assert {"a", "b", "c", "d"} <= numbers


def test_reference_14_is_cited(store):
    cited = {r["number"]: int(r["citedBy"]) for r in rows(store, "references")}
    assert cited["14"] >= 1


def test_the_deir_ez_zor_governorate_is_linked_to_its_wikidata_item(store):
    links = {r["entity"]: r["wikidata"] for r in rows(store, "wikidata-links")}
    assert links[R + "deir-ez-zor-governorate"] == "http://www.wikidata.org/entity/Q232387"


def test_events_of_an_actor_binds_the_parameter(store):
    found = rows(store, "events-of-actor", actor="dzr:islamic-state")
    assert found and {r["actor"] for r in found} == {R + "islamic-state"}
    assert {"agent"} <= {r["role"] for r in found}


def test_mayadin_is_not_said_to_be_held_by_the_opposition_before_it_took_it(store):
    held = rows(store, "controller-on-date", place="dzr:mayadin", day="2024-12-08")
    assert R + "military-operations-command" not in {r["controller"] for r in held}
    later = rows(store, "controller-on-date", place="dzr:mayadin", day="2024-12-12")
    assert {r["controller"] for r in later} == {R + "military-operations-command"}


def test_the_map_timeline_carries_the_bounded_start_of_mayadin(store):
    found = {r["latest"] for r in rows(store, "explorer-control")
             if r["place"] == R + "mayadin" and r["controller"] == R + "military-operations-command"}
    assert found == {"2024-12-11"}
