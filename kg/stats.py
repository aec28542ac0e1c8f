"""`kg stats`: how many resources of each class, and how complete the events are."""
from __future__ import annotations

import pyoxigraph as ox

from kg.namespaces import sparql_prologue

_PER_CLASS = """
SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {
  ?x a ?class .
  FILTER(STRSTARTS(STR(?class), STR(dzo:)) && STRSTARTS(STR(?x), STR(dzr:)))
} GROUP BY ?class ORDER BY DESC(?n) ?class
"""

_EVENTS = """
SELECT (COUNT(DISTINCT ?e) AS ?events)
       (COUNT(DISTINCT ?withCasualties) AS ?casualties)
       (COUNT(DISTINCT ?withPlace) AS ?places)
       (COUNT(DISTINCT ?withSource) AS ?sources) WHERE {
  ?e a dzo:Event .
  OPTIONAL { ?e dzo:hasCasualtyRecord ?c . BIND(?e AS ?withCasualties) }
  OPTIONAL { ?e dzo:place ?p . BIND(?e AS ?withPlace) }
  OPTIONAL { ?e dzo:citation ?r . BIND(?e AS ?withSource) }
}
"""


def stats_text(store: ox.Store) -> str:
    """A plain-text summary of the graph."""
    prologue = sparql_prologue(["dzo", "dzr"])
    lines = ["resources per class:"]
    for row in store.query(prologue + _PER_CLASS, use_default_graph_as_union=True):
        lines.append(f"  {row['class'].value.rsplit('#', 1)[-1]:<28} {int(row['n'].value):5d}")
    row = next(iter(store.query(prologue + _EVENTS, use_default_graph_as_union=True)))
    total = int(row["events"].value)
    lines.append(f"events: {total}")
    for key, what in (("casualties", "with casualty figures"), ("places", "with a place"), ("sources", "with a source")):
        n = int(row[key].value)
        share = 100.0 * n / total if total else 0.0
        lines.append(f"  {what:<26} {n:5d}  ({share:.0f}%)")
    return "\n".join(lines)
