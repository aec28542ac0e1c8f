"""The draft graph of an article: its incidents (each with its location precision, and the grouping
event a launch opens, new ones included), new actors and places, casualty records, the article as
a source with its references, and for every incident the span of text it was read from (Web
Annotation offsets), in a named graph of its own: built with rdflib, written as TriG by pyoxigraph
(rdflib's TriG writer warns of its own deprecations).
"""
from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kg.draft.extract import DraftEvent
from kg.draft.match import Mention, short_iri
from kg.draft.pipeline import Draft, slugify
from kg.namespaces import DZG, DZO, DZR, OA, PREFIXES
from kg.rdf import to_oxigraph

PRECISION = {"day": DZO.DayPrecision, "month": DZO.MonthPrecision, "year": DZO.YearPrecision,
             "approximate": DZO.ApproximatePrecision}
STATUS = {"claimed": DZO.Claimed, "reported": DZO.Reported}
LOCATION = {"at": DZO.AtPlace, "near": DZO.NearPlace, "region": DZO.InRegion, "unstated": DZO.PlaceUnstated}
"""The location precision of an incident, as review.csv writes it -> the ontology's value."""
_PLACE_CLASS = {"village": "Village", "town": "Town", "city": "City", "cities": "City", "desert": "Desert",
                "area": "Region", "region": "Region", "countryside": "Region", "border": "Region", "valley": "Region",
                "district": "District", "governorate": "Governorate", "province": "Governorate", "base": "MilitaryBase",
                "airbase": "Airport", "airport": "Airport", "field": "OilGasField", "road": "Road", "highway": "Road",
                "mountain": "Mountain", "hill": "Mountain", "river": "River", "checkpoint": "Checkpoint"}
_ACTOR_CLASS = {"militia": "Militia", "militias": "Militia", "brigade": "MilitaryUnit", "brigades": "MilitaryUnit",
                "regiment": "MilitaryUnit", "division": "MilitaryUnit", "battalion": "MilitaryUnit",
                "unit": "MilitaryUnit", "units": "MilitaryUnit", "police": "SecurityForce", "government": "PoliticalBody"}


def graph_iri(slug: str) -> URIRef:
    """The named graph of an article's draft."""
    return DZG[f"draft/{slug}"]


def event_ids(d: Draft) -> list[str]:
    """The slug of each proposed event: draft-ARTICLE-eNN, in the article's order."""
    width = max(2, len(str(len(d.events))))
    return [f"draft-{d.slug}-e{n:0{width}d}" for n in range(1, len(d.events) + 1)]


def new_class(m: Mention) -> URIRef:
    """The class of a new actor or place, from the words of its name ("... village" is a village)."""
    words = re.findall(r"[a-z]+", m.words.lower())
    table = _PLACE_CLASS if m.kind == "place" else _ACTOR_CLASS
    for w in reversed(words):
        if w in table:
            return DZO[table[w]]
    return DZO.Place if m.kind == "place" else DZO.Actor


def new_iri(d: Draft, m: Mention) -> URIRef:
    return DZR[f"draft-{d.slug}-{m.kind}-{slugify(m.words)}"]


def label(d: Draft, e: DraftEvent, kind_labels: dict[str, str]) -> str:
    """A label in words from the fields: "Ambush by Islamic State on Syrian Arab Army in
    Al-Bushri desert, 23 November 2024"."""
    names = lambda ms: " and ".join(m.label for m in ms[:3])  # noqa: E731
    text = kind_labels.get(e.kind, e.kind)
    text = text[0].upper() + text[1:]
    if e.agents:
        text += f" by {names(e.agents)}"
    if e.targets:
        text += f" on {names(e.targets)}"
    if e.places:
        text += f" {'near' if e.location == 'near' else 'in'} {names(e.places)}"
    day = e.date.start
    text += f", {day.day} {day.strftime('%B')} {day.year}" if e.date.precision == "day" else \
        f", {day.strftime('%B')} {day.year}" if e.date.precision != "year" else f", {day.year}"
    if e.copy[1] > 1:
        text += f" ({e.copy[0]} of {e.copy[1]})"
    return text


def kind_labels(ontology: rdflib.Graph) -> dict[str, str]:
    return {str(c)[len(str(DZO)):]: str(lbl) for c, lbl in ontology.subject_objects(RDFS.label)
            if str(c).startswith(str(DZO))}


def unique_labels(labels: list[str]) -> list[str]:
    """Labels told apart where two would be the same (a quality check refuses twins)."""
    seen: dict[str, int] = {}
    out = []
    for text in labels:
        seen[text] = seen.get(text, 0) + 1
        out.append(text if seen[text] == 1 else f"{text} ({seen[text]})")
    return out


def build(d: Draft, ontology: rdflib.Graph) -> rdflib.Graph:
    """The triples of the draft (written into the article's named graph by `write`)."""
    g = rdflib.Graph()
    source = DZR[f"draft-{d.slug}"]
    title = d.article.title or d.path.stem
    g.add((source, RDF.type, DZO.Source))
    g.add((source, RDFS.label, Literal(f"Article drafted: {title}", lang="en")))
    g.add((source, DCTERMS.title, Literal(title)))
    g.add((source, SKOS.editorialNote, Literal(
        f"Drafted by kg draft from the plain text of the article ({len(d.article.text)} characters); "
        f"offsets count characters of that text from 0, end excluded.", lang="en")))
    refs = sorted({r for e in d.events for r in e.refs}, key=lambda r: (not r.isdigit(), int(r) if r.isdigit() else 0, r))
    for r in refs:
        ref = _ref(d, r)
        g.add((ref, RDF.type, DZO.Reference))
        g.add((ref, RDFS.label, Literal(f"{'Reference' if r.isdigit() else 'Note'} {r} of {title}", lang="en")))
        g.add((ref, DZO.referenceNumber, Literal(int(r), datatype=XSD.positiveInteger)) if r.isdigit()
              else (ref, DZO.noteLetter, Literal(r)))
        g.add((ref, DZO.referenceOf, source))
    names = kind_labels(ontology)
    labels = unique_labels([label(d, e, names) for e in d.events])
    for slug, e, text in zip(event_ids(d), d.events, labels):
        _event(g, d, DZR[slug], e, text, source)
    return g


def _ref(d: Draft, r: str) -> URIRef:
    return DZR[f"draft-{d.slug}-{'reference' if r.isdigit() else 'note'}-{r}"]


def _citations(d: Draft, e: DraftEvent, source: URIRef) -> list[URIRef]:
    return [_ref(d, r) for r in e.refs] or [source]


def _party(g: rdflib.Graph, d: Draft, m: Mention, e: DraftEvent, source: URIRef) -> URIRef:
    if m.iri:
        return URIRef(m.iri)
    node = new_iri(d, m)
    if (node, RDF.type, None) not in g:
        g.add((node, RDF.type, new_class(m)))
        g.add((node, RDFS.label, Literal(m.words, lang="en")))
        cands = ", ".join(f"{short_iri(i)} ({s:.0f})" for i, s in m.candidates) or "none close"
        g.add((node, SKOS.editorialNote, Literal(
            f"New {m.kind} proposed by kg draft: no resource of the graph is named '{m.words}'; "
            f"closest: {cands}.", lang="en")))
    for c in _citations(d, e, source):
        g.add((node, DZO.citation, c))
    return node


def grouping_iri(d: Draft, m: Mention) -> URIRef:
    """A grouping event the graph lacks, proposed by the launch that opens it."""
    return DZR[f"draft-{d.slug}-grouping-{slugify(m.words)}"]


def _grouping(g: rdflib.Graph, d: Draft, e: DraftEvent, source: URIRef) -> URIRef:
    """The graph's grouping event a launch opens, or a new offensive dated by its launch (the
    launch's date is the start of the offensive; its end the article may not give)."""
    m = e.part_of
    if m.iri:
        return URIRef(m.iri)
    node = grouping_iri(d, m)
    if (node, RDF.type, None) not in g:
        g.add((node, RDF.type, DZO.MilitaryOffensive))
        g.add((node, RDFS.label, Literal(m.words, lang="en")))
        g.add((node, DZO.date, Literal(e.date.start.isoformat(), datatype=XSD.date)))
        g.add((node, DZO.datePrecision, PRECISION[e.date.precision]))
        if e.date.precision == "approximate" and e.date.end and e.date.end >= e.date.start:
            g.add((node, DZO.latestDate, Literal(e.date.end.isoformat(), datatype=XSD.date)))
        for a in e.agents:
            g.add((node, DZO.agent, _party(g, d, a, e, source)))
        g.add((node, SKOS.editorialNote, Literal(
            "New grouping event proposed by kg draft: the article reports its launch, and no offensive of "
            "the graph was led by the launch's agents at that date.", lang="en")))
    for c in _citations(d, e, source):
        g.add((node, DZO.citation, c))
    return node


def _event(g: rdflib.Graph, d: Draft, node: URIRef, e: DraftEvent, text: str, source: URIRef) -> None:
    g.add((node, RDF.type, DZO[e.kind]))
    g.add((node, RDFS.label, Literal(text, lang="en")))
    g.add((node, DZO.date, Literal(e.date.start.isoformat(), datatype=XSD.date)))
    g.add((node, DZO.datePrecision, PRECISION[e.date.precision]))
    if e.date.precision == "approximate" and e.date.end and e.date.end >= e.date.start:
        g.add((node, DZO.endDate, Literal(e.date.end.isoformat(), datatype=XSD.date)))
    for prop, ms in ((DZO.agent, e.agents), (DZO.target, e.targets), (DZO.place, e.places),
                     (DZO.origin, e.origins), (DZO.destination, e.destinations), (DZO.toParty, e.to_party)):
        for m in ms:
            g.add((node, prop, _party(g, d, m, e, source)))
    g.add((node, DZO.locationPrecision, LOCATION[e.location]))
    if e.part_of is not None:
        g.add((node, DZO.partOf, _grouping(g, d, e, source)))
    if e.status:
        g.add((node, DZO.epistemicStatus, STATUS[e.status]))
    for c in _citations(d, e, source):
        g.add((node, DZO.citation, c))
    span = URIRef(f"{node}-span")
    at = URIRef(f"{node}-span-offsets")
    g.add((node, PROV.wasDerivedFrom, span))
    g.add((span, RDF.type, OA.SpecificResource))
    g.add((span, OA.hasSource, source))
    g.add((span, OA.hasSelector, at))
    g.add((span, RDFS.comment, Literal(e.sentence.text)))
    g.add((at, RDF.type, OA.TextPositionSelector))
    g.add((at, OA.start, Literal(e.start, datatype=XSD.nonNegativeInteger)))
    g.add((at, OA.end, Literal(e.end, datatype=XSD.nonNegativeInteger)))
    g.add((node, SKOS.editorialNote, Literal("Proposed by kg draft: " + "; ".join(e.reasons), lang="en")))
    _casualties(g, d, node, e, source, span)


def _casualties(g, d: Draft, node: URIRef, e: DraftEvent, source: URIRef, span: URIRef) -> None:
    """One record per party, each figure traced to the span it was read from."""
    by_party: dict[str, list] = {}
    for c in e.casualties:
        if c.party is None:
            g.add((node, SKOS.editorialNote, Literal(
                f"{c.figure.what}: {c.figure.count if c.figure.count is not None else c.figure.note} "
                f"(whose losses the sentence does not say; not recorded)", lang="en")))
            continue
        by_party.setdefault(c.party.iri or c.party.words, []).append(c)
    for n, (key, cs) in enumerate(by_party.items(), 1):
        party = _party(g, d, cs[0].party, e, source)
        record = URIRef(f"{node}-casualties-{n}")
        g.add((record, RDF.type, DZO.CasualtyRecord))
        g.add((record, RDFS.label, Literal(f"Losses of {cs[0].party.label}: {g.value(node, RDFS.label)}", lang="en")))
        g.add((record, DZO.casualtyEvent, node))
        g.add((record, DZO.casualtyParty, party))
        counts: dict[str, int] = {}
        notes = []
        for c in cs:
            if c.figure.count is None:
                notes.append(f"{c.figure.what}: '{c.figure.note}', no number given")
            else:
                counts[c.figure.what] = counts.get(c.figure.what, 0) + c.figure.count
        for what, count in counts.items():
            g.add((record, DZO[what], Literal(count, datatype=XSD.nonNegativeInteger)))
        g.add((record, DZO.figureQualifier, DZO.Exact if counts else DZO.Unstated))
        for note in notes:
            g.add((record, DZO.figureNote, Literal(note)))
        for c in _citations(d, e, source):
            g.add((record, DZO.citation, c))
        g.add((record, PROV.wasDerivedFrom, span))


def write(g: rdflib.Graph, slug: str, path: Path) -> None:
    """The draft as TriG, in the article's named graph, sorted (the same draft, the same bytes)."""
    name = ox.NamedNode(str(graph_iri(slug)))
    quads = sorted((ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name) for s, p, o in g), key=str)
    used = {"dzo", "dzr", "rdf", "rdfs", "xsd", "skos", "dcterms", "prov", "oa"}
    path.write_bytes(ox.serialize(quads, format=ox.RdfFormat.TRIG,
                                  prefixes={k: v for k, v in PREFIXES.items() if k in used}))
