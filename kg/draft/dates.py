"""Dates in an article: absolute ("On 3 December", "by the end of 11 December"), relative to the
date before ("two days later", "the following day", "the same day", "the next week") and vague
("in late November", "earlier in November", "in early 2019"), each with its precision as our graph
records it (day, month, year, approximate with the window's last day), the year carried from the
title or the text.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import dateparser

from kg.draft.numbers import to_int

DAY, MONTH, YEAR, APPROXIMATE = "day", "month", "year", "approximate"
PRECISIONS = (DAY, MONTH, YEAR, APPROXIMATE)

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_M = rf"(?P<month>{_MONTHS})"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_NUM = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|a|an)"

_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("day", re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_M}(?:,?\s+{_YEAR})?\b")),
    ("day", re.compile(rf"\b{_M}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,\s+{_YEAR})?\b")),
    ("earlier", re.compile(rf"\bearlier\s+(?:in|that|this)\s+{_M}(?:\s+{_YEAR})?", re.I)),
    ("part-month", re.compile(rf"\b(?P<part>early|mid|late|the\s+(?:end|beginning|start|middle)\s+of)[\s-]+{_M}(?:\s+{_YEAR})?", re.I)),
    ("part-year", re.compile(rf"\b(?P<part>early|mid|late|the\s+(?:end|beginning|start|middle)\s+of)[\s-]+{_YEAR}\b", re.I)),
    ("month", re.compile(rf"\b(?:in|during|since|by|throughout|until)\s+{_M}(?:\s+{_YEAR})?\b", re.I)),
    ("month", re.compile(rf"\b{_M}\s+{_YEAR}\b")),
    ("year", re.compile(rf"\b(?:in|during|since|throughout)\s+{_YEAR}\b", re.I)),
    ("shift", re.compile(rf"\b(?P<n>{_NUM})\s+(?P<unit>day|days|week|weeks|month|months)\s+(?P<dir>later|after|afterwards|before|earlier)\b", re.I)),
    ("next-day", re.compile(r"\b(?:the\s+(?:following|next)\s+(?:day|morning|night)|the\s+day\s+after|the\s+morning\s+after)\b", re.I)),
    ("previous-day", re.compile(r"\b(?:the\s+(?:previous|preceding)\s+day|the\s+day\s+before|the\s+night\s+before)\b", re.I)),
    ("next-week", re.compile(r"\b(?:the\s+(?:following|next)\s+week|a\s+week\s+later)\b", re.I)),
    ("next-month", re.compile(r"\bthe\s+(?:following|next)\s+month\b", re.I)),
    ("same-day", re.compile(r"\b(?:(?:on\s+)?the\s+same\s+day|that\s+(?:same\s+)?(?:day|night|morning|evening)|later\s+that\s+day|at\s+the\s+same\s+time|simultaneously|meanwhile|hours\s+later|shortly\s+(?:after|afterwards|thereafter))\b", re.I)),
]
"""Date expressions, most specific first; a span taken by one is not read again by a later one."""

_LATER = re.compile(r"\b(?:later|subsequently|eventually|afterwards|in\s+response|following|in\s+the\s+following|prompted|soon\s+after|further\s+(?:south|north|east|west))\b", re.I)
"""Words saying an undated sentence comes some time after the date before it, not on it."""

_REFERENCE = re.compile(r"\b(?:since|until|till|before|prior\s+to)\s+(?:the\s+)?$", re.I)
"""Words before a date the story only refers back (or forward) to."""


@dataclass(frozen=True)
class DateValue:
    """A date as our graph keeps it: `start` (dzo:date), the window's last day `end` for an
    approximate date, the precision, the words it was read from and how."""

    start: date
    precision: str
    end: date | None = None
    words: str = ""
    how: str = "explicit"

    def shifted(self, days: int, words: str) -> "DateValue":
        end = self.end + timedelta(days) if self.end else None
        return DateValue(self.start + timedelta(days), self.precision, end, words, "relative")


@dataclass(frozen=True)
class Mention:
    """A date expression found in a sentence: where (offsets in the sentence) and what kind."""

    kind: str
    start: int
    end: int
    match: re.Match

    @property
    def words(self) -> str:
        return self.match.group(0)

    @property
    def absolute(self) -> bool:
        return self.kind in ("day", "month", "year", "part-month", "part-year", "earlier")


def find(sentence: str) -> list[Mention]:
    """The date expressions of a sentence, in order, none overlapping."""
    taken: list[tuple[int, int]] = []
    found = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(sentence):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append(Mention(kind, m.start(), m.end(), m))
    return sorted(found, key=lambda x: x.start)


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_number(name: str) -> int:
    return list(calendar.month_name).index(name.capitalize())


def _year_for(month: int, given: str | None, anchor: DateValue | None, year: int) -> int:
    """The year of a date written without one: the anchor's, moved on when the month comes round
    again (December then "5 January")."""
    if given:
        return int(given)
    if anchor is None:
        return year
    base = anchor.start.year
    return base + 1 if anchor.start.month - month > 6 else base


def _day(m: re.Match, anchor: DateValue | None, year: int) -> DateValue | None:
    month = _month_number(m.group("month"))
    y = _year_for(month, m.group("year"), anchor, year)
    # dateparser reads the day and month (and checks the day exists); the year is ours to carry
    parsed = dateparser.parse(f"{m.group('day')} {m.group('month')} {y}", languages=["en"],
                              settings={"STRICT_PARSING": True, "RELATIVE_BASE": datetime(y, 1, 1)})
    if parsed is None:
        return None
    return DateValue(parsed.date(), DAY, None, m.group(0), "explicit")


def _part(part: str) -> int:
    """Early (0), mid (1) or late (2)."""
    part = " ".join(part.lower().split())
    if part in ("early", "the beginning of", "the start of"):
        return 0
    return 1 if part in ("mid", "the middle of") else 2


def _month_part(part: str, y: int, month: int) -> tuple[date, date]:
    """Early, mid, late month: days 1-10, 11-20, 21 to the end (as our graph reads them)."""
    third = _part(part)
    last = _last_day(y, month)
    return date(y, month, 1 + 10 * third), (date(y, month, 10 * (third + 1)) if third < 2 else last)


def _year_part(part: str, y: int) -> tuple[date, date]:
    """Early, mid, late year: January-April, May-August, September-December."""
    third = _part(part)
    return date(y, 1 + 4 * third, 1), _last_day(y, 4 * (third + 1))


def resolve(mention: Mention, anchor: DateValue | None, year: int) -> DateValue | None:
    """The date an expression names, given the date before it (`anchor`) and the article's year."""
    m, kind, words = mention.match, mention.kind, mention.words
    if kind == "day":
        return _day(m, anchor, year)
    if kind in ("month", "earlier", "part-month"):
        month = _month_number(m.group("month"))
        y = _year_for(month, m.group("year"), anchor, year)
        first, last = date(y, month, 1), _last_day(y, month)
        if kind == "month":
            return DateValue(first, MONTH, None, words, "explicit")
        if kind == "earlier":
            if anchor and anchor.start.year == y and anchor.start.month == month and anchor.start.day > 1:
                last = anchor.start - timedelta(1)
            return DateValue(first, APPROXIMATE, last, words, "vague")
        a, b = _month_part(m.group("part"), y, month)
        return DateValue(a, APPROXIMATE, b, words, "vague")
    if kind == "part-year":
        y = int(m.group("year"))
        a, b = _year_part(m.group("part"), y)
        return DateValue(a, APPROXIMATE, b, words, "vague")
    if kind == "year":
        return DateValue(date(int(m.group("year")), 1, 1), YEAR, None, words, "explicit")
    if anchor is None:
        return None
    if kind == "same-day":
        return replace(anchor, words=words, how="relative")
    if kind == "next-day":
        return anchor.shifted(1, words)
    if kind == "previous-day":
        return anchor.shifted(-1, words)
    if kind == "next-week":
        return DateValue(anchor.start + timedelta(1), APPROXIMATE, anchor.start + timedelta(7), words, "relative")
    if kind == "next-month":
        y, mo = (anchor.start.year + 1, 1) if anchor.start.month == 12 else (anchor.start.year, anchor.start.month + 1)
        return DateValue(date(y, mo, 1), MONTH, None, words, "relative")
    if kind == "shift":
        n = to_int(m.group("n")) or 1
        unit = m.group("unit").lower().rstrip("s")
        sign = -1 if m.group("dir").lower() in ("before", "earlier") else 1
        if unit == "day":
            return anchor.shifted(sign * n, words)
        days = 7 * n if unit == "week" else 30 * n
        start = anchor.start + timedelta(sign * days)
        return DateValue(start, APPROXIMATE, start + timedelta(6 if unit == "week" else 29), words, "relative")
    return None


def article_year(title: str, text: str, year: int | None = None) -> int | None:
    """The year dates without one belong to: --year when given, else the title's, else the first
    one the text writes with a day or month.

    >>> article_year("Deir ez-Zor offensive (2024)", "On 3 December ...")
    2024
    >>> article_year("Battle of X", "On 27 November 2024, rebels ...")
    2024
    """
    if year is not None:
        return year
    m = re.search(r"\b(19|20)\d\d\b", title)
    if m:
        return int(m.group(0))
    for mention in find(text):
        if mention.kind in ("day", "month") and mention.match.group("year"):
            return int(mention.match.group("year"))
    m = re.search(r"\b(?:19|20)\d\d\b", text)
    return int(m.group(0)) if m else None


class Timeline:
    """Walks the sentences in order, keeping the date the next relative expression counts from."""

    def __init__(self, year: int):
        self.year = year
        self.anchor: DateValue | None = None
        self.paragraph: int | None = None

    def read(self, sentence: str, paragraph: int) -> list[tuple[Mention, DateValue]]:
        """The dates a sentence writes, resolved; the last becomes the anchor. A date the story
        only looks back to ("the first since March 2020") is neither."""
        out = []
        for mention in find(sentence):
            if _REFERENCE.search(sentence[:mention.start]) or mention.words.lower().startswith(("since", "until")):
                continue
            value = resolve(mention, self.anchor, self.year)
            if value is None:
                continue
            out.append((mention, value))
            self.anchor, self.paragraph = value, paragraph
        return out

    def carried(self, sentence: str, paragraph: int, upcoming: list[date]) -> DateValue | None:
        """The date of a sentence that writes none: the anchor's day when it goes on in the same
        paragraph; otherwise (a new paragraph, or words such as "later", "in response") a window
        from the anchor to the day before the next date the article writes. When the next date
        written is earlier than the anchor, the text has gone back in time: the window opens there."""
        a = self.anchor
        if a is None:
            return None
        if paragraph == self.paragraph and not _LATER.search(sentence):
            return replace(a, words="", how="carried")
        start = min([a.start, *upcoming[:1]])
        later = [d for d in upcoming if d > a.start]
        end = later[0] - timedelta(1) if later else start + timedelta(6)
        end = max(end, a.end or start, start)
        return DateValue(start, APPROXIMATE, end, "", "carried")
