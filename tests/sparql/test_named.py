"""The named queries: each runs on the build with exactly its documented columns, and facts of
the article come back through them (each test fails if the fact goes missing)."""
from __future__ import annotations

import pytest

from kg.sparql import named as queries
from kg.errors import UsageError
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
    "reported-totals": "total for forLabel start end party partyLabel killed killedLow killedHigh injured arrested "
                       "words claimedBy qualifier",
}
PARAMETERS = {
    "events-on-day": {"day": "2024-12-06"},
    "losses-of-party": {"party": "dzr:syrian-democratic-forces"},
    "actions-of-actor": {"actor": "dzr:united-states"},
    "events-citing-reference": {"number": "14"},
}
"""The gallery's questions that need a parameter, with one that answers rows."""
GALLERY_COLUMNS = {
    "events-on-day": "day event label kind date until datePrecision partOf",
    "losses-of-party": "party event date label lost lostLabel killed injured arrested by",
    "actions-of-actor": "actor event date label kind through throughLabel targets places",
    "events-citing-reference": "number reference event date label grouping",
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


@pytest.mark.parametrize("name", sorted(GALLERY_COLUMNS))
def test_a_gallery_question_runs_with_its_parameters_and_its_columns(store, name):
    table = queries.table(queries.run(store, queries.find(ROOT, name), PARAMETERS[name]))
    assert table.columns == GALLERY_COLUMNS[name].split()
    assert table.rows, f"{name} returned no rows"


def test_every_listed_query_is_titled_with_its_question():
    for q in queries.gallery(ROOT):
        assert q.title.endswith("?") and q.title != q.name, q.name


def test_the_gallery_asks_the_questions_analysts_ask_first():
    names = {q.name for q in queries.gallery(ROOT)}
    assert {"who-supported-whom", "controller-on-date", "events-on-day", "events", "losses-of-party",
            "actions-of-actor", "events-citing-reference"} <= names


def test_the_explorers_queries_are_left_out_of_the_gallery_but_still_run(store):
    assert not [q.name for q in queries.gallery(ROOT) if q.name.startswith("explorer-")]
    hidden = [q for q in queries.list_queries(ROOT) if not q.listed]
    assert hidden and all(q.name.startswith("explorer-") for q in hidden)
    assert queries.table(queries.run(store, queries.find(ROOT, "explorer-event-spans"))).rows


def test_kg_query_list_shows_the_questions_and_not_the_explorers_queries():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "kg", "--root", str(ROOT), "query", "--list"],
                          capture_output=True, text=True, timeout=60, check=True)
    assert "who-supported-whom: Who supported whom, and when?" in done.stdout
    assert "explorer-" not in done.stdout


def test_the_united_states_strikes_come_from_one_pattern_not_a_union(store):
    found = {r["event"]: r["through"] for r in rows(store, "actions-of-actor", actor="dzr:united-states")}
    assert set(found.values()) == {R + "united-states-armed-forces", R + "united-states-air-force",
                                   R + "us-central-command"}
    assert R + "event-2024-11-27-centcom-strike-militia-weapons-depot" in found


def test_a_days_events_hold_the_incidents_of_that_day_not_the_offensive(store):
    found = {r["event"] for r in rows(store, "events-on-day", day="2024-12-06")}
    assert R + "event-2024-12-06-sdf-takes-deir-ez-zor-city" in found
    assert R + "event-2024-12-06-sdf-seizes-abu-kamal" in found  # a window of 6 to 9 December covers it
    assert R + "deir-ez-zor-offensive-2024" not in found


def test_the_losses_of_the_sdf_include_its_units_and_name_who_inflicted_them(store):
    found = {(r["lost"], r["by"]) for r in rows(store, "losses-of-party", party="dzr:syrian-democratic-forces")}
    assert (R + "self-defense-forces-1st-brigade", "Islamic State") in found
    assert not any(lost == R + "side-sdf" for lost, _ in found)  # the infobox total is not an incident's loss


def test_the_events_citing_reference_14_include_the_capture_of_al_husseiniyah(store):
    found = {r["event"] for r in rows(store, "events-citing-reference", number="14")}
    assert R + "event-2024-12-03-sdf-captures-al-husseiniyah" in found


def test_every_query_file_has_a_description():
    for q in queries.list_queries(ROOT):
        assert q.description, q.name


def _reference_order(ref: str) -> tuple[int, str]:
    """References by number (9 before 14), then notes and the article."""
    return (int(ref), "") if ref.isdigit() else (1_000_000, ref)


def test_multi_valued_cells_are_sorted_and_joined(store):
    for row in rows(store, "events"):
        for column in ("agents", "targets", "places", "references"):
            if row[column]:
                parts = row[column].split("; ")
                assert parts == sorted(parts, key=_reference_order if column == "references" else None), \
                    (row["event"], column)
    assert any(row["references"].startswith("9; 14") for row in rows(store, "events"))


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
    # An infobox total over the offensive: a reported total, not the casualties of an incident.
    claimed = [r for r in rows(store, "reported-totals") if r["party"] == R + "islamic-state" and r["arrested"] == "18"]
    assert claimed and "Syrian Democratic Forces" in claimed[0]["claimedBy"]


def test_totals_cover_the_offensive_from_3_to_11_december(store):
    totals = {(r["party"], r["killed"], r["start"], r["end"]) for r in rows(store, "reported-totals")}
    assert (R + "side-sdf", "10", "2024-12-03", "2024-12-11") in totals
    assert (R + "side-syrian-government", "12", "2024-12-03", "2024-12-11") in totals


def test_a_vague_total_keeps_its_words_and_a_low_estimate_but_no_best_figure(store):
    several = [r for r in rows(store, "reported-totals") if r["party"] == R + "anti-sdf-protesters"]
    assert [(r["words"], r["killedLow"], r["killed"]) for r in several] == [("several", "2", None)]


def test_no_infobox_total_is_among_the_casualties_of_incidents(store):
    casualties = rows(store, "casualties")
    assert R + "deir-ez-zor-offensive-2024" not in {r["event"] for r in casualties}
    assert R + "side-sdf" not in {r["party"] for r in casualties}


def test_the_killed_of_the_events_query_add_up_to_the_incident_records_alone(store):
    in_events = sum(int(r["killed"]) for r in rows(store, "events") if r["killed"])
    in_records = sum(int(r["killed"]) for r in rows(store, "casualties") if r["killed"])
    assert in_events == in_records == 28  # the infobox totals (27 killed) would double them


def test_grouping_events_are_not_listed_as_events(store):
    listed = {r["event"] for r in rows(store, "events")}
    for umbrella in ("deir-ez-zor-offensive-2024", "2025-diban-incident", "2024-syrian-opposition-offensives",
                     "eastern-syria-insurgency"):
        assert R + umbrella not in listed
    assert R + "event-2024-11-21-hts-led-coalition-launches-offensive" in listed  # the launch stays an incident


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


WINDOWED = ["events", "explorer-event-spans", "explorer-event-links", "explorer-event-places", "casualties"]
WINDOWS = [
    {"from": "2024-11-27", "to": "2024-12-06"},
    {"from": "2024-12-03"},
    {"to": "2024-11-25"},
    {"from": "2024-12-03", "to": "2024-12-03"},
    {"from": "2030-01-01"},
]


def event_dates(store) -> dict[str, str]:
    return {r["event"]: r["date"] for r in rows(store, "events")}


def in_window(day: str, window: dict[str, str]) -> bool:
    return window.get("from", "0000") <= day <= window.get("to", "9999")


@pytest.mark.parametrize("name", WINDOWED)
def test_windowed_queries_declare_an_optional_from_and_to(name):
    declared = {(p.name, p.kind, p.optional) for p in queries.find(ROOT, name).parameters}
    assert declared == {("from", "date", True), ("to", "date", True)}


@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: "-".join(f"{k}{v}" for k, v in w.items()))
@pytest.mark.parametrize("name", WINDOWED)
def test_a_date_window_keeps_exactly_the_rows_of_its_days(store, name, window):
    dates = event_dates(store)
    whole = rows(store, name)
    windowed = rows(store, name, **window)
    expected = [r for r in whole if in_window(dates[r["event"]], window)]
    # The same rows, with the same aggregates (agents, sums, references) as without a window.
    assert sorted(map(repr, windowed)) == sorted(map(repr, expected))
    if name != "explorer-event-places":  # no place of the article's events has coordinates in every window
        assert windowed or window == {"from": "2030-01-01"}, "a window with events gave no rows"


def test_a_window_is_written_into_subqueries_too(store):
    bound = queries.bind(queries.find(ROOT, "events"), {"from": "2024-12-03"})
    assert "?from" not in bound.text and bound.substitutions == {}
    assert bound.text.count('"2024-12-03"^^<http://www.w3.org/2001/XMLSchema#date>') == 7  # outer, 3 labels, 2 sums, refs


def test_an_optional_parameter_left_out_stays_unbound(store):
    bound = queries.bind(queries.find(ROOT, "events"), {})
    assert bound.text == queries.find(ROOT, "events").text


def test_a_required_parameter_is_still_needed_beside_optional_ones(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("# Events of an actor in a window.\n# @param actor iri: the actor\n"
                    "# @param from date optional: first day\n"
                    "SELECT ?actor ?e WHERE { ?e <https://w3id.org/deir-ez-zor-2024/ontology#agent> ?actor ;"
                    " <https://w3id.org/deir-ez-zor-2024/ontology#date> ?d FILTER(COALESCE(?d >= ?from, true)) }\n")
    query = queries.find(ROOT, str(path))
    with pytest.raises(UsageError, match=r"needs the parameter actor \(.*\): --param actor=VALUE on the command line, \?actor=VALUE over HTTP"):
        queries.bind(query, {"from": "2024-12-01"})
    bound = queries.bind(query, {"actor": "dzr:islamic-state", "from": "2024-12-03"})
    assert set(map(str, bound.substitutions)) == {"?actor"} and "?from" not in bound.text


def test_an_optional_parameter_in_a_projection_is_a_clear_error(store, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("# A window in the wrong place.\n# @param from date optional: first day\n"
                    "SELECT ?from WHERE { }\n")
    query = queries.find(ROOT, str(path))
    with pytest.raises(UsageError, match=r"not valid SPARQL.*\?from may only stand where a term can"):
        queries.run(store, query, {"from": "2024-12-01"})


@pytest.mark.parametrize("line", ["# @param from date optinal: first day", "# @param from day optional: first day"])
def test_a_malformed_optional_parameter_line_is_named(tmp_path, line):
    path = tmp_path / "q.rq"
    path.write_text(f"# A query.\n{line}\nSELECT * WHERE {{ }}\n")
    with pytest.raises(UsageError, match="malformed parameter line"):
        queries.find(ROOT, str(path))


def test_a_day_that_does_not_exist_is_refused_by_name(store):
    with pytest.raises(UsageError, match=r"parameter to: '2024-11-31' is not a day"):
        rows(store, "events", to="2024-11-31")


def test_an_optional_value_cannot_break_out_of_its_term(store, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("# Labels containing a text.\n# @param text string optional: the text\n"
                    "SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l "
                    "FILTER(COALESCE(CONTAINS(?l, ?text), true)) }\n")
    query = queries.find(ROOT, str(path))
    hostile = '" ) ) } DELETE WHERE { ?s ?p ?o } #\n\\'
    bound = queries.bind(query, {"text": hostile})
    assert bound.text.count("\n") == query.text.count("\n")  # one literal on its line, escaped
    assert list(queries.run(store, query, {"text": hostile})) == []
    assert len(list(queries.run(store, query, {"text": "Deir"}))) > 0


def test_the_text_table_shows_prefixed_names_and_cuts_long_values_with_an_ellipsis(store):
    long_label = "x" * 80
    text = queries.render(store.query(
        f'SELECT ?who ?label ?other WHERE {{ VALUES (?who ?label ?other) {{ '
        f'(<https://w3id.org/deir-ez-zor-2024/resource/syrian-democratic-forces> "{long_label}" <http://example.org/a>) }} }}'),
        "table").decode()
    row = text.splitlines()[2].split()
    assert row[0] == "dzr:syrian-democratic-forces"  # what --param takes, not a cut-off IRI
    assert row[1] == "x" * 59 + "\u2026" and row[2] == "http://example.org/a"
