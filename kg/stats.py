"""`kg stats`: how many resources of each class, how complete the events are, and how much of the
graph is linked to the world (Wikidata items, points, Arabic names)."""
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


_COVERAGE = """
SELECT ?family (COUNT(DISTINCT ?x) AS ?n) (COUNT(DISTINCT ?linked) AS ?items)
       (COUNT(DISTINCT ?placed) AS ?points) (COUNT(DISTINCT ?arabic) AS ?names) WHERE {
  VALUES ?family { dzo:Actor dzo:Place dzo:Conflict }
  ?x a ?family . FILTER(STRSTARTS(STR(?x), STR(dzr:)))
  OPTIONAL { ?x dzo:wikidataItem ?i . BIND(?x AS ?linked) }
  OPTIONAL { ?x geo:hasGeometry/geo:asWKT ?w . BIND(?x AS ?placed) }
  OPTIONAL { ?x rdfs:label ?a . FILTER(LANGMATCHES(LANG(?a), "ar")) BIND(?x AS ?arabic) }
} GROUP BY ?family ORDER BY ?family
"""
"""Per family: how many, how many with a Wikidata item, a point, an Arabic name."""

POINT_KINDS = ("Country", "Governorate", "District", "City", "Town", "Village")
"""Places that are points or areas on a map (bases, fields and the airport count where they
have a point): the target of the coverage figures."""

_POINT_PLACES = """
SELECT (COUNT(DISTINCT ?x) AS ?n) (COUNT(DISTINCT ?both) AS ?done) WHERE {
  { VALUES ?kind { KINDS } ?x a ?kind }
  UNION { VALUES ?kind { dzo:MilitaryBase dzo:OilGasField dzo:Airport } ?x a ?kind ; geo:hasGeometry ?g }
  FILTER(STRSTARTS(STR(?x), STR(dzr:)))
  OPTIONAL { ?x geo:hasGeometry/geo:asWKT ?w ; rdfs:label ?a . FILTER(LANGMATCHES(LANG(?a), "ar")) BIND(?x AS ?both) }
}
""".replace("KINDS", " ".join(f"dzo:{k}" for k in POINT_KINDS))


def _share(n: int, total: int) -> str:
    return f"{n:5d}  ({100.0 * n / total if total else 0.0:.0f}%)"


def coverage_lines(store: ox.Store) -> list[str]:
    """Actors, places and conflicts with a Wikidata item; places with a point and an Arabic name."""
    prologue = sparql_prologue(["dzo", "dzr", "geo", "rdfs"])
    lines = ["linked to the world:"]
    for row in store.query(prologue + _COVERAGE, use_default_graph_as_union=True):
        family, total = row["family"].value.rsplit("#", 1)[-1].lower() + "s", int(row["n"].value)
        lines.append(f"  {family + ' with a Wikidata item':<40} {_share(int(row['items'].value), total)} of {total}")
        if family == "places":
            lines.append(f"  {'places with a point':<40} {_share(int(row['points'].value), total)} of {total}")
            lines.append(f"  {'places with an Arabic name':<40} {_share(int(row['names'].value), total)} of {total}")
    row = next(iter(store.query(prologue + _POINT_PLACES, use_default_graph_as_union=True)))
    total = int(row["n"].value)
    lines.append(f"  {'settlements and areas with both':<40} {_share(int(row['done'].value), total)} of {total}")
    return lines


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
    return "\n".join(lines + coverage_lines(store))
