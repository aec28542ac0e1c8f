"""The review files: review.csv in its fixed columns, review.html escaped and highlighting."""
from __future__ import annotations

import csv

from kg.draft.files import save
from kg.draft.pipeline import draft
from kg.draft.review import COLUMNS
from tests.conftest import ROOT


def test_csv_has_exactly_the_columns_in_order(written, drafted):
    with written.csv.open(encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    assert header == ["id", "date", "date_precision", "kind", "acled_sub_event_type", "label", "agents", "targets",
                      "places", "killed", "injured", "arrested", "references", "start", "end", "reasons",
                      "location_precision", "part_of"]
    assert tuple(header) == COLUMNS and len(rows) == len(drafted.events)


def test_csv_rows_hold_digits_and_values_joined_by_semicolons(written):
    with written.csv.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    strike = next(r for r in rows if "killed five militia troops" in r["reasons"])
    assert (strike["date"], strike["kind"], strike["acled_sub_event_type"], strike["killed"]) == \
        ("2024-11-19", "AirOrDroneStrike", "Air/drone strike", "5")
    assert strike["references"] == "19; 20"
    salihiyah = next(r for r in rows if "dzr:al-salihiyah; dzr:tabiyet-jazira" in r["places"])
    assert salihiyah["kind"] == "CaptureOfTerritory"
    window = next(r for r in rows if r["date_precision"] == "approximate")
    assert "/" in window["date"]


def test_html_marks_each_events_sentence_and_escapes_the_text(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Clash at <Tell> (2024)\nOn 3 December, ISIS attacked the SDF in <b>Diban</b> & nearby. [4]\n",
                       encoding="utf-8")
    w = save(draft(article, ROOT), tmp_path / "out", ROOT, check=False)
    page = w.html.read_text(encoding="utf-8")
    assert "<b>Diban</b>" not in page and "&lt;b&gt;Diban&lt;/b&gt; &amp; nearby" in page
    assert '<mark id="s' in page and "draft-clash-at-tell-2024-e01" in page
