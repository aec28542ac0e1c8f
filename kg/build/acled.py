"""The ACLED export: our incidents as CSV in ACLED's columns and codes, one row per incident.

Every code comes from the graph (the ontology maps kinds, precisions and actor types to ACLED's
values); this module only applies ACLED's own rules for combining them, named where they are.
"""
from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from datetime import date

import pyoxigraph as ox

from kg.namespaces import sparql_prologue

COLUMNS = (
    "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities",
)
"""ACLED's column names, in ACLED's order, for the columns we can fill or must leave empty."""

EMPTY = ("admin3", "source_scale")
"""Columns we always leave empty: the graph holds no sub-districts, and it does not rate its
sources' reach as ACLED's source_scale does."""

WEEK = 7
"""ACLED's time_precision 2 is for a date known within a week; a vaguer window is 3 (the month)."""

_PROLOGUE = sparql_prologue(["dzo", "rdfs", "dcterms", "geo"])

_INCIDENTS = _PROLOGUE + """
SELECT ?e ?date ?end ?latest ?timeCode ?eventType ?subEventType ?disorder ?geoCode ?notes WHERE {
  ?e a dzo:Event ; dzo:date ?date .
  OPTIONAL { ?e dzo:endDate ?end }
  OPTIONAL { ?e dzo:latestDate ?latest }
  OPTIONAL { ?e dzo:datePrecision/dzo:acledCode ?timeCode }
  OPTIONAL { ?e dzo:locationPrecision/dzo:acledCode ?geoCode }
  OPTIONAL { ?e dcterms:description ?notes . FILTER(LANG(?notes) = "en") }
  ?e a ?kind . ?kind rdfs:subClassOf+ dzo:Event ;
     dzo:acledEventType ?eventType ; dzo:acledSubEventType ?subEventType ; dzo:acledDisorderType ?disorder .
  FILTER NOT EXISTS { ?e a ?finer . ?finer rdfs:subClassOf+ ?kind . FILTER(?finer != ?kind) }
}"""

_ACTORS = _PROLOGUE + """
SELECT ?e ?role ?label ?code WHERE {
  VALUES ?role { dzo:agent dzo:supportingActor dzo:target }
  ?e a dzo:Event ; ?role ?actor .
  ?actor rdfs:label ?label . FILTER(LANG(?label) = "en")
  OPTIONAL { ?actor dzo:acledActorType/dzo:acledCode ?own }
  OPTIONAL {
    ?actor a ?class . ?class dzo:acledActorType/dzo:acledCode ?byClass .
    FILTER NOT EXISTS { ?actor a ?finer . ?finer rdfs:subClassOf+ ?class ; dzo:acledActorType ?t . FILTER(?finer != ?class) }
  }
  BIND(COALESCE(?own, ?byClass) AS ?code)
}"""

_PLACES = _PROLOGUE + """
SELECT ?e ?label ?admin1 ?admin2 ?country ?wkt WHERE {
  ?e a dzo:Event ; dzo:place ?place .
  ?place rdfs:label ?label . FILTER(LANG(?label) = "en")
  OPTIONAL { { ?place a dzo:Governorate ; rdfs:label ?admin1 } UNION
             { ?place dzo:locatedIn ?g . ?g a dzo:Governorate ; rdfs:label ?admin1 } FILTER(LANG(?admin1) = "en") }
  OPTIONAL { { ?place a dzo:District ; rdfs:label ?admin2 } UNION
             { ?place dzo:locatedIn ?d . ?d a dzo:District ; rdfs:label ?admin2 } FILTER(LANG(?admin2) = "en") }
  OPTIONAL { { ?place a dzo:Country ; rdfs:label ?country } UNION
             { ?place dzo:locatedIn ?c . ?c a dzo:Country ; rdfs:label ?country } FILTER(LANG(?country) = "en") }
  OPTIONAL { ?place geo:hasGeometry/geo:asWKT ?wkt }
}"""

_FATALITIES = _PROLOGUE + """
SELECT ?e (SUM(?k) AS ?killed) WHERE { ?e a dzo:Event . ?r dzo:casualtyEvent ?e ; dzo:killed ?k } GROUP BY ?e"""

_SOURCES = _PROLOGUE + """
SELECT DISTINCT ?e ?publisher WHERE { ?e a dzo:Event ; dzo:citation/dcterms:publisher ?publisher }"""


def _select(store: ox.Store, text: str) -> list[dict[str, str]]:
    solutions = store.query(text, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


def time_precision(code: str | None, start: str, last: str | None) -> str:
    """ACLED's time_precision: the date precision's code, widened to 3 for a window longer than a week.

    >>> time_precision("2", "2024-11-01", "2024-11-16"), time_precision("2", "2024-12-06", "2024-12-11")
    ('3', '2')
    """
    if code == "2" and last and (date.fromisoformat(last) - date.fromisoformat(start)).days >= WEEK:
        return "3"
    return code or ""


def interaction(inter1: str, inter2: str) -> str:
    """ACLED's interaction code: the two inter codes, lower first; a sole actor's code then 0.

    >>> interaction("8", "3"), interaction("2", ""), interaction("", "")
    ('38', '20', '')
    """
    if not inter1:
        return ""
    if not inter2:
        return inter1 + "0"
    return "".join(sorted((inter1, inter2)))


def _point(wkt: str) -> tuple[str, str]:
    """(latitude, longitude) of a WKT point, which is written longitude first."""
    m = re.search(r"POINT\s*\(\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\)", wkt)
    return (m.group(2), m.group(1)) if m else ("", "")


def _one(values: set[str]) -> str:
    """A column's value when all places agree on it, else empty."""
    return next(iter(values)) if len(values) == 1 else ""


def rows(store: ox.Store) -> list[dict[str, str]]:
    """One row per incident, by date (then by IRI), in ACLED's columns."""
    actors: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for r in _select(store, _ACTORS):
        actors[r["e"]][r["role"].rsplit("#", 1)[1]].append((r["label"], r.get("code", "")))
    places: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in _select(store, _PLACES):
        places[r["e"]].append(r)
    killed = {r["e"]: r["killed"] for r in _select(store, _FATALITIES)}
    sources: dict[str, list[str]] = defaultdict(list)
    for r in _select(store, _SOURCES):
        sources[r["e"]].append(r["publisher"])
    out = []
    for r in sorted(_select(store, _INCIDENTS), key=lambda r: (r["date"], r["e"])):
        e = r["e"]
        # ACLED's actor1 is the side that acts, actor2 the one acted on; further actors of a side
        # and those backing it go to its assoc_actor column. Sorted by label, so the output is stable.
        agents = sorted(set(actors[e]["agent"]))
        backers = sorted(set(actors[e]["supportingActor"]) - set(agents))
        targets = sorted(set(actors[e]["target"]))
        inter1, inter2 = (agents[0][1] if agents else ""), (targets[0][1] if targets else "")
        here = sorted(places[e], key=lambda p: p["label"])
        # ACLED gives one location a row: a single place's coordinates, the admin areas all places share.
        latitude, longitude = _point(here[0]["wkt"]) if len(here) == 1 and "wkt" in here[0] else ("", "")
        out.append({
            "event_date": r["date"],
            "year": r["date"][:4],
            "time_precision": time_precision(r.get("timeCode"), r["date"], r.get("end") or r.get("latest")),
            "disorder_type": r["disorder"],
            "event_type": r["eventType"],
            "sub_event_type": r["subEventType"],
            "actor1": agents[0][0] if agents else "",
            "assoc_actor_1": "; ".join(label for label, _ in agents[1:] + backers),
            "inter1": inter1,
            "actor2": targets[0][0] if targets else "",
            "assoc_actor_2": "; ".join(label for label, _ in targets[1:]),
            "inter2": inter2 if targets else "0" if agents else "",
            "interaction": interaction(inter1, inter2),
            "country": _one({p["country"] for p in here if "country" in p}),
            "admin1": _one({p.get("admin1", "") for p in here}),
            "admin2": _one({p.get("admin2", "") for p in here}),
            "admin3": "",
            "location": "; ".join(p["label"] for p in here),
            "latitude": latitude,
            "longitude": longitude,
            "geo_precision": r.get("geoCode", ""),
            "source": "; ".join(sorted(set(sources[e]))),
            "source_scale": "",
            "notes": r.get("notes", ""),
            "fatalities": killed.get(e, "0"),
        })
    return out


def render(store: ox.Store) -> bytes:
    """The CSV file: a header of ACLED's column names, then the rows (UTF-8, CRLF as RFC 4180)."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows(store))
    return text.getvalue().encode("utf-8")
