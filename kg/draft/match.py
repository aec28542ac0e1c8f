"""Actors and places named in a sentence, matched against the existing graph: its labels,
alternative labels and names in other languages (Arabic first) fetched from Wikidata; a name that
matches nothing well is proposed as new, with the closest resources as candidates. Also the
graph's grouping events (offensives, campaigns), which a reported launch opens.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import rdflib
from rapidfuzz import fuzz, process

from kg.linking import labels as wikidata_labels
from kg.namespaces import DZO, DZR, RDF, RDFS, SKOS

ACCEPT = 90.0
"""A fuzzy score from which a name is taken as that resource (rapidfuzz, 0-100)."""
CLOSE = 80.0
"""The score from which a common-noun phrase ("an oil tank driver") is taken as the actor whose
name holds its words, when no other actor comes that close."""
CANDIDATE = 70.0
"""From this score a resource is listed as a candidate of a new name."""

_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "’": "'", "‘": "'", "`": "'"})
_NAME = re.compile(
    r"(?:(?:[Aa]l|[Ee]l|[Aa]bu|[Ee]z|[Aa]z|[Aa]s|[Aa]d|[Ii]bn|[Bb]in|[Uu]mm)-?\s?)?[A-Z][\w'’]*(?:-[\w'’]+)*"
    r"(?:\s+(?:(?:of|the|al|ez|el|de|az|as|ad)\s+)*(?:(?:[Aa]l|[Ee]l|[Ee]z)-)?[A-Z][\w'’]*(?:-[\w'’]+)*)*"
    r"(?:\s+(?:militias?|forces|fighters|troops|rebels|gunmen|cells|militants|tribesmen)\b)?"
)
"""A proper name: capitalised words, with the Arabic articles and connectors between them."""
_NOT_NAMES = {
    "on", "in", "at", "the", "a", "an", "after", "before", "during", "two", "three", "four", "five", "while", "further",
    "these", "this", "those", "that", "they", "it", "its", "their", "notable", "additional", "shortly", "earlier",
    "following", "what", "to", "by", "from", "with", "as", "some", "several", "other", "others", "in response",
    *(m.lower() for m in ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                          "October", "November", "December")),
}
PLACE_WORDS = re.compile(r"\b(village|town|city|cities|desert|area|region|district|governorate|province|base|field|"
                         r"road|highway|mountain|river|airport|airbase|checkpoint|countryside|border|valley|plain|"
                         r"dam|bridge|crossing|camp|neighbou?rhood|quarter|island|lake|hill|square)s?\b", re.I)
ACTOR_WORDS = re.compile(r"\b(forces?|army|militias?|brigades?|groups?|council|command|front|regiment|division|"
                         r"battalion|party|coalition|units?|cells|movement|organi[sz]ation|directorate|guards?|corps|"
                         r"police|government|fighters|rebels|gunmen|tribes?|tribal|operations room|ministry)\b", re.I)


@dataclass(frozen=True)
class Grouping:
    """A grouping event of the graph: who led it and the window it started in or lasted."""

    iri: str
    agents: frozenset[str]
    start: date
    end: date


@dataclass(frozen=True)
class Entry:
    """One name of one resource."""

    iri: str
    name: str
    kind: str  # "actor" or "place"
    how: str   # "label", "alternative label", "name (ar)", "short name"


@dataclass
class Mention:
    """A name found in a sentence: matched (`iri`) or new (`iri` None, with `candidates`)."""

    start: int
    end: int
    words: str
    kind: str
    iri: str | None
    label: str
    score: float
    how: str
    candidates: list[tuple[str, float]] = field(default_factory=list)

    @property
    def new(self) -> bool:
        return self.iri is None

    def reason(self) -> str:
        if self.iri:
            return f"'{self.words}' = {short_iri(self.iri)} ({self.how}, {self.score:.0f})"
        cands = ", ".join(f"{short_iri(i)} ({s:.0f})" for i, s in self.candidates) or "none"
        return f"'{self.words}' is new (candidates: {cands})"


def short_iri(iri: str) -> str:
    """dzr:slug for our resources.

    >>> short_iri("https://w3id.org/deir-ez-zor-2024/resource/abu-kamal")
    'dzr:abu-kamal'
    """
    return "dzr:" + iri[len(str(DZR)):] if iri.startswith(str(DZR)) else iri


def normalise(text: str) -> str:
    """Dashes and quotes folded to ASCII, the length kept (offsets still line up)."""
    return text.translate(_DASHES)


class Gazetteer:
    """The actors and places of a graph and their names, for matching."""

    def __init__(self, graph: rdflib.Graph):
        self.graph = graph
        self.kind: dict[str, str] = {}
        self.types: dict[str, set[str]] = {}
        self.label: dict[str, str] = {}
        entries: list[Entry] = []
        for cls, kind in ((DZO.Actor, "actor"), (DZO.Place, "place")):
            for s in set(graph.transitive_subjects(RDFS.subClassOf, cls)):
                for r in graph.subjects(RDF.type, s):
                    self.kind[str(r)] = kind
                    self.types.setdefault(str(r), set()).add(str(s)[len(str(DZO)):])
        for iri, kind in self.kind.items():
            node = rdflib.URIRef(iri)
            for p, how in ((RDFS.label, "label"), (SKOS.altLabel, "alternative label")):
                for o in graph.objects(node, p):
                    lang = getattr(o, "language", None)
                    if how == "label" and lang in (None, "en"):
                        self.label[iri] = str(o)
                    entries.append(Entry(iri, normalise(str(o)), kind, how if lang in (None, "en") else f"name ({lang})"))
            if "Governorate" in self.types[iri]:
                for name in [str(o) for p in (RDFS.label, SKOS.altLabel) for o in graph.objects(node, p)]:
                    base = re.sub(r"\s+(Governorate|province)$", "", name, flags=re.I)
                    if base != name:
                        entries.append(Entry(iri, normalise(base), kind, "short name"))
            for item in graph.objects(node, DZO.wikidataItem):
                for o in graph.objects(item, RDFS.label):
                    lang = getattr(o, "language", None)
                    if lang and lang != "en":
                        entries.append(Entry(iri, str(o), kind, f"name ({lang})"))
        self.entries = entries
        self._by_name: dict[str, list[Entry]] = {}
        for e in entries:
            self._by_name.setdefault(e.name.lower(), []).append(e)
        names = sorted(self._by_name, key=len, reverse=True)
        # Short capitals (IS, US, SDF) only as written; longer names in any case.
        short = [n for n in names if len(n) <= 4]
        long_ = [n for n in names if len(n) > 4]
        self._short = {e.name for n in short for e in self._by_name[n] if e.name.isupper() or "." in e.name}
        exact_short = "|".join(re.escape(n) for n in sorted(self._short, key=len, reverse=True))
        exact_long = "|".join(re.escape(n) for n in long_)
        self._exact = re.compile(rf"(?<![\w-])(?:(?i:{exact_long})|{exact_short})(?![\w-])") if exact_long else None
        self._choices = [e.name for e in entries]
        self.groupings = self._groupings(graph)
        for g in self.groupings:
            self.label[g.iri] = str(graph.value(rdflib.URIRef(g.iri), RDFS.label) or g.iri)

    @staticmethod
    def _groupings(graph: rdflib.Graph) -> list[Grouping]:
        out = []
        for cls in set(graph.transitive_subjects(RDFS.subClassOf, DZO.GroupingEvent)):
            for g in graph.subjects(RDF.type, cls):
                first = graph.value(g, DZO.date)
                if first is None:
                    continue
                last = graph.value(g, DZO.endDate) or graph.value(g, DZO.latestDate) or first
                out.append(Grouping(str(g), frozenset(map(str, graph.objects(g, DZO.agent))),
                                    first.toPython(), last.toPython()))
        return sorted(set(out), key=lambda x: x.iri)

    def grouping_opened(self, agents: set[str], day: date) -> str | None:
        """The grouping event that a launch by `agents` on `day` opens: the one they lead whose
        window holds the day, when exactly one does."""
        found = [g.iri for g in self.groupings if g.agents & agents and g.start <= day <= g.end]
        return found[0] if len(found) == 1 else None

    @classmethod
    def from_project(cls, root: Path) -> "Gazetteer":
        """The graph of a project: graph/*.ttl, and the Wikidata names if fetched."""
        g = rdflib.Graph()
        for path in sorted((root / "graph").glob("*.ttl")):
            g.parse(path, format="turtle")
        labels = root / wikidata_labels.LABELS_FILE
        if labels.exists():
            ds = rdflib.Dataset()
            ds.parse(labels, format="nquads")
            for s, p, o, _ in ds.quads((None, RDFS.label, None, None)):
                g.add((s, p, o))
        onto = rdflib.Graph()
        for path in sorted((root / "ontology").glob("*.ttl")):
            onto.parse(path, format="turtle")
        for t in onto.triples((None, RDFS.subClassOf, None)):
            g.add(t)
        return cls(g)

    def is_a(self, iri: str, cls: str) -> bool:
        return cls in self.types.get(iri, set())

    def closest_actor(self, phrase: str) -> tuple[str, float] | None:
        """The actor whose name holds every word of a common-noun phrase ("local gunmen", "an oil
        tank driver"), when exactly one does well enough."""
        words = [w for w in re.findall(r"[\w'-]+", normalise(phrase).lower()) if w not in ("a", "an", "the", "of")]
        if len(words) < 2:
            return None
        query = " ".join(words)
        choices = [e.name for e in self.entries if e.kind == "actor"]
        actors = [e for e in self.entries if e.kind == "actor"]
        hits = process.extract(query, choices, scorer=fuzz.token_set_ratio, processor=str.lower, limit=3)
        good = {actors[i].iri: sc for _, sc, i in hits if sc >= CLOSE}
        if len(good) == 1:
            return next(iter(good.items()))
        return None

    def armed_force_of(self, state: str) -> str | None:
        """The top armed force of a state, for "a US airstrike": the force whose country it is and
        that is no unit of another force of that country."""
        forces = [str(f) for f in self.graph.subjects(DZO.country, rdflib.URIRef(state)) if self.is_a(str(f), "ArmedForce")]
        top = [f for f in forces if not any(str(p) in forces for p in self.graph.objects(rdflib.URIRef(f), DZO.subUnitOf))]
        return top[0] if len(top) == 1 else None

    def contains(self, outer: str, inner: str) -> bool:
        """True when `inner` lies in `outer` (dzo:locatedIn, followed transitively)."""
        seen, todo = set(), [rdflib.URIRef(inner)]
        while todo:
            node = todo.pop()
            for up in self.graph.objects(node, DZO.locatedIn):
                if str(up) == outer:
                    return True
                if up not in seen:
                    seen.add(up)
                    todo.append(up)
        return False

    def near(self, a: str, b: str) -> bool:
        x, y = rdflib.URIRef(a), rdflib.URIRef(b)
        return (x, DZO.near, y) in self.graph or (y, DZO.near, x) in self.graph

    def find(self, sentence: str) -> list[Mention]:
        """Every actor and place name in the sentence: exact names first (longest first), then
        the remaining proper names matched fuzzily or proposed as new."""
        text = normalise(sentence)
        found: list[Mention] = []
        if self._exact:
            for m in self._exact.finditer(text):
                if text[max(0, m.start() - 5):m.start()].lower().endswith("anti-"):
                    continue  # "Anti-SDF protests": the SDF is what they are against, said elsewhere
                entries = self._prefer(self._by_name[m.group(0).lower()], text)
                found.append(self._mention(m.start(), m.end(), sentence[m.start():m.end()], entries, 100.0))
        taken = [(x.start, x.end) for x in found]
        for m in _NAME.finditer(text):
            start, end = self._trim(text, m.start(), m.end())
            if start >= end or any(start < b and a < end for a, b in taken) or not text[start].isupper():
                continue
            words = sentence[start:end]
            mention = self._fuzzy(start, end, words, text)
            if mention:
                found.append(mention)
        return sorted(found, key=lambda x: x.start)

    def _prefer(self, entries: list[Entry], text: str) -> list[Entry]:
        """A name shared by a city and its governorate ("Deir ez-Zor") means the governorate, which
        is true under either reading, unless the sentence speaks of a city (our graph's convention)."""
        if len({e.iri for e in entries}) < 2:
            return entries
        city = bool(re.search(r"\bcit(?:y|ies)\b", text, re.I))
        wanted = "City" if city else "Governorate"
        return sorted(entries, key=lambda e: not self.is_a(e.iri, wanted))

    @staticmethod
    def _trim(text: str, start: int, end: int) -> tuple[int, int]:
        """Drop leading words that are not names (sentence openers, months, numbers in words)."""
        while start < end:
            word = re.match(r"[\w'’-]+\s*", text[start:end])
            if not word or word.group(0).strip().lower() not in _NOT_NAMES:
                break
            start += word.end()
        return start, end

    def _mention(self, start: int, end: int, words: str, entries: list[Entry], score: float) -> Mention:
        e = entries[0]
        return Mention(start, end, words, e.kind, e.iri, self.label.get(e.iri, e.name), score, e.how,
                       [(x.iri, score) for x in entries[1:]])

    def _fuzzy(self, start: int, end: int, words: str, text: str) -> Mention | None:
        query = normalise(words)
        if len(query) < 4 or re.fullmatch(r"[A-Z][a-z]+(?:ian|ese|ish|qi|ni)", query):
            return None  # a single adjective of nationality ("Syrian", "Iranian") names no one
        results = process.extract(query, self._choices, scorer=fuzz.ratio, processor=str.lower, limit=8)
        best: dict[str, float] = {}
        for name, score, index in results:
            iri = self.entries[index].iri
            best[iri] = max(best.get(iri, 0.0), score)
        ranked = sorted(best.items(), key=lambda x: -x[1])
        if ranked and ranked[0][1] >= ACCEPT:
            top = [i for i, sc in ranked if sc == ranked[0][1]]
            entries = self._prefer([e for e in self.entries if e.iri in top], text)
            m = self._mention(start, end, words, entries, ranked[0][1])
            m.how = "fuzzy"
            m.candidates = [(i, s) for i, s in ranked[1:] if s >= ACCEPT]
            return m
        context = text[max(0, start - 12):end + 24]
        kind = self._guess_kind(words, context, ranked)
        if kind is None:
            return None
        cands = [(i, s) for i, s in ranked if s >= CANDIDATE and self.kind[i] == kind][:3]
        return Mention(start, end, words, kind, None, words, 0.0, "new", cands)

    def _guess_kind(self, words: str, context: str, ranked) -> str | None:
        """Actor or place, for a new name: its own words, the words around it, else its closest match."""
        if PLACE_WORDS.search(words):
            return "place"
        if ACTOR_WORDS.search(words):
            return "actor"
        before = context.lower()
        if re.search(r"\b(in|at|near|from|towards|into|of)\s+(?:the\s+)?$", before[:before.find(normalise(words).lower())] if normalise(words).lower() in before else ""):
            return "place"
        if ranked and ranked[0][1] >= CANDIDATE:
            return self.kind[ranked[0][0]]
        return None
