"""Casualty figures in words or digits."""
from __future__ import annotations

import pytest

from kg.draft.numbers import figures


def read(text):
    return [(f.what, f.count, f.note) for f in figures(text)]


@pytest.mark.parametrize("text, expected", [
    ("ISIS ambushed a post, killing two soldiers.", [("killed", 2, "")]),
    ("A US airstrike killed six SAA soldiers.", [("killed", 6, "")]),
    ("An IED killed two SDF fighters and injured 12 others.", [("killed", 2, ""), ("injured", 12, "")]),
    ("Cells ambushed a position, killing a lieutenant and soldier.", [("killed", 2, "")]),
    ("An SDF fighter and a civilian were killed in clashes.", [("killed", 2, "")]),
    ("Two SDF fighters were killed and four others wounded by an attack.", [("killed", 2, ""), ("injured", 4, "")]),
    ("They killed two fighters and severely injured one after detonating a mine.", [("killed", 2, ""), ("injured", 1, "")]),
    ("Twenty-five rebels were killed.", [("killed", 25, "")]),
    ("Militants conducted an attack, resulting in the death of an oil tank driver.", [("killed", 1, "")]),
    ("The encounter involved gunfire; no casualties were reported.", [("killed", 0, ""), ("injured", 0, "")]),
    ("The police arrested 18 ISIS members.", [("arrested", 18, "")]),
])
def test_figures(text, expected):
    assert read(text) == expected


def test_a_figure_without_a_number_is_a_note_not_a_count():
    assert read("Cells killed a member of the SDF and injured others.") == [("killed", 1, ""), ("injured", None, "others")]
    assert read("The operation resulted in several arrests.") == [("arrested", None, "several")]


def test_figures_name_their_victims_for_the_party():
    text = "Cells also ambushed a position, killing two Iranian Revolutionary Guard Corps troops."
    (f,) = figures(text)
    assert text[f.victims[0]:f.victims[1]] == "two Iranian Revolutionary Guard Corps troops"
