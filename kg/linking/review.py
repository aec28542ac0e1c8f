"""Linking our resources to Wikidata items: listing the unlinked, scoring candidates for a person
to review, turning reviewed rows into dzo:wikidataItem links with evidence, and checking links.
Nothing is linked without a reviewer's "yes".
"""
from __future__ import annotations

import csv
import difflib
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS

from kg.linking import wikidata as wd
from kg.errors import LinkReviewError, UsageError
from kg.namespaces import DZO, DZR, PREFIXES, SCHEMA, WD, sparql_prologue

# Which P31 values fit which of our classes. Only classes whose identity on Wikidata was seen in
# public material are listed (see tests/data/wikidata/README.md); a class missing here is simply
# not type-checked. Subclasses (P279) are not followed: that would cost a request per class.
TYPE_NAMES = {
    "Q5": "human", "Q3624078": "sovereign state", "Q6256": "country",
    "Q47459": "armed forces", "Q176799": "military unit", "Q17149090": "armed organization",
    "Q1127126": "military alliance", "Q517351": "governorate of Syria",
    "Q486972": "human settlement", "Q515": "city", "Q3957": "town", "Q532": "village",
    "Q245016": "military base", "Q2001676": "military offensive",
}
EXPECTED_P31 = {
    "Person": {"Q5"},
    "State": {"Q3624078", "Q6256"}, "Country": {"Q3624078", "Q6256"},
    "ArmedForce": {"Q47459"}, "MilitaryUnit": {"Q176799"},
    "NonStateArmedGroup": {"Q17149090"}, "Militia": {"Q17149090"}, "Coalition": {"Q1127126"},
    "Governorate": {"Q517351"},
    "City": {"Q515"}, "Town": {"Q3957"}, "Village": {"Q532"},
    "MilitaryBase": {"Q245016"}, "MilitaryOffensive": {"Q2001676"},
}
FAMILIES = (
    {"Q486972", "Q515", "Q3957", "Q532"},  # settlements: a "town" here may be a "city" there
    {"Q47459", "Q176799", "Q17149090", "Q1127126"},  # armed organisations of every size
    {"Q3624078", "Q6256"},
)
SYRIA = "Q858"
PLACE_KINDS = {
    "Place", "Country", "Governorate", "District", "Region", "City", "Town", "Village", "OilGasField",
    "MilitaryBase", "Airport", "Desert", "Mountain", "River", "Road", "Checkpoint", "IndustrialZone",
}
"""dzo:Place and its subclasses (a test keeps this in step with the ontology)."""

SKIPPED_KINDS = {"Side", "CivilianGroup"}
"""Our own groupings (an infobox column, 'civilians'): no Wikidata item can denote them."""
LINKED_EVENT_KINDS = {"MilitaryOffensive"}
"""Wikidata has items for campaigns, not for the single strikes and clashes we record."""
_EVENT_FAMILIES = {str(DZO.Event), str(DZO.GroupingEvent)}

ACCEPTED = {"yes", "y", "true", "x", "1", "ok"}
REJECTED = {"", "no", "n", "false", "0", "-"}
"""What the `accepted` column of a review file may say; anything else is refused by row, so a
reviewer's "Yes!" or "maybe" is never silently read as no."""
COLUMNS = ["entity", "label", "candidate", "candidate_label", "description", "score", "reasons", "accepted"]
QID = re.compile(r"^Q[1-9][0-9]*$")
SOURCE = DZR["source-wikidata"]


@dataclass(frozen=True)
class Entity:
    iri: str
    label: str
    alt_labels: tuple[str, ...] = ()
    kind: str = ""
    coordinates: tuple[float, float] | None = None
    """(latitude, longitude)"""


@dataclass
class Row:
    entity: str
    label: str
    candidate: str
    candidate_label: str
    description: str
    score: int
    reasons: str
    accepted: str = ""


@dataclass(frozen=True)
class Disagreement:
    entity: str
    label: str
    item: str
    problem: str

    def line(self) -> str:
        return f"{self.entity}\t{self.item}\t{self.label}: {self.problem}"


# Reading our side from the store.

_KIND = """
  VALUES ?family { dzo:Actor dzo:Place dzo:Event dzo:GroupingEvent }
  ?e a ?kind . ?kind rdfs:subClassOf* ?family .
  FILTER(STRSTARTS(STR(?kind), STR(dzo:)))
  FILTER NOT EXISTS { ?e a ?finer . ?finer rdfs:subClassOf+ ?kind . FILTER(?finer != ?kind) }
  ?e rdfs:label ?label . FILTER(LANGMATCHES(LANG(?label), "en"))
"""


def _select(store: ox.Store, where: str) -> list[dict[str, str]]:
    text = sparql_prologue(["dzo", "rdfs", "skos", "geo"]) + f"SELECT DISTINCT * WHERE {{ {where} }}"
    solutions = store.query(text, use_default_graph_as_union=True)
    names = solutions.variables
    return [{v.value: s[v].value for v in names if s[v] is not None} for s in solutions]


def _entities(store: ox.Store, linked: bool) -> list[tuple[Entity, str]]:
    link = "?e dzo:wikidataItem ?item ." if linked else "FILTER NOT EXISTS { ?e dzo:wikidataItem ?any }"
    found: dict[str, dict] = {}
    for r in _select(store, _KIND + link):
        kind = r["kind"].removeprefix(str(DZO))
        if kind in SKIPPED_KINDS or (r["family"] in _EVENT_FAMILIES and kind not in LINKED_EVENT_KINDS):
            continue
        found.setdefault(r["e"], {"label": r["label"], "kinds": set(), "item": r.get("item", "")})
        found[r["e"]]["kinds"].add(kind)
    alts: dict[str, list[str]] = defaultdict(list)
    for r in _select(store, '?e skos:altLabel ?alt . FILTER(LANGMATCHES(LANG(?alt), "en"))'):
        alts[r["e"]].append(r["alt"])
    points = {r["e"]: _point(r["wkt"]) for r in _select(store, "?e geo:hasGeometry/geo:asWKT ?wkt")}
    return [
        (Entity(iri, v["label"], tuple(sorted(alts[iri])), sorted(v["kinds"])[0], points.get(iri)), v["item"])
        for iri, v in sorted(found.items())
    ]


def _point(wkt: str) -> tuple[float, float] | None:
    """(lat, lon) of a WKT point, which is written lon first.

    >>> _point("POINT(40.14 35.33)")
    (35.33, 40.14)
    """
    m = re.search(r"POINT\s*\(\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\)", wkt)
    return (float(m.group(2)), float(m.group(1))) if m else None


def missing(store: ox.Store) -> list[Entity]:
    """Our actors, places, conflicts and offensives that have no dzo:wikidataItem yet."""
    return [e for e, _ in _entities(store, linked=False)]


def unlinked_reasons(store: ox.Store) -> dict[str, str]:
    """Why each resource stays unlinked: its dzo:unlinkedBecause note, else for a place with a
    gazetteer record that the record names no Wikidata item."""
    found = {r["e"]: "its Who's On First record names no Wikidata item, and no other source was seen"
             for r in _select(store, "?e dzo:whosOnFirstRecord ?r")}
    found |= {r["e"]: r["why"] for r in _select(store, "?e dzo:unlinkedBecause ?why")}
    return found


# Candidates and their scores.

def normalise(name: str) -> str:
    """A name folded for comparison: case, accents, apostrophes and dashes do not count.

    >>> normalise("Al-Ma'ezalyah") == normalise("al ma’ezalyah")
    True
    """
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = re.sub(r"['’‘`ʿʾ]", "", name.casefold())
    return " ".join(re.sub(r"[-‐–—_.,()]", " ", name).split())


def _family(kind: str) -> set[str]:
    expected = EXPECTED_P31.get(kind, set())
    return set().union(expected, *(f for f in FAMILIES if f & expected))


def _type_name(qid: str) -> str:
    return f"{TYPE_NAMES[qid]} ({qid})" if qid in TYPE_NAMES else qid


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points.

    >>> round(distance_km((0.0, 0.0), (0.0, 1.0)))
    111
    """
    (la1, lo1), (la2, lo2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _name_score(entity: Entity, item: dict) -> tuple[int, str]:
    theirs_label, theirs_aliases = wd.label(item), wd.aliases(item)
    label, alias = normalise(theirs_label), {normalise(a): a for a in theirs_aliases}
    if normalise(entity.label) == label:
        return 40, f"label matches '{theirs_label}'"
    if normalise(entity.label) in alias:
        return 30, f"label matches alias '{alias[normalise(entity.label)]}'"
    for alt in entity.alt_labels:
        if normalise(alt) == label or normalise(alt) in alias:
            matched = theirs_label if normalise(alt) == label else alias[normalise(alt)]
            return 25, f"our alt label '{alt}' matches '{matched}'"
    ratio = max([difflib.SequenceMatcher(None, normalise(entity.label), n).ratio() for n in [label, *alias]] or [0.0])
    return round(20 * ratio), f"label only similar to '{theirs_label}' ({ratio:.2f})"


def _type_score(entity: Entity, item: dict) -> tuple[int, str]:
    classes = wd.item_ids(item, "P31")
    expected = EXPECTED_P31.get(entity.kind)
    if not expected:
        return 0, f"no type check for our class {entity.kind}"
    if not classes:
        return 0, "no P31 on Wikidata"
    if hit := sorted(set(classes) & expected):
        return 30, f"P31 {_type_name(hit[0])} fits {entity.kind}"
    if near := sorted(set(classes) & _family(entity.kind)):
        return 15, f"P31 {_type_name(near[0])} is near {entity.kind}"
    return -20, f"P31 {', '.join(_type_name(c) for c in classes[:3])} does not fit {entity.kind}"


def _place_scores(entity: Entity, item: dict) -> list[tuple[int, str]]:
    countries = wd.item_ids(item, "P17")
    if SYRIA in countries:
        scores = [(15, f"country Syria ({SYRIA})")]
    elif countries:
        scores = [(-30, f"country {', '.join(countries)} is not Syria ({SYRIA})")]
    else:
        scores = [(0, "no country (P17) on Wikidata")]
    theirs = wd.coordinates(item)
    if entity.coordinates and theirs:
        km = distance_km(entity.coordinates, theirs)
        points = 15 if km <= 5 else 5 if km <= 25 else 0 if km <= 50 else -25
        scores.append((points, f"{km:.1f} km from our coordinates"))
    elif entity.coordinates:
        scores.append((0, "no coordinates (P625) on Wikidata"))
    return scores


def score(entity: Entity, item: dict, is_place: bool) -> tuple[int, list[str]]:
    """Points and the readable reasons for them: name, type, and for places country and distance."""
    parts = [_name_score(entity, item), _type_score(entity, item)]
    if is_place:
        parts += _place_scores(entity, item)
    return sum(p for p, _ in parts), [r for _, r in parts]


def candidates(client: wd.WikidataClient, entities: Iterable[Entity], *, limit: int = 5) -> list[Row]:
    """Search Wikidata by every name of each entity and score what comes back; accepts nothing."""
    entities = list(entities)
    found: dict[str, set[str]] = {}
    for entity in entities:
        names: dict[str, str] = {}
        for name in (entity.label, *entity.alt_labels):
            names.setdefault(normalise(name), name)
        found[entity.iri] = {hit["id"] for key, name in names.items() if key
                             for hit in client.search(name, limit=limit)}
    items = client.get_entities(set().union(*found.values())) if found else {}
    rows = []
    for entity in entities:
        for qid in sorted(found[entity.iri]):
            item = items.get(qid, {})
            if "missing" in item:
                continue
            points, reasons = score(entity, item, entity.kind in PLACE_KINDS)
            rows.append(Row(entity.iri, entity.label, qid, wd.label(item), wd.description(item),
                            points, "; ".join(reasons)))
    return rows


def write_review(rows: Iterable[Row], path: Path) -> None:
    """The candidates as CSV for a reviewer: by entity, best score first; `accepted` left empty."""
    ordered = sorted(rows, key=lambda r: (r.entity, -r.score, r.candidate))
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        for r in ordered:
            writer.writerow([r.entity, r.label, r.candidate, r.candidate_label, r.description, r.score,
                             r.reasons, r.accepted])


# Turning reviewed rows into links.

@dataclass
class _Accepted:
    line: int
    entity: str
    qid: str
    score: str
    reasons: str
    problems: list[str] = field(default_factory=list)


def accepted_rows(review_csv: Path, needed: tuple[str, ...], columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """The rows a reviewer marked accepted, with their line numbers; a missing column, or a row
    whose mark is neither yes nor no, is an error naming it, and nothing is returned."""
    try:
        stream = open(review_csv, newline="", encoding="utf-8")
    except OSError as e:
        raise UsageError(f"cannot read the review file {review_csv}: {e.strerror or e}") from None
    with stream:
        reader = csv.DictReader(stream)
        lacking = [c for c in needed if c not in (reader.fieldnames or [])]
        if lacking:
            raise LinkReviewError(f"{review_csv} lacks the column(s) {', '.join(lacking)}; "
                                  f"expected {','.join(columns)}")
        accepted, unclear = [], []
        for row in reader:
            mark = (row.get("accepted") or "").strip().lower()
            if mark in ACCEPTED:
                accepted.append((reader.line_num, row))
            elif mark not in REJECTED:
                unclear.append(f"{Path(review_csv).name} row {reader.line_num}: accepted is {row['accepted']!r}; "
                               f"write yes ({', '.join(sorted(ACCEPTED))}) or leave it empty (or no)")
    if unclear:
        raise LinkReviewError("nothing written; fix these rows first:\n  " + "\n  ".join(unclear))
    return accepted


def _read_review(review_csv: Path) -> list[_Accepted]:
    needed = ("entity", "candidate", "score", "reasons", "accepted")
    return [_Accepted(line, row["entity"].strip(), row["candidate"].strip(), row["score"].strip(),
                      row["reasons"].strip()) for line, row in accepted_rows(review_csv, needed, COLUMNS)]


def _check(rows: list[_Accepted], known: set[str], linked: dict[str, str], name: str) -> None:
    by_entity: dict[str, _Accepted] = {}
    by_item: dict[str, _Accepted] = {}
    holders = {qid: entity for entity, qid in linked.items()}
    problems = []
    for r in rows:
        where = f"{name} row {r.line}"
        if not QID.match(r.qid):
            problems.append(f"{where}: malformed Wikidata id {r.qid!r} (expected Q followed by digits)")
        if r.entity not in known:
            problems.append(f"{where}: unknown entity {r.entity!r} (not one of our actors, places or offensives)")
        elif linked.get(r.entity, r.qid) != r.qid:
            problems.append(f"{where}: {r.entity} is already linked to {linked[r.entity]}, not {r.qid}")
        first = by_entity.setdefault(r.entity, r)
        if first.qid != r.qid:
            problems.append(f"{where}: a second Wikidata item ({r.qid}) for {r.entity}, "
                            f"which row {first.line} links to {first.qid}")
        # One item for two of our resources is almost always a wrong link (the country's item
        # accepted for its army), and whatever is exported to Wikidata would land on that item.
        holder = holders.get(r.qid, r.entity)
        if holder != r.entity:
            problems.append(f"{where}: {r.qid} is already the Wikidata item of {holder}, not of {r.entity} "
                            f"(if both really are {r.qid}, link the second in graph/ by hand)")
        sharer = by_item.setdefault(r.qid, r)
        if sharer.entity != r.entity:
            problems.append(f"{where}: {r.qid} for {r.entity}, which row {sharer.line} gives to {sharer.entity}")
    if problems:
        raise LinkReviewError("nothing written; fix these rows first:\n  " + "\n  ".join(problems))


def _source_triples(g: rdflib.Graph) -> None:
    g.add((SOURCE, RDF.type, DZO.Source))
    g.add((SOURCE, RDFS.label, rdflib.Literal("Wikidata", lang="en")))
    g.add((SOURCE, DCTERMS.title, rdflib.Literal("Wikidata")))
    g.add((SOURCE, SCHEMA.url, rdflib.URIRef("https://www.wikidata.org/")))
    g.add((SOURCE, DCTERMS.publisher, rdflib.Literal("Wikimedia Foundation")))
    g.add((SOURCE, DCTERMS.license, rdflib.URIRef("https://creativecommons.org/publicdomain/zero/1.0/")))
    g.add((SOURCE, DCTERMS.description, rdflib.Literal(
        "The free knowledge base of the Wikimedia movement; candidates found through its search API "
        "were linked after a person reviewed them.", lang="en")))


def accept(review_csv: Path, out_ttl: Path, *, store: ox.Store) -> int:
    """Write the accepted rows of a review file as links with evidence into `out_ttl` (added to
    what it holds); returns the number of new links. A bad row raises LinkReviewError, writing nothing."""
    rows = _read_review(review_csv)
    linked = {e.iri: item.removeprefix(str(WD)) for e, item in _entities(store, linked=True)}
    known = {e.iri for e in missing(store)} | set(linked)
    _check(rows, known, linked, Path(review_csv).name)
    g = rdflib.Graph()
    if out_ttl.exists():
        g.parse(out_ttl, format="turtle")
    for prefix in ("dzo", "dzr", "wd", "rdfs", "dcterms", "schema"):
        g.bind(prefix, PREFIXES[prefix])
    if not any(True for _ in store.quads_for_pattern(ox.NamedNode(str(SOURCE)), None, None)):
        _source_triples(g)
    added = 0
    for r in rows:
        subject, target = rdflib.URIRef(r.entity), WD[r.qid]
        if r.entity in linked or (subject, DZO.wikidataItem, target) in g:
            continue
        evidence = DZR[f"link-{r.entity.removeprefix(str(DZR))}-wikidata"]
        g.add((subject, DZO.wikidataItem, target))
        g.add((evidence, RDF.type, DZO.LinkEvidence))
        g.add((evidence, DZO.linkSubject, subject))
        g.add((evidence, DZO.linkTarget, target))
        g.add((evidence, DZO.seenAt, rdflib.Literal(
            f"reviewed candidate from wbsearchentities, score {r.score}, reasons {r.reasons}")))
        g.add((evidence, DZO.citation, SOURCE))
        g.add((evidence, DCTERMS.description, rdflib.Literal(
            f"Accepted by a reviewer from {Path(review_csv).name}, row {r.line}.", lang="en")))
        added += 1
    write_turtle(g, out_ttl)
    return added


def write_turtle(g: rdflib.Graph, out_ttl: Path) -> None:
    """Write the accepted links whole or not at all: a reader never finds half a file."""
    out_ttl.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_ttl.with_name(f".{out_ttl.name}.tmp")
    g.serialize(destination=tmp, format="turtle")
    tmp.replace(out_ttl)


# Checking the links we have.

def verify(client: wd.WikidataClient, store: ox.Store) -> list[Disagreement]:
    """Linked items whose label, aliases or P31 disagree with ours, or that are gone or merged."""
    links = _entities(store, linked=True)
    items = client.get_entities({item.removeprefix(str(WD)) for _, item in links})
    found = []
    for entity, iri in links:
        qid = iri.removeprefix(str(WD))
        for problem in _problems(entity, qid, items.get(qid, {"missing": ""})):
            found.append(Disagreement(entity.iri, entity.label, qid, problem))
    return found


def _problems(entity: Entity, qid: str, item: dict) -> list[str]:
    if "missing" in item:
        return [f"{qid} does not exist on Wikidata (deleted?)"]
    if "redirects" in item or item.get("id", qid) != qid:
        return [f"{qid} redirects to {item.get('id')}: link that item instead"]
    problems = []
    ours = {normalise(n) for n in (entity.label, *entity.alt_labels)}
    theirs = {normalise(n) for n in (wd.label(item), *wd.aliases(item))}
    if not ours & theirs:
        problems.append(f"no name in common: ours '{entity.label}', Wikidata '{wd.label(item)}'")
    classes = wd.item_ids(item, "P31")
    if EXPECTED_P31.get(entity.kind) and classes and not set(classes) & _family(entity.kind):
        problems.append(f"P31 {', '.join(_type_name(c) for c in classes)} is not a kind of {entity.kind}")
    return problems

