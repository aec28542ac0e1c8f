"""The gazetteer linker (`kg link --gazetteer DIR`): ranks Who's On First records as candidates
for our places that have none, by name (every transliteration of it), governorate, kind, point
and Arabic name, and writes them to a review file. Nothing is linked here: see gazetteer_accept.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rapidfuzz import fuzz, process

from kg.linking.review import COLUMNS, distance_km
from kg.linking.review import _point as wkt_point
from kg.linking.transliteration import arabic_key, is_arabic, latin_key, latin_words, similarity
from kg.linking.whosonfirst import Checkout, Record
from kg.namespaces import DZO, GN, WD, WOF, sparql_prologue

GAZETTEER_COLUMNS = COLUMNS[:-1] + ["names", "parents", "point", "geonames", "wikidata", "record", "commit",
                                    "note", "accepted"]
"""The columns of `kg link`'s review file, the record's own facts, where it was read, and a note
for the reviewer to say why a record was chosen (it goes into the link's evidence)."""

PLACETYPES = {
    "Country": {"country"}, "Governorate": {"region"}, "District": {"county", "localadmin"},
    "City": {"locality", "localadmin"}, "Town": {"locality"}, "Village": {"locality"},
    "Airport": {"campus"}, "MilitaryBase": {"campus"},
}
"""Which Who's On First place types each of our place kinds can be (region = governorate and
county = district in the Syrian records)."""
PLACETYPE_NAMES = {"region": "region (governorate)", "county": "county (district)"}
SHORTLIST = 75.0
"""Names less alike than this (0-100, after folding) are not candidates at all."""
PER_PLACE = 5


@dataclass
class Place:
    iri: str
    label: str
    kind: str
    names: list[str] = field(default_factory=list)
    arabic: list[str] = field(default_factory=list)
    point: tuple[float, float] | None = None
    record: int | None = None
    geonames: str = ""
    wikidata: str = ""
    governorate: tuple[str, str, int | None] | None = None
    """(IRI, label, its Who's On First record) of the governorate we place it in."""
    country: tuple[str, str, int | None] | None = None
    """The same for the country."""
    neighbours: list[tuple[str, tuple[float, float]]] = field(default_factory=list)
    """(label, point) of placed places it is near, lies in, or shares an enclosing place with."""


@dataclass
class Candidate:
    place: Place
    record: Record
    score: int
    reasons: list[str]


def _select(store: ox.Store, where: str) -> list[dict[str, str]]:
    text = sparql_prologue(["dzo", "rdfs", "skos", "geo"]) + f"SELECT DISTINCT * WHERE {{ {where} }}"
    solutions = store.query(text, use_default_graph_as_union=True)
    return [{v.value: s[v].value for v in solutions.variables if s[v] is not None} for s in solutions]


def record_id(iri: str) -> int | None:
    """The record number of a Who's On First IRI of ours.

    >>> record_id("https://spelunker.whosonfirst.org/id/890449891")
    890449891
    """
    tail = iri.removeprefix(str(WOF))
    return int(tail) if tail != iri and tail.isdigit() else None


def places(store: ox.Store) -> dict[str, Place]:
    """Our places with what the ranking weighs: names, kind, point, links, governorate, neighbours."""
    found: dict[str, Place] = {}
    for r in _select(store, """?p a ?kind . ?kind rdfs:subClassOf* dzo:Place . FILTER(STRSTARTS(STR(?kind), STR(dzo:)))
        FILTER NOT EXISTS { ?p a ?finer . ?finer rdfs:subClassOf+ ?kind . FILTER(?finer != ?kind) }
        ?p rdfs:label ?label . FILTER(LANGMATCHES(LANG(?label), "en"))"""):
        found.setdefault(r["p"], Place(r["p"], r["label"], r["kind"].removeprefix(str(DZO)), [r["label"]]))
    for r in _select(store, """?p skos:altLabel|rdfs:label ?n ."""):
        if r["p"] in found:
            place, name = found[r["p"]], r["n"]
            target = place.arabic if is_arabic(name) else place.names
            if name not in target:
                target.append(name)
    # Names of the linked Wikidata item in Arabic (the wikidata-labels graph) count as ours.
    for r in _select(store, '?p dzo:wikidataItem ?i . ?i rdfs:label ?n . FILTER(LANGMATCHES(LANG(?n), "ar"))'):
        if r["p"] in found and r["n"] not in found[r["p"]].arabic:
            found[r["p"]].arabic.append(r["n"])
    for r in _select(store, "?p geo:hasGeometry/geo:asWKT ?wkt"):
        if r["p"] in found:
            found[r["p"]].point = found[r["p"]].point or wkt_point(r["wkt"])
    for prop, attr in (("whosOnFirstRecord", "record"), ("geonamesFeature", "geonames"), ("wikidataItem", "wikidata")):
        for r in _select(store, f"?p dzo:{prop} ?x"):
            if r["p"] in found:
                setattr(found[r["p"]], attr, record_id(r["x"]) if attr == "record" else r["x"])
    for kind, attr in (("Governorate", "governorate"), ("Country", "country")):
        for r in _select(store, f"""?p dzo:locatedIn ?g . ?g a dzo:{kind} ; rdfs:label ?gl .
            FILTER(LANGMATCHES(LANG(?gl), "en")) OPTIONAL {{ ?g dzo:whosOnFirstRecord ?gr }}"""):
            if r["p"] in found:
                setattr(found[r["p"]], attr, (r["g"], r["gl"], record_id(r.get("gr", ""))))
    related = _select(store, """{ ?p dzo:near|dzo:locatedIn ?o }
        UNION { ?p dzo:locatedIn ?c . ?o dzo:locatedIn ?c . FILTER(?o != ?p)
                FILTER NOT EXISTS { ?c a dzo:Governorate } FILTER NOT EXISTS { ?c a dzo:Country } }
        FILTER NOT EXISTS { ?o a dzo:Governorate } FILTER NOT EXISTS { ?o a dzo:Country }""")
    for r in related:
        place, other = found.get(r["p"]), found.get(r["o"])
        if place and other and other.point and (other.label, other.point) not in place.neighbours:
            place.neighbours.append((other.label, other.point))
    return found


# Ranking.

class _Index:
    """The records' names, folded, for finding candidates fast among thousands of records."""

    def __init__(self, records: Iterable[Record]):
        self.records = {r.id: r for r in records}
        self.keys: list[str] = []
        self.owners: list[int] = []
        self.by_prefix: dict[str, set[int]] = defaultdict(set)
        self.by_arabic: dict[str, set[int]] = defaultdict(set)
        for r in self.records.values():
            for name in r.latin_names:
                words = latin_words(name)
                if not words:
                    continue
                self.keys.append("".join(words))
                self.owners.append(r.id)
                for k in range(1, len(words) + 1):
                    self.by_prefix["".join(words[:k])].add(r.id)
            for name in r.arabic:
                self.by_arabic[arabic_key(name)].add(r.id)

    def shortlist(self, place: Place) -> set[int]:
        found: set[int] = set()
        for name in place.names:
            words = latin_words(name)
            if not words:
                continue
            key = "".join(words)
            for _, _, i in process.extract(key, self.keys, scorer=fuzz.ratio, score_cutoff=SHORTLIST, limit=None):
                found.add(self.owners[i])
            # A qualifier one side has and the other lacks (Ghariba Al-Sharqiya ~ Gharibah).
            found |= self.by_prefix.get(key, set())
            for k in range(1, len(words)):
                found |= {i for i in self.by_prefix.get("".join(words[:k]), set())
                          if latin_key(self.records[i].label) == "".join(words[:k])}
        for name in place.arabic:
            found |= self.by_arabic.get(arabic_key(name), set())
        return found


def _kind_score(place: Place, record: Record) -> tuple[int, str]:
    theirs = PLACETYPE_NAMES.get(record.placetype, record.placetype)
    if record.placetype in PLACETYPES.get(place.kind, set()):
        return 10, f"a {theirs}, as our {place.kind} is"
    return -30, f"a {theirs}, not a {place.kind}"


def _parent_score(ours: tuple[str, str, int | None] | None, theirs: int | None, what: str,
                  records: dict[int, Record]) -> tuple[int, str] | None:
    """Whether the record's region (or country) is the governorate (or country) we hold."""
    if not ours or theirs is None:
        return None
    _, label, linked = ours
    parent = records.get(theirs)
    name = parent.label if parent else str(theirs)
    if linked is not None:
        return (15, f"in {what} {theirs} {name}, our {label}") if linked == theirs else \
            (-25, f"in {what} {theirs} {name}, not in our {label} (record {linked})")
    alike = max((similarity(label, n)[0] for n in (parent.latin_names if parent else ())), default=0.0)
    return (15, f"in {what} {name}, named as our {label}") if alike >= 85 else \
        (-25, f"in {what} {name}, not in our {label}")


def _region_score(place: Place, record: Record, records: dict[int, Record]) -> tuple[int, str]:
    found = _parent_score(place.governorate, record.parents.get("region_id"), "region", records)
    if found:
        return found
    country = _parent_score(place.country, record.parents.get("country_id"), "country", records)
    if country and country[0] < 0:
        return country
    return (0, "the record names no region") if place.governorate else (0, "we hold no governorate for it")


def _distance_scores(place: Place, record: Record) -> list[tuple[int, str]]:
    scores = []
    if place.point:
        km = distance_km(place.point, record.point)
        scores.append((25 if km <= 5 else 5 if km <= 25 else -30, f"{km:.1f} km from our point"))
    if place.neighbours:
        km, label = min((distance_km(p, record.point), label) for label, p in place.neighbours)
        points = 15 if km <= 10 else 5 if km <= 40 else -15 if km > 150 else 0
        scores.append((points, f"{km:.1f} km from {label}"))
    return scores


def _identifier_scores(place: Place, record: Record) -> list[tuple[int, str]]:
    scores = []
    for ours, theirs, what in ((place.geonames, str(GN[f"{record.geonames}/"]) if record.geonames else "", "GeoNames"),
                               (place.wikidata, str(WD[record.wikidata]) if record.wikidata else "", "Wikidata")):
        if ours and theirs:
            short = theirs.rstrip("/").rsplit("/", 1)[-1]
            scores.append((30, f"{what} {short} is ours too") if ours == theirs else
                          (-30, f"{what} {short} is not ours ({ours.rstrip('/').rsplit('/', 1)[-1]})"))
    return scores


def score(place: Place, record: Record, records: dict[int, Record]) -> tuple[int, list[str]]:
    """Points and the readable reasons for them: name, kind, governorate, distance, identifiers."""
    best = max(((similarity(ours, theirs), ours, theirs) for ours in place.names for theirs in record.latin_names),
               default=((0.0, "no name"), "", ""))
    (alike, how), ours, theirs = best
    parts = [(round(alike / 2), f"name '{ours}' ~ '{theirs}' ({how})")]
    arabic = {arabic_key(n) for n in place.arabic} & {arabic_key(n) for n in record.arabic}
    if arabic:
        parts.append((20, "the same Arabic name"))
    parts += [_kind_score(place, record), _region_score(place, record, records)]
    parts += _distance_scores(place, record) + _identifier_scores(place, record)
    return sum(p for p, _ in parts), [r for _, r in parts]


def rank(store: ox.Store, checkouts: list[Checkout], *, limit: int = PER_PLACE) -> list[Candidate]:
    """The best records for each of our places that has none yet, best first; accepts nothing."""
    records = {rid: r for c in checkouts for rid, r in c.records.items()}
    index = _Index(records.values())
    found = []
    for place in sorted(places(store).values(), key=lambda p: p.iri):
        if place.record is not None:
            continue
        scored = []
        for rid in index.shortlist(place):
            points, reasons = score(place, records[rid], records)
            scored.append(Candidate(place, records[rid], points, reasons))
        found += sorted(scored, key=lambda c: (-c.score, c.record.id))[:limit]
    return found


# The review file.

def _names(record: Record) -> str:
    parts = [f"ar: {' | '.join(record.arabic)}" if record.arabic else "",
             f"en: {' | '.join(record.english)}" if record.english else "",
             f"other: {' | '.join(n for n in record.latin_names if n not in record.english)}"]
    return "; ".join(p for p in parts if p and not p.endswith(": "))


def _parents(record: Record, records: dict[int, Record]) -> str:
    parts = []
    for key in ("county_id", "region_id", "country_id"):
        if key in record.parents:
            parent = records.get(record.parents[key])
            parts.append(f"{key.removesuffix('_id')} {record.parents[key]}" + (f" {parent.label}" if parent else ""))
    return "; ".join(parts)


def write_review(candidates: list[Candidate], checkouts: list[Checkout], path: Path) -> None:
    """The candidates as CSV for a reviewer, by place and best first; `accepted` left empty."""
    records = {rid: r for c in checkouts for rid, r in c.records.items()}
    commits = {c.repo: c.commit for c in checkouts}
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(GAZETTEER_COLUMNS)
        for c in candidates:
            r = c.record
            where = ", ".join(p.split(" ", 2)[-1] for p in _parents(r, records).split("; ")[:2] if p)
            row = {
                "entity": c.place.iri, "label": c.place.label, "candidate": f"wof:{r.id}", "candidate_label": r.label,
                "description": PLACETYPE_NAMES.get(r.placetype, r.placetype) + (f" in {where}" if where else ""),
                "score": c.score, "reasons": "; ".join(c.reasons), "names": _names(r), "parents": _parents(r, records),
                "point": f"{r.point[0]},{r.point[1]} ({r.point_source})",
                "geonames": r.geonames or "", "wikidata": r.wikidata, "record": f"{r.repo}:{r.path}",
                "commit": commits.get(r.repo, ""), "note": "", "accepted": "",
            }
            writer.writerow([row[k] for k in GAZETTEER_COLUMNS])
