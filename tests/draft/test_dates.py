"""Dates: absolute, relative chains, vague windows, the year carried from the context."""
from __future__ import annotations

from datetime import date

from kg.draft.dates import Timeline, article_year


def walk(*sentences, year=2024, paragraph=0):
    t = Timeline(year)
    out = []
    for s in sentences:
        read = t.read(s, paragraph)
        out.append(read[0][1] if read else t.carried(s, paragraph, []))
    return out


def test_absolute_day_takes_the_context_year():
    (d,) = walk("On 3 December, the SDF attacked.")
    assert (d.start, d.precision, d.how) == (date(2024, 12, 3), "day", "explicit")


def test_end_of_a_day_is_that_day():
    (d,) = walk("The city was held by the end of 11 December.")
    assert d.start == date(2024, 12, 11) and d.precision == "day"


def test_relative_chain_counts_from_the_date_before():
    dates = walk("Fighters died on 17 November.", "Two days later, a strike hit.", "The following day, they withdrew.",
                 "On the same day, a protest began.", "The next week the army arrested several.")
    assert [d.start for d in dates] == [date(2024, 11, 17), date(2024, 11, 19), date(2024, 11, 20),
                                        date(2024, 11, 20), date(2024, 11, 21)]
    assert dates[-1].precision == "approximate" and dates[-1].end == date(2024, 11, 27)


def test_vague_month_parts_are_windows():
    late, early = walk("In late November 2024 the offensive began.", "It reached Homs by early December.")
    assert (late.start, late.end, late.precision) == (date(2024, 11, 21), date(2024, 11, 30), "approximate")
    assert (early.start, early.end) == (date(2024, 12, 1), date(2024, 12, 10))


def test_earlier_in_a_month_ends_before_the_date_it_is_earlier_than():
    _, earlier = walk("On 17 November, a checkpoint was hit.", "Earlier in November, the coalition drilled.")
    assert (earlier.start, earlier.end) == (date(2024, 11, 1), date(2024, 11, 16))


def test_early_year_is_january_to_april():
    (d,) = walk("After its collapse in early 2019, the group went underground.")
    assert (d.start, d.end) == (date(2019, 1, 1), date(2019, 4, 30))


def test_month_alone_has_month_precision():
    (d,) = walk("In March 2025 the talks resumed.")
    assert (d.start, d.precision) == (date(2025, 3, 1), "month")


def test_the_year_moves_on_when_the_month_comes_round():
    _, jan = walk("On 20 December, a strike hit.", "On 5 January, gunmen attacked.")
    assert jan.start == date(2025, 1, 5)


def test_a_date_looked_back_to_does_not_move_the_story():
    first, second = walk("On 27 November 2024, rebels attacked, the first such attack since March 2020.",
                         "On 29 November, they entered the city.")
    assert first.start == date(2024, 11, 27) and second.start == date(2024, 11, 29)


def test_an_undated_sentence_in_the_same_paragraph_keeps_the_day():
    _, carried = walk("On 23 November, cells ambushed a post.", "They also ambushed another.")
    assert (carried.start, carried.precision, carried.how) == (date(2024, 11, 23), "day", "carried")


def test_later_makes_an_undated_sentence_a_window_up_to_the_next_date():
    t = Timeline(2025)
    t.read("On 20 January 2025, gunmen attacked.", 0)
    d = t.carried("The group later pledged allegiance.", 0, [date(2025, 1, 23)])
    assert (d.start, d.end, d.precision) == (date(2025, 1, 20), date(2025, 1, 22), "approximate")


def test_the_year_comes_from_option_title_then_text():
    assert article_year("Deir ez-Zor offensive (2024)", "On 3 December ...", 2030) == 2030
    assert article_year("Deir ez-Zor offensive (2024)", "On 3 December 2023 ...") == 2024
    assert article_year("Battle", "On 3 December 2023, ...") == 2023
    assert article_year("Battle", "On 3 December, ...") is None
