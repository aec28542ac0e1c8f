"""The ACLED export: one row per incident in ACLED's columns, every value one ACLED's codebook
allows, the codes taken from the graph, and facts of the article coming back in ACLED's terms."""
from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kg.build import acled
from kg.sparql import named as queries
from tests.conftest import ROOT

# ACLED Codebook (2024): its six event types and 25 sub-event types, its disorder types, and the
# disorder type of the event types we map to (Battles, Explosions/Remote violence and Violence
# against civilians are political violence; Strategic developments are their own; peaceful protests
# are demonstrations).
CODEBOOK = {
    "Battles": {"Armed clash", "Government regains territory", "Non-state actor overtakes territory"},
    "Explosions/Remote violence": {"Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Grenade"},
    "Violence against civilians": {"Sexual violence", "Attack", "Abduction/forced disappearance"},
    "Protests": {"Peaceful protest", "Protest with intervention", "Excessive force against protesters"},
    "Riots": {"Violent demonstration", "Mob violence"},
    "Strategic developments": {"Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
                               "Headquarters or base established", "Looting/property destruction",
                               "Non-violent transfer of territory", "Other"},
}
DISORDER_TYPES = {"Political violence", "Demonstrations", "Political violence; Demonstrations", "Strategic developments"}
DISORDER_OF = {"Battles": "Political violence", "Explosions/Remote violence": "Political violence",
               "Violence against civilians": "Political violence", "Strategic developments": "Strategic developments"}
DISORDER_OF_SUB = {"Peaceful protest": "Demonstrations"}
INTER_CODES = {str(n) for n in range(1, 9)}
"""1 State forces ... 8 External/Other forces; 0 in inter2 when there is no second actor."""
INTERACTIONS = {f"{a}0" for a in range(1, 9)} | {f"{a}{b}" for a in range(1, 9) for b in range(a, 9)}
"""Two digits, the lower inter code first; a sole actor's code followed by 0."""


@pytest.fixture(scope="module")
def table(store) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(acled.render(store).decode("utf-8"))))


def by_notes(table, start: str) -> dict[str, str]:
    return next(row for row in table if row["notes"].startswith(start))


def test_the_header_is_acleds_column_names(store):
    header = acled.render(store).decode("utf-8").splitlines()[0].split(",")
    assert header == list(acled.COLUMNS)
    assert {"event_date", "time_precision", "disorder_type", "event_type", "sub_event_type", "actor1", "assoc_actor_1",
            "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "admin1", "admin2", "admin3", "location",
            "latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities"} <= set(header)


def test_one_row_per_incident_and_none_for_grouping_events(store, table):
    incidents = {r[0].value for r in queries.table(queries.run(store, queries.find(ROOT, "events"))).rows}
    assert len(table) == len(incidents)
    assert not any(row["notes"].startswith("Campaign for Deir ez-Zor Governorate") for row in table)  # the offensive
    assert not any(row["notes"].startswith("Flare-up of January 2025") for row in table)  # the 2025 Diban incident


def test_event_and_sub_event_types_are_the_codebooks(table):
    for row in table:
        assert row["sub_event_type"] in CODEBOOK[row["event_type"]], row


def test_disorder_types_are_the_codebooks_and_fit_the_event_type(table):
    for row in table:
        assert row["disorder_type"] in DISORDER_TYPES
        expected = DISORDER_OF_SUB.get(row["sub_event_type"]) or DISORDER_OF.get(row["event_type"])
        assert row["disorder_type"] == expected, row


def test_inter_and_interaction_codes_are_the_codebooks(table):
    for row in table:
        assert row["inter1"] in INTER_CODES | {""}, row
        assert row["inter2"] in INTER_CODES | {"0", ""}, row
        assert row["interaction"] in INTERACTIONS | {""}, row
        if row["inter1"] and row["inter2"] not in ("", "0"):
            assert row["interaction"] == "".join(sorted((row["inter1"], row["inter2"])))
    assert all(row["inter1"] for row in table if row["actor1"])  # every acting party has its ACLED type


def test_time_and_geo_precision_are_codes_1_to_3(table):
    assert {row["time_precision"] for row in table} <= {"1", "2", "3"}
    assert {row["geo_precision"] for row in table} <= {"1", "2", "3", ""}
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["event_date"]) for row in table)


def test_the_us_strike_near_deir_ez_zor_airport_in_acleds_terms(table):
    row = by_notes(table, "A US air strike close to Deir ez-Zor airport")
    assert (row["event_date"], row["time_precision"], row["event_type"], row["sub_event_type"]) == \
        ("2024-12-03", "1", "Explosions/Remote violence", "Air/drone strike")
    assert (row["actor1"], row["inter1"], row["actor2"], row["inter2"], row["interaction"]) == \
        ("United States Armed Forces", "8", "Syrian Arab Army", "1", "18")
    assert (row["location"], row["geo_precision"], row["fatalities"]) == ("Deir ez-Zor airport", "2", "6")


def test_a_window_longer_than_a_week_is_time_precision_3(table):
    row = by_notes(table, "A further live-ammunition drill by the US-led coalition")  # 1-16 November
    assert row["time_precision"] == "3"


def test_an_incident_in_a_governorate_is_geo_precision_3_with_its_admin1(table):
    row = by_notes(table, "An improvised bomb set by the Islamic State")
    assert (row["geo_precision"], row["admin1"], row["fatalities"]) == ("3", "Deir ez-Zor Governorate", "2")


def test_the_infobox_totals_are_not_anyones_fatalities(table):
    assert sum(int(row["fatalities"]) for row in table) == 28


def test_the_export_is_the_same_every_time(store):
    assert acled.render(store) == acled.render(store)


def test_the_exporter_holds_no_acled_values_of_its_own():
    # Every type and code comes from the ontology and the graph; the module only combines them.
    source = Path(acled.__file__).read_text(encoding="utf-8")
    for value in ["Battles", "Air/drone strike", "Political violence", "Rebel group", "External/Other forces"]:
        assert value not in source


def test_kg_export_writes_the_acled_csv_named_by_its_extension(dist, tmp_path):
    out = tmp_path / "events.csv"
    done = subprocess.run([sys.executable, "-m", "kg", "--root", str(ROOT), "--dist", str(dist), "export",
                           "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").splitlines()[0] == ",".join(acled.COLUMNS)
