"""Turning the accepted rows of a gazetteer review file into links: the record (with its path and
commit as evidence) and what it carries: the point, the Arabic names, the GeoNames feature, the
Wikidata item where the reviewer kept it, and the governorate or district where ours is missing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from kg.linking import gazetteer
from kg.linking.review import LinkReviewError, accepted_rows, normalise, write_turtle
from kg.linking.whosonfirst import Checkout, Record
from kg.namespaces import DZO, DZR, GEO, GN, PREFIXES, SCHEMA, WD, WOF

ACCEPTED_FILE = "gazetteer-accepted.ttl"
SOURCE = DZR["source-whos-on-first"]
GEONAMES = DZR["source-geonames"]
NEEDED = ("entity", "candidate", "score", "reasons", "record", "commit", "geonames", "wikidata", "accepted")
_LEVEL_WORDS = re.compile(r"\b(governorate|province|district|subdistrict|muhafaz\w*|mantiq\w*|nahi\w*|county|region)\b", re.I)
"""An English variant with one of these words names an administrative unit, not a settlement."""
CC0 = rdflib.URIRef("https://creativecommons.org/publicdomain/zero/1.0/")
CC_BY = rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")


@dataclass
class _Row:
    line: int
    entity: str
    record_id: int | None
    record_text: str
    commit: str
    geonames: str
    wikidata: str
    score: str
    reasons: str
    note: str = ""
    record: Record | None = None
    problems: list[str] = field(default_factory=list)


def _read(review_csv: Path) -> list[_Row]:
    rows = []
    for line, row in accepted_rows(review_csv, NEEDED, gazetteer.GAZETTEER_COLUMNS):
        candidate = (row["candidate"] or "").strip()
        number = candidate.removeprefix("wof:")
        rows.append(_Row(line, row["entity"].strip(), int(number) if number.isdigit() and
                         candidate.startswith("wof:") else None, row["record"].strip(), row["commit"].strip(),
                         row["geonames"].strip(), row["wikidata"].strip(), row["score"].strip(),
                         row["reasons"].strip(), (row.get("note") or "").strip()))
        if rows[-1].record_id is None:
            rows[-1].problems.append(f"candidate {candidate!r} is not a Who's On First record (wof:<number>)")
    return rows


def _held(store: ox.Store, prop: str) -> dict[str, str]:
    """Outside identifier -> the resource of ours that holds it."""
    return {s.object.value: s.subject.value
            for s in store.quads_for_pattern(None, ox.NamedNode(str(DZO[prop])), None)}


def _check(rows: list[_Row], places: dict[str, gazetteer.Place], checkouts: list[Checkout],
           store: ox.Store, name: str) -> None:
    records = {rid: (r, c) for c in checkouts for rid, r in c.records.items()}
    held = {"record": _held(store, "whosOnFirstRecord"), "wikidata": _held(store, "wikidataItem")}
    by_entity: dict[str, _Row] = {}
    by_record: dict[int, _Row] = {}
    for r in rows:
        place = places.get(r.entity)
        found = records.get(r.record_id) if r.record_id is not None else None
        if place is None:
            r.problems.append(f"unknown entity {r.entity!r} (not one of our places)")
        if r.record_id is not None and found is None:
            r.problems.append(f"wof:{r.record_id} is not in the gazetteer given (or is deprecated there)")
        if found:
            record, checkout = found
            r.record = record
            if r.record_text and r.record_text != f"{record.repo}:{record.path}":
                r.problems.append(f"record {r.record_text!r} is not where wof:{record.id} is ({record.repo}:{record.path})")
            if r.commit and checkout.commit and r.commit != checkout.commit:
                r.problems.append(f"reviewed at commit {r.commit}, but the gazetteer is at {checkout.commit}: rank again")
            if r.wikidata not in ("", record.wikidata):
                r.problems.append(f"wikidata {r.wikidata!r} is not the record's ({record.wikidata or 'none'}); "
                                  f"leave the record's or clear it")
            if r.geonames not in ("", str(record.geonames or "")):
                r.problems.append(f"geonames {r.geonames!r} is not the record's ({record.geonames or 'none'}); "
                                  f"leave the record's or clear it")
            holder = held["record"].get(str(WOF[str(record.id)]), r.entity)
            if holder != r.entity:
                r.problems.append(f"wof:{record.id} is already the record of {holder}")
        if place and r.record:
            if place.record not in (None, r.record.id):
                r.problems.append(f"{r.entity} is already linked to wof:{place.record}")
            item = str(WD[r.wikidata]) if r.wikidata else ""
            if item and place.wikidata not in ("", item):
                r.problems.append(f"{r.entity} has the Wikidata item {place.wikidata}, not {r.wikidata}: clear the wikidata column")
            if item and held["wikidata"].get(item, r.entity) != r.entity:
                r.problems.append(f"{r.wikidata} is already the Wikidata item of {held['wikidata'][item]}: "
                                  f"clear the wikidata column if the record's item is not this place")
            feature = str(GN[f"{r.geonames}/"]) if r.geonames else ""
            if feature and place.geonames not in ("", feature):
                r.problems.append(f"{r.entity} has the GeoNames feature {place.geonames}, not {r.geonames}: clear the geonames column")
        first = by_entity.setdefault(r.entity, r)
        if first.record_id != r.record_id:
            r.problems.append(f"a second record (wof:{r.record_id}) for {r.entity}, which row {first.line} links to wof:{first.record_id}")
        if r.record_id is not None:
            sharer = by_record.setdefault(r.record_id, r)
            if sharer.entity != r.entity:
                r.problems.append(f"wof:{r.record_id} for {r.entity}, which row {sharer.line} gives to {sharer.entity}")
    problems = [f"{name} row {r.line}: {p}" for r in rows for p in r.problems]
    if problems:
        raise LinkReviewError("nothing written; fix these rows first:\n  " + "\n  ".join(problems))


def _sources(g: rdflib.Graph, store: ox.Store) -> None:
    def known(node: rdflib.URIRef) -> bool:
        return (node, RDF.type, DZO.Source) in g or any(
            True for _ in store.quads_for_pattern(ox.NamedNode(str(node)), ox.NamedNode(str(RDF.type)), None))

    if not known(SOURCE):
        g.add((SOURCE, RDF.type, DZO.Source))
        g.add((SOURCE, RDFS.label, rdflib.Literal("Who's On First", lang="en")))
        g.add((SOURCE, DCTERMS.title, rdflib.Literal("Who's On First")))
        g.add((SOURCE, SCHEMA.url, rdflib.URIRef("https://whosonfirst.org/")))
        g.add((SOURCE, DCTERMS.publisher, rdflib.Literal("Who's On First")))
        g.add((SOURCE, DCTERMS.license, CC0))
        g.add((SOURCE, DCTERMS.license, rdflib.URIRef(
            "https://github.com/whosonfirst-data/whosonfirst-data-admin-sy/blob/master/LICENSE.md")))
        g.add((SOURCE, DCTERMS.bibliographicCitation, rdflib.Literal(
            "Data from Who's On First (https://whosonfirst.org/), licence: "
            "https://github.com/whosonfirst-data/whosonfirst-data-admin-sy/blob/master/LICENSE.md")))
        g.add((SOURCE, DCTERMS.description, rdflib.Literal(
            "A gazetteer of places kept as one GeoJSON file per record in public git repositories "
            "(whosonfirst-data-admin-sy for Syria). Its own properties are CC0; properties it took from "
            "other sources keep theirs: names, points and identifiers prefixed gn: are GeoNames' (CC BY), "
            "qs: Quattroshapes' (CC BY). Records were matched by kg link --gazetteer and linked after a "
            "person reviewed them.", lang="en")))
    if not known(GEONAMES):
        g.add((GEONAMES, RDF.type, DZO.Source))
        g.add((GEONAMES, RDFS.label, rdflib.Literal("GeoNames", lang="en")))
        g.add((GEONAMES, SCHEMA.url, rdflib.URIRef("https://www.geonames.org/")))
        g.add((GEONAMES, DCTERMS.license, CC_BY))
        g.add((GEONAMES, DCTERMS.description, rdflib.Literal(
            "The GeoNames geographical database (CC BY 4.0), read through the gn: properties of "
            "Who's On First records.", lang="en")))


def _english_variants(record: Record, place: gazetteer.Place, others: set[str]) -> list[str]:
    """English names of a settlement's record that name it, not its district or another place of ours."""
    if record.placetype != "locality":
        return []
    ours = {normalise(n) for n in place.names}
    return [n for n in record.english if not _LEVEL_WORDS.search(n)
            and normalise(n) not in ours and normalise(n) not in others]


def _arabic_label(record: Record) -> str | None:
    """The record's Arabic name for our label: its preferred one, and for a governorate or district
    the form that says so (محافظة دير الزور), as our English label does."""
    if not record.arabic:
        return None
    if record.placetype in ("region", "county"):
        formal = [n for n in record.arabic if n.startswith(("محافظة", "منطقة"))]
        if formal:
            return formal[0]
    return record.arabic[0]


def _our_names(store: ox.Store) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for p in ("label", "altLabel"):
        prop = RDFS.label if p == "label" else SKOS.altLabel
        for q in store.quads_for_pattern(None, ox.NamedNode(str(prop)), None):
            if q.subject.value.startswith(str(DZR)):
                names.setdefault(q.subject.value, set()).add(normalise(q.object.value))
    return names


def _evidence(g: rdflib.Graph, subject: rdflib.URIRef, target: rdflib.URIRef, what: str, seen: str,
              note: str) -> None:
    node = DZR[f"link-{subject.removeprefix(str(DZR))}-{what}"]
    g.add((node, RDF.type, DZO.LinkEvidence))
    g.add((node, DZO.linkSubject, subject))
    g.add((node, DZO.linkTarget, target))
    g.add((node, DZO.citation, SOURCE))
    g.add((node, DZO.seenAt, rdflib.Literal(seen)))
    g.add((node, DCTERMS.description, rdflib.Literal(note, lang="en")))


def _link(g: rdflib.Graph, r: _Row, place: gazetteer.Place, commit: str, others: set[str],
          parents: dict[int, str], review: str) -> None:
    record, subject = r.record, rdflib.URIRef(r.entity)
    assert record is not None
    at = f"at commit {commit}" if commit else "(commit unknown: not read from a git clone)"
    seen = f"whosonfirst-data/{record.repo} {at}: {record.path} (wof:id {record.id}, {record.placetype} '{record.name}')"
    note = f"Accepted by a reviewer from {review}, row {r.line}; ranked {r.score}: {r.reasons}." + \
        (f" Reviewer's note: {r.note}" if r.note else "")
    g.add((subject, DZO.whosOnFirstRecord, WOF[str(record.id)]))
    _evidence(g, subject, WOF[str(record.id)], "whos-on-first", seen, note)
    g.add((subject, DZO.citation, SOURCE))
    if place.point is None:
        geometry = DZR[f"{subject.removeprefix(str(DZR))}-geometry"]
        g.add((subject, GEO.hasGeometry, geometry))
        g.add((geometry, RDF.type, GEO.Geometry))
        lat, lon = record.point
        g.add((geometry, GEO.asWKT, rdflib.Literal(f"POINT({lon} {lat})", datatype=GEO.wktLiteral)))
        g.add((geometry, DZO.citation, SOURCE))
        if record.point_source == "point from geonames":
            g.add((geometry, DZO.citation, GEONAMES))
        g.add((geometry, DCTERMS.description, rdflib.Literal(
            f"The {record.point_source} of Who's On First record {record.id}.", lang="en")))
    label = None if place.arabic else _arabic_label(record)
    if label:
        g.add((subject, RDFS.label, rdflib.Literal(label, lang="ar")))
    known = {*place.arabic, label}
    for name in record.arabic:
        if name not in known:
            g.add((subject, SKOS.altLabel, rdflib.Literal(name, lang="ar")))
            known.add(name)
    for name in _english_variants(record, place, others):
        g.add((subject, SKOS.altLabel, rdflib.Literal(name, lang="en")))
    concordance = f"{seen}, wof:concordances"
    if r.geonames and not place.geonames:
        feature = rdflib.URIRef(str(GN[f"{r.geonames}/"]))
        g.add((subject, DZO.geonamesFeature, feature))
        _evidence(g, subject, feature, "geonames", f"{concordance} gn:id {r.geonames}", note)
    if r.wikidata and not place.wikidata:
        g.add((subject, DZO.wikidataItem, WD[r.wikidata]))
        _evidence(g, subject, WD[r.wikidata], "wikidata", f"{concordance} wd:id {r.wikidata}",
                  note + " One source: run kg link --verify before a release.")
    if place.governorate is None:
        for key in ("county_id", "region_id"):
            container = parents.get(record.parents.get(key, -1))
            if container and container != r.entity:
                g.add((subject, DZO.locatedIn, rdflib.URIRef(container)))
                g.add((subject, SKOS.editorialNote, rdflib.Literal(
                    f"Placed in {container.removeprefix(str(DZR))} by the hierarchy of Who's On First record "
                    f"{record.id} ({key} {record.parents[key]}).", lang="en")))
                break


def accept(review_csv: Path, out_ttl: Path, *, store: ox.Store, checkouts: list[Checkout]) -> int:
    """Write the accepted rows of a gazetteer review file into `out_ttl` (added to what it holds);
    returns the number of new record links. A bad row raises LinkReviewError, writing nothing."""
    rows = _read(review_csv)
    if not rows:
        return 0
    places = gazetteer.places(store)
    _check(rows, places, checkouts, store, Path(review_csv).name)
    commits = {c.repo: c.commit for c in checkouts}
    # The places of ours that are the region or county of a record, linked before or in this file.
    parents = {p.record: iri for iri, p in places.items() if p.record is not None and p.kind in ("Governorate", "District")}
    parents |= {r.record.id: r.entity for r in rows if r.record and places[r.entity].kind in ("Governorate", "District")}
    names = _our_names(store)
    g = rdflib.Graph()
    if out_ttl.exists():
        g.parse(out_ttl, format="turtle")
    for prefix in ("dzo", "dzr", "wd", "wof", "geo", "rdfs", "skos", "dcterms", "schema"):
        g.bind(prefix, PREFIXES[prefix])
    _sources(g, store)
    added = 0
    for r in rows:
        place = places[r.entity]
        if place.record == r.record.id or (rdflib.URIRef(r.entity), DZO.whosOnFirstRecord, WOF[str(r.record.id)]) in g:
            continue
        others = set().union(*(n for iri, n in names.items() if iri != r.entity))
        _link(g, r, place, commits.get(r.record.repo, ""), others, parents, Path(review_csv).name)
        added += 1
    write_turtle(g, out_ttl)
    return added
