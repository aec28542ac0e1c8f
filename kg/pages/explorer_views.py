"""What each explorer view shows: its named queries, the columns of its fallback table, and the
SPARQL JSON results shaped into table cells (labels for IRIs, our own addresses for links).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pyoxigraph as ox

from kg.namespaces import DZO, GEO, short
from kg.pages.resource import local_href
from kg.sparql.text import bind_terms
from kg.store.embedded import Answer

Window = dict[str, ox.Literal]
"""A date window: the terms of its "from" and "to" days, either or both left out."""


@dataclass(frozen=True)
class View:
    path: str
    title: str
    intro: str
    queries: tuple[str, ...]
    table_query: str
    columns: tuple[tuple[str, str], ...]
    """(variable, heading) pairs of the fallback table."""
    draws: tuple[str, str]
    """(class of ours, plural noun): what the view draws one mark for, counted before it is drawn."""
    dated: str = ""
    """The path from a mark to its date, for views that take a date window (?from=&to=)."""
    drawn_if: str = ""
    """What else a thing must have to be drawn (predicate-object pairs on ?x): the map counts only
    the events it can place, those at places with coordinates."""

    def _marks(self) -> str:
        required = f" ; {self.drawn_if}" if self.drawn_if else ""
        window = (f" ; {self.dated} ?date . FILTER(COALESCE(?date >= ?from, true) && COALESCE(?date <= ?to, true))"
                  if self.dated else "")
        return f"?x a dzo:{self.draws[0]}{required}{window}"

    def count_query(self, window: Window) -> str:
        """How many marks the view would draw in the window."""
        return bind_terms(f"{_PREFIXES}SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {self._marks()} }}", window)

    def latest_query(self, limit: int) -> str:
        """The date of the (limit+1)-th latest mark: the day after it starts the latest window that
        holds at most `limit` marks (a mark counted once, at however many places it is drawn)."""
        return (f"{_PREFIXES}SELECT DISTINCT ?x ?date WHERE {{ {self._marks()} }} "
                f"ORDER BY DESC(?date) OFFSET {limit} LIMIT 1")


_PREFIXES = f"PREFIX dzo: <{DZO}>\nPREFIX geo: <{GEO}>\n"


VIEWS = (
    View("/network", "Support network",
         "Who supported whom, coloured by side; pick a day to see the network as it stood then.",
         ("who-supported-whom", "sides"), "who-supported-whom",
         (("supporter", "Supporter"), ("supported", "Supported"), ("kind", "Kind of support"),
          ("start", "From"), ("end", "Until"), ("references", "References")),
         ("SupportRelation", "support relations")),
    View("/timeline", "Timeline",
         "Every incident on a date axis, coloured by kind; vague dates are drawn as spans, and the "
         "offensives, campaigns and series the incidents belong to as bands behind them.",
         ("events", "explorer-event-spans", "explorer-event-links", "explorer-event-groups"), "events",
         (("date", "Date"), ("event", "Event"), ("kind", "Kind"), ("agents", "Agents"),
          ("targets", "Targets"), ("places", "Places"), ("killed", "Killed"),
          ("injured", "Injured")),
         ("Event", "events"), "dzo:date"),
    View("/map", "Map",
         "Places with verified coordinates, the events there, and who held them on a chosen day.",
         ("explorer-places", "explorer-event-places", "explorer-control"), "explorer-control",
         (("place", "Place"), ("controller", "Controller"), ("start", "From"),
          ("end", "Until (exclusive)"), ("references", "References")),
         ("Event", "events at places with coordinates"), "dzo:date",
         drawn_if="dzo:place/geo:hasGeometry/geo:asWKT ?wkt"),
    View("/casualties", "Casualties",
         "People killed, injured and arrested, per party and month of the incidents, as the article "
         "reports them; the totals it gives for a whole period apart, never added to them.",
         ("casualties", "reported-totals"), "casualties",
         (("date", "Date"), ("event", "Event"), ("party", "Party"), ("killed", "Killed"),
          ("injured", "Injured"), ("arrested", "Arrested"), ("claimedBy", "Claimed by"),
          ("qualifier", "Figure")),
         ("CasualtyRecord", "casualty records"), "dzo:casualtyEvent/dzo:date"),
)
"""The views in the order of the navigation."""


@dataclass(frozen=True)
class Cell:
    text: str
    href: str = ""


def results(answer: Answer) -> dict:
    """The SPARQL JSON results of an answer."""
    return json.loads(answer.body)


def _label_of(name: str, binding: dict) -> str:
    """The label column the named queries pair with an IRI column (`xLabel`, or `label`).

    >>> _label_of("party", {"partyLabel": {"value": "Iran"}})
    'Iran'
    >>> _label_of("event", {"label": {"value": "A strike"}})
    'A strike'
    """
    for key in (name + "Label", "label"):
        if key in binding:
            return binding[key]["value"]
    return ""


def cell(name: str, binding: dict) -> Cell:
    """A table cell for one variable of a result row.

    >>> cell("supporter", {"supporter": {"type": "uri",
    ...   "value": "https://w3id.org/deir-ez-zor-2024/resource/iran"}, "supporterLabel": {"value": "Iran"}})
    Cell(text='Iran', href='/resource/iran')
    >>> cell("end", {})
    Cell(text='', href='')
    """
    term = binding.get(name)
    if term is None:
        return Cell("")
    if term["type"] == "uri":
        return Cell(_label_of(name, binding) or short(term["value"]), local_href(term["value"]))
    return Cell(term["value"])


def table(view: View, data: dict[str, dict]) -> list[list[Cell]]:
    """The rows of the view's fallback table."""
    bindings = data[view.table_query]["results"]["bindings"]
    return [[cell(name, row) for name, _ in view.columns] for row in bindings]
