"""How close a draft comes to a curated graph: each curated incident paired with at most one
proposed event (sharing a reference, best agreement first; a grouping event may take the proposal
of a launch that restates it), then the share found with the right day, kind, places, location
precision, agents and casualty figures, and the proposals that match nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date  # noqa: F401 - the type of Curated.date, a field of the same name

import rdflib

from kg.draft.extract import DraftEvent
from kg.namespaces import DZO, DZR, RDF, RDFS


@dataclass
class Curated:
    """An event of the curated graph, reduced to what a draft can propose."""

    iri: str
    kind: str
    date: date
    precision: str
    agents: frozenset[str]
    places: frozenset[str]
    refs: frozenset[str]
    figures: dict[str, int | None]
    incident: bool
    location: str = ""


@dataclass
class Scores:
    """The figures of one comparison."""

    incidents: int = 0
    proposed: int = 0
    found: int = 0
    right: dict[str, int] = field(default_factory=dict)
    with_figures: int = 0
    figures_right: int = 0
    unmatched: list[DraftEvent] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    wrong: dict[str, list[str]] = field(default_factory=dict)

    def share(self, what: str) -> float:
        return self.right.get(what, 0) / self.incidents if self.incidents else 0.0

    @property
    def figures_share(self) -> float:
        return self.figures_right / self.with_figures if self.with_figures else 0.0

    @property
    def unmatched_share(self) -> float:
        return len(self.unmatched) / self.proposed if self.proposed else 0.0


PRECISIONS = {"DayPrecision": "day", "MonthPrecision": "month", "YearPrecision": "year",
              "ApproximatePrecision": "approximate"}
LOCATIONS = {"AtPlace": "at", "NearPlace": "near", "InRegion": "region", "PlaceUnstated": "unstated"}


def curated_events(graph: rdflib.Graph) -> list[Curated]:
    """Every dated incident (dzo:Event) and grouping event of the graph; only incidents count."""
    out = []
    incidents = set(graph.transitive_subjects(RDFS.subClassOf, DZO.Event))
    kinds = incidents | set(graph.transitive_subjects(RDFS.subClassOf, DZO.GroupingEvent))
    for e in set(graph.subjects(DZO.date, None)):
        types = [t for t in graph.objects(e, RDF.type) if t in kinds]
        if not types:
            continue
        finest = [t for t in types if not any(o != t and (o, RDFS.subClassOf, t) in graph for o in types)]
        figures: dict[str, int | None] = {}
        for record in graph.subjects(DZO.casualtyEvent, e):
            for what in ("killed", "injured", "arrested"):
                value = graph.value(record, DZO[what])
                if value is not None:
                    figures[what] = (figures.get(what) or 0) + int(value)
        out.append(Curated(
            str(e), str(finest[0])[len(str(DZO)):], graph.value(e, DZO.date).toPython(),
            PRECISIONS.get(str(graph.value(e, DZO.datePrecision)).rsplit("#", 1)[-1], ""),
            frozenset(map(str, graph.objects(e, DZO.agent))), frozenset(map(str, graph.objects(e, DZO.place))),
            frozenset(str(c).rsplit("-", 1)[-1] for c in graph.objects(e, DZO.citation)
                      if str(c).startswith(str(DZR) + "reference-") or str(c).startswith(str(DZR) + "note-")),
            figures, any(t in incidents for t in types),
            LOCATIONS.get(str(graph.value(e, DZO.locationPrecision)).rsplit("#", 1)[-1], "")))
    return out


def _agreement(c: Curated, d: DraftEvent) -> float:
    places = {m.iri for m in d.places}
    agents = {m.iri for m in d.agents}
    return (3 * (d.date.start == c.date) + 2 * (d.kind == c.kind) + 1.5 * bool(places & c.places)
            + 1.5 * bool(agents & c.agents) + 1 * (places == set(c.places)) + 1 * (agents == set(c.agents)))


def _figures(d: DraftEvent) -> dict[str, int | None]:
    return {w: d.total(w) for w in ("killed", "injured", "arrested") if d.total(w) is not None}


def score(graph: rdflib.Graph, draft: list[DraftEvent]) -> Scores:
    """Pair the curated events with the proposed ones and count what agrees."""
    curated = curated_events(graph)
    pairs = []
    for c in curated:
        for n, d in enumerate(draft):
            if c.refs & set(d.refs):
                a = _agreement(c, d)
                if a >= 2:
                    pairs.append((a, c.incident, c.iri, n))
    taken_c, taken_d, matched = set(), set(), {}
    for a, _, iri, n in sorted(pairs, key=lambda p: (-p[0], not p[1], p[2], p[3])):
        if iri in taken_c or n in taken_d:
            continue
        taken_c.add(iri)
        taken_d.add(n)
        matched[iri] = draft[n]
    s = Scores(incidents=sum(c.incident for c in curated), proposed=len(draft))
    checks = {
        "date": lambda c, d: d.date.start == c.date,
        "date and precision": lambda c, d: d.date.start == c.date and d.date.precision == c.precision,
        "kind": lambda c, d: d.kind == c.kind,
        "places": lambda c, d: {m.iri for m in d.places} == set(c.places),
        "location precision": lambda c, d: d.location == c.location,
        "agents": lambda c, d: {m.iri for m in d.agents} == set(c.agents),
    }
    checks["places and agents"] = lambda c, d: checks["places"](c, d) and checks["agents"](c, d)
    for c in curated:
        if not c.incident:
            continue
        d = matched.get(c.iri)
        if d is None:
            s.missed.append(c.iri)
            continue
        s.found += 1
        for name, check in checks.items():
            if check(c, d):
                s.right[name] = s.right.get(name, 0) + 1
            else:
                s.wrong.setdefault(name, []).append(c.iri)
        if c.figures:
            s.with_figures += 1
            if _figures(d) == c.figures:
                s.figures_right += 1
            else:
                s.wrong.setdefault("figures", []).append(c.iri)
    s.unmatched = [d for n, d in enumerate(draft) if n not in taken_d]
    return s
