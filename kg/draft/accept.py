"""`kg draft --accept REVIEW.csv`: the reviewed rows -> Turtle for graph/ in our conventions:
incidents with slugs event-YYYY-MM-DD-..., their location precision and the grouping event they
belong to, descriptions written from the fields, citations of the article's references as
graph/sources.ttl models them, new actors, places and offensives where a row names them.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.draft.match import Mention
from kg.draft.pipeline import slugify
from kg.draft.review import COLUMNS, NEW
from kg.draft.write import LOCATION, PRECISION, new_class
from kg.errors import ReviewFileError
from kg.namespaces import DZO, DZR, PREFIXES

ARTICLE = DZR["article"]
"""The source of graph/: the article its references belong to."""


@dataclass
class Row:
    line: int
    values: dict[str, str]


class Acceptor:
    """Checks each row against the project's graph and turns it into triples."""

    def __init__(self, root: Path, path: Path):
        self.path = path
        self.graph = rdflib.Graph()
        for p in sorted((root / "graph").glob("*.ttl")) + sorted((root / "ontology").glob("*.ttl")):
            self.graph.parse(p, format="turtle")
        self.kinds = {str(c)[len(str(DZO)):] for c in self.graph.transitive_subjects(RDFS.subClassOf, DZO.Event)
                      if str(c).startswith(str(DZO)) and c != DZO.Event}
        self.groupings = {s for c in self.graph.transitive_subjects(RDFS.subClassOf, DZO.GroupingEvent)
                          for s in self.graph.subjects(RDF.type, c)}
        self.out = rdflib.Graph()
        for prefix in ("dzo", "dzr", "rdf", "rdfs", "xsd", "skos", "dcterms"):
            self.out.bind(prefix, PREFIXES[prefix])
        self.slugs: set[str] = {str(s)[len(str(DZR)):] for s in self.graph.subjects() if str(s).startswith(str(DZR))}

    def fail(self, row: Row | None, message: str) -> ReviewFileError:
        return ReviewFileError(str(self.path), row.line if row else None, message)

    # -- cells -----------------------------------------------------------------------------------

    def _date(self, row: Row) -> tuple[date, date | None, str]:
        text, precision = row.values["date"].strip(), row.values["date_precision"].strip()
        if precision not in PRECISION:
            raise self.fail(row, f"date_precision {precision!r} is not one of {', '.join(PRECISION)}")
        try:
            start, _, end = text.partition("/")
            first, last = date.fromisoformat(start), date.fromisoformat(end) if end else None
        except ValueError:
            raise self.fail(row, f"date {text!r} is not YYYY-MM-DD (or YYYY-MM-DD/YYYY-MM-DD for a window)") from None
        if precision == "approximate" and last is None:
            raise self.fail(row, "an approximate date needs its window: START/END")
        if last is not None and last < first:
            raise self.fail(row, f"the window {text} ends before it starts")
        return first, last, precision

    def _count(self, row: Row, column: str) -> int | None:
        text = row.values[column].strip()
        if not text:
            return None
        if not text.isdigit():
            raise self.fail(row, f"{column} {text!r} is not a number in digits")
        return int(text)

    def _refs(self, row: Row) -> list[URIRef]:
        out = []
        for r in filter(None, (x.strip() for x in row.values["references"].split(";"))):
            if not re.fullmatch(r"[1-9]\d{0,3}|[a-z]", r):
                raise self.fail(row, f"reference {r!r} is neither a number nor a note letter")
            node = DZR[f"reference-{r}" if r.isdigit() else f"note-{r}"]
            if (node, RDF.type, DZO.Reference) not in self.graph and (node, RDF.type, DZO.Reference) not in self.out:
                self.out.add((node, RDF.type, DZO.Reference))
                self.out.add((node, RDFS.label, Literal(f"{'Reference' if r.isdigit() else 'Note'} {r}", lang="en")))
                self.out.add((node, DZO.referenceNumber, Literal(int(r), datatype=XSD.positiveInteger)) if r.isdigit()
                             else (node, DZO.noteLetter, Literal(r)))
                self.out.add((node, DZO.referenceOf, ARTICLE))
            out.append(node)
        return out or [ARTICLE]

    def _resources(self, row: Row, column: str, kind: str, cites: list[URIRef], event_label: str) -> list[URIRef]:
        out = []
        for value in filter(None, (x.strip() for x in row.values[column].split(";"))):
            if value.startswith(NEW):
                out.append(self._new(row, value[len(NEW):].strip(), kind, cites, event_label))
                continue
            if not value.startswith("dzr:"):
                raise self.fail(row, f"{column}: {value!r} is neither dzr:SLUG nor {NEW}NAME")
            node = DZR[value[4:]]
            cls = DZO.Actor if kind == "actor" else DZO.Place
            types = set(self.graph.objects(node, RDF.type)) | set(self.out.objects(node, RDF.type))
            if not any(t == cls or (t, RDFS.subClassOf, cls) in self.graph for t in types) and \
                    not any(cls in set(self.graph.transitive_objects(t, RDFS.subClassOf)) for t in types):
                raise self.fail(row, f"{column}: {value} is no {kind} of the graph")
            out.append(node)
        return out

    def _new(self, row: Row, name: str, kind: str, cites: list[URIRef], event_label: str) -> URIRef:
        if not name:
            raise self.fail(row, f"{NEW} needs a name after it")
        node = DZR[slugify(name)]
        if (node, RDF.type, None) not in self.out:
            if (node, None, None) in self.graph:
                raise self.fail(row, f"{NEW}{name}: the slug {slugify(name)} is taken; use dzr:{slugify(name)} "
                                     f"if it is that resource")
            cls = new_class(Mention(0, 0, name, kind, None, name, 0, "new"))
            self.out.add((node, RDF.type, cls))
            self.out.add((node, RDFS.label, Literal(name, lang="en")))
            self.out.add((node, DCTERMS.description, Literal(
                f"{'Place' if kind == 'place' else 'Party'} the article names in connection with: {event_label}.",
                lang="en")))
        for c in cites:
            self.out.add((node, DZO.citation, c))
        return node

    def _location(self, row: Row, places: list[URIRef]) -> URIRef:
        value = row.values["location_precision"].strip()
        if value not in LOCATION:
            raise self.fail(row, f"location_precision {value!r} is not one of {', '.join(LOCATION)}")
        if (value == "unstated") != (not places):
            raise self.fail(row, "location_precision is unstated exactly when the row names no place"
                                 f" (it is {value!r} with {len(places)} place(s))")
        return LOCATION[value]

    def _part_of(self, row: Row, first: date, last: date | None, precision: str, agents: list[URIRef],
                 cites: list[URIRef]) -> URIRef | None:
        value = row.values["part_of"].strip()
        if not value:
            return None
        if value.startswith(NEW):
            name = value[len(NEW):].strip()
            if not name:
                raise self.fail(row, f"part_of: {NEW} needs a name after it")
            node = DZR[slugify(name)]
            if (node, RDF.type, None) not in self.out:
                if (node, None, None) in self.graph:
                    raise self.fail(row, f"part_of: {NEW}{name}: the slug {slugify(name)} is taken; use "
                                         f"dzr:{slugify(name)} if it is that grouping event")
                self._offensive(node, name, first, last, precision, agents)
            for c in cites:
                self.out.add((node, DZO.citation, c))
            return node
        if not value.startswith("dzr:") or DZR[value[4:]] not in self.groupings:
            raise self.fail(row, f"part_of: {value!r} is no grouping event of the graph (dzr:SLUG) nor {NEW}NAME")
        return DZR[value[4:]]

    def _offensive(self, node: URIRef, name: str, first: date, last: date | None, precision: str,
                   agents: list[URIRef]) -> None:
        """A new offensive, opened by the row's launch: it starts then; its end is not known."""
        o = self.out
        o.add((node, RDF.type, DZO.MilitaryOffensive))
        o.add((node, RDFS.label, Literal(name, lang="en")))
        who = f" by {', '.join(self._name(a) for a in agents)}" if agents else ""
        o.add((node, DCTERMS.description, Literal(
            f"Offensive launched{who} on or from {first.day} {first.strftime('%B %Y')}; the article reports its launch.",
            lang="en")))
        o.add((node, DZO.date, Literal(first.isoformat(), datatype=XSD.date)))
        o.add((node, DZO.datePrecision, PRECISION[precision]))
        if last is not None:
            o.add((node, DZO.latestDate, Literal(last.isoformat(), datatype=XSD.date)))
        for a in agents:
            o.add((node, DZO.agent, a))

    # -- rows ------------------------------------------------------------------------------------

    def _slug(self, first: date, kind: str, agents: list[URIRef], places: list[URIRef]) -> str:
        parts = [f"event-{first.isoformat()}"]
        if agents:
            parts.append(str(agents[0])[len(str(DZR)):])
        parts.append(slugify(str(self.graph.value(DZO[kind], RDFS.label) or kind)))
        if places:
            parts.append(str(places[0])[len(str(DZR)):])
        base = "-".join(parts)
        slug, n = base, 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        return slug

    def _name(self, node: URIRef) -> str:
        """The English label (a place may also have an Arabic one, which an English description
        must not pick up)."""
        labels = [*self.graph.objects(node, RDFS.label), *self.out.objects(node, RDFS.label)]
        english = [lbl for lbl in labels if getattr(lbl, "language", None) in (None, "en")]
        return str(english[0] if english else labels[0] if labels else node)

    def accept(self, row: Row) -> None:
        v = row.values
        kind = v["kind"].strip()
        if kind not in self.kinds:
            raise self.fail(row, f"kind {kind!r} is not one of our event kinds ({', '.join(sorted(self.kinds))})")
        first, last, precision = self._date(row)
        label = v["label"].strip()
        if not label:
            raise self.fail(row, "the label is empty")
        cites = self._refs(row)
        agents = self._resources(row, "agents", "actor", cites, label)
        targets = self._resources(row, "targets", "actor", cites, label)
        places = self._resources(row, "places", "place", cites, label)
        if not (agents or targets or places):
            raise self.fail(row, "an event needs at least one agent, target or place")
        counts = {w: self._count(row, w) for w in ("killed", "injured", "arrested")}
        location = self._location(row, places)
        part_of = self._part_of(row, first, last, precision, agents, cites)
        node = DZR[self._slug(first, kind, agents, places)]
        o = self.out
        o.add((node, RDF.type, DZO[kind]))
        o.add((node, RDFS.label, Literal(label, lang="en")))
        o.add((node, DCTERMS.description, Literal(self._describe(kind, first, last, precision, agents, targets,
                                                                  places, location, counts), lang="en")))
        o.add((node, DZO.date, Literal(first.isoformat(), datatype=XSD.date)))
        o.add((node, DZO.datePrecision, PRECISION[precision]))
        if last is not None:
            o.add((node, DZO.endDate, Literal(last.isoformat(), datatype=XSD.date)))
        for prop, nodes in ((DZO.agent, agents), (DZO.target, targets), (DZO.place, places)):
            for n in nodes:
                o.add((node, prop, n))
        o.add((node, DZO.locationPrecision, location))
        if part_of is not None:
            o.add((node, DZO.partOf, part_of))
        for c in cites:
            o.add((node, DZO.citation, c))
        o.add((node, SKOS.editorialNote, Literal(
            f"Drafted by kg draft from characters {v['start']} to {v['end']} of the article, then reviewed.", lang="en")))
        if any(c is not None for c in counts.values()):
            self._casualties(row, node, label, targets, counts, cites)

    def _casualties(self, row: Row, node: URIRef, label: str, targets: list[URIRef], counts, cites) -> None:
        if not targets:
            figures = ", ".join(f"{w} {c}" for w, c in counts.items() if c is not None)
            self.out.add((node, SKOS.editorialNote, Literal(
                f"The article gives losses ({figures}) without saying whose; not recorded as a casualty record.",
                lang="en")))
            return
        party = targets[0]
        record = URIRef(f"{node}-casualties-{str(party)[len(str(DZR)):]}")
        o = self.out
        o.add((record, RDF.type, DZO.CasualtyRecord))
        o.add((record, RDFS.label, Literal(f"Losses of {self._name(party)}: {label}", lang="en")))
        o.add((record, DZO.casualtyEvent, node))
        o.add((record, DZO.casualtyParty, party))
        for what, count in counts.items():
            if count is not None:
                o.add((record, DZO[what], Literal(count, datatype=XSD.nonNegativeInteger)))
        o.add((record, DZO.figureQualifier, DZO.Exact))
        for c in cites:
            o.add((record, DZO.citation, c))

    def _describe(self, kind, first, last, precision, agents, targets, places, location, counts) -> str:
        """A description in our words, from the reviewed fields."""
        names = lambda nodes: ", ".join(self._name(n) for n in nodes[:-1]) + (" and " if len(nodes) > 1 else "") \
            + (self._name(nodes[-1]) if nodes else "")  # noqa: E731
        what = str(self.graph.value(DZO[kind], RDFS.label) or kind)
        text = f"{what[0].upper()}{what[1:]}"
        if agents:
            text += f" carried out by {names(agents)}"
        if targets:
            text += f" against {names(targets)}"
        if places:
            text += f" {'near' if location == DZO.NearPlace else 'in' if location == DZO.InRegion else 'at'} {names(places)}"
        when = {"day": f"on {first.day} {first.strftime('%B %Y')}", "month": f"in {first.strftime('%B %Y')}",
                "year": f"in {first.year}"}.get(precision) or \
            f"between {first.day} {first.strftime('%B %Y')} and {last.day} {last.strftime('%B %Y')}"
        text += f", {when}"
        losses = [f"{c} {w}" for w, c in counts.items() if c is not None]
        return text + (f"; {', '.join(losses)}." if losses else ".")


def read_rows(path: Path) -> list[Row]:
    try:
        handle = path.open(encoding="utf-8", newline="")
    except FileNotFoundError:
        raise ReviewFileError(str(path), None, "no such review file") from None
    except OSError as e:
        raise ReviewFileError(str(path), None, f"cannot read it: {e.strerror or e}") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ReviewFileError(str(path), 1, f"missing column(s): {', '.join(missing)} (a review file has: "
                                                f"{', '.join(COLUMNS)})")
        rows = []
        for values in reader:
            if None in values or any(v is None for v in values.values()):
                raise ReviewFileError(str(path), reader.line_num, "the row has more or fewer cells than columns")
            rows.append(Row(reader.line_num, values))
    if not rows:
        raise ReviewFileError(str(path), None, "no rows to accept")
    return rows


def accept(root: Path, review: Path) -> str:
    """The Turtle of the reviewed rows (every row is checked first: an error names its line)."""
    acceptor = Acceptor(root, review)
    for row in read_rows(review):
        acceptor.accept(row)
    text = acceptor.out.serialize(format="turtle")
    return "# Events accepted from a kg draft review file; descriptions generated from the reviewed fields.\n" + text
