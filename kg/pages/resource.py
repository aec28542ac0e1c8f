"""What the HTML pages show (a resource, the ontology, label search), as SPARQL run on the
workers and shaped into plain values for the templates; IRIs of ours link to our own address.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote

import pyoxigraph

from kg.namespaces import BASE, DZO, PREFIXES, short, sparql_prologue
from kg.sparql.text import bind_terms
from kg.store.embedded import Answer, QueryJob

_PROLOGUE = sparql_prologue(["dzg", "dzo", "owl", "rdf", "rdfs", "skos"])
_EN = 'FILTER(LANG({v}) = "" || LANGMATCHES(LANG({v}), "en"))'

SHOWN = 200
"""How many values a resource page lists per property and direction, and how many events. A hub of
a large graph (an actor in 19,000 events) lists the first ones, says how many there are, and links
to the query that lists them all; the article's resources have at most 77 per property."""

RESOURCE_SHAPE = _PROLOGUE + """SELECT ?dir ?p (COUNT(DISTINCT ?x) AS ?n) WHERE {
  { ?r ?p ?x BIND("out" AS ?dir) } UNION { ?x ?p ?r BIND("in" AS ?dir) }
} GROUP BY ?dir ?p"""
"""How many distinct values the resource has per property, outgoing and incoming."""

RESOURCE_EVENT_COUNT = _PROLOGUE + """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
  { SELECT DISTINCT ?e WHERE { ?e ?p ?r } } ?e dzo:date ?date
}"""

RESOURCE_EVENTS = _PROLOGUE + f"""SELECT ?e ?eLabel ?date WHERE {{
  {{ SELECT ?e ?date WHERE {{
    {{ SELECT DISTINCT ?e WHERE {{ ?e ?p ?r }} }} ?e dzo:date ?date
  }} ORDER BY ?date ?e LIMIT {SHOWN} }}
  OPTIONAL {{ ?e rdfs:label ?eLabel {_EN.format(v="?eLabel")} }}
}} ORDER BY ?date ?e"""
"""(The things that refer to the resource first, then their dates: at 1M triples an actor in
19,000 events takes 145 ms this way, 270 ms the other way round.)"""

ALL_EVENTS = _PROLOGUE + """SELECT DISTINCT ?event ?date WHERE { ?event ?p ?r ; dzo:date ?date } ORDER BY ?date ?event"""
"""What a page's "list them all" link asks for its events."""

ALL_VALUES = {
    "out": _PROLOGUE + "SELECT DISTINCT ?value ?label WHERE { ?r ?p ?value OPTIONAL { ?value rdfs:label ?label } } ORDER BY ?value",
    "in": _PROLOGUE + "SELECT DISTINCT ?subject ?label WHERE { ?subject ?p ?r OPTIONAL { ?subject rdfs:label ?label } } ORDER BY ?subject",
}
"""What a page's "list them all" link asks for the values of one property, by direction."""

RESOURCE_NAMES = _PROLOGUE + """SELECT DISTINCT ?name WHERE {
  ?r dzo:wikidataItem ?item . ?item rdfs:label ?name .
  FILTER(!LANGMATCHES(LANG(?name), "en"))
} ORDER BY LANG(?name) ?name LIMIT 100"""
"""Names of the resource's Wikidata item in other languages (the wikidata-labels graph)."""

RESOURCE_RDF = """CONSTRUCT { ?r ?p ?o . ?s ?q ?r } WHERE { { ?r ?p ?o } UNION { ?s ?q ?r } }"""
"""A resource's description for RDF clients: its outgoing and incoming statements."""

ONTOLOGY_TERMS = _PROLOGUE + f"""SELECT ?term ?type ?label ?definition ?acled ?acledSub WHERE {{
  GRAPH dzg:ontology {{
    VALUES ?type {{ owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }}
    ?term a ?type . FILTER(isIRI(?term))
    OPTIONAL {{ ?term rdfs:label ?label {_EN.format(v="?label")} }}
    OPTIONAL {{ ?term skos:definition|rdfs:comment ?definition }}
    OPTIONAL {{ ?term dzo:acledEventType ?acled }}
    OPTIONAL {{ ?term dzo:acledSubEventType ?acledSub }}
  }}
}}"""

ONTOLOGY_LINKS = _PROLOGUE + """SELECT ?term ?link ?value WHERE {
  GRAPH dzg:ontology {
    VALUES ?link { rdfs:subClassOf rdfs:subPropertyOf rdfs:domain rdfs:range owl:inverseOf }
    ?term ?link ?value . FILTER(isIRI(?term) && isIRI(?value))
  }
}"""

ONTOLOGY_RDF = _PROLOGUE + "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH dzg:ontology { ?s ?p ?o } }"

SEARCH = _PROLOGUE + f"""SELECT ?q ?s ?label ?matched ?type WHERE {{
  ?s rdfs:label|skos:altLabel ?matched .
  FILTER(isIRI(?s) && CONTAINS(LCASE(STR(?matched)), LCASE(?q)))
  OPTIONAL {{ ?s rdfs:label ?label {_EN.format(v="?label")} }}
  OPTIONAL {{ ?s a ?type . FILTER(STRSTARTS(STR(?type), STR(dzo:))) }}
}} LIMIT 2000"""

_RDF_TYPE = PREFIXES["rdf"] + "type"
_RDFS_LABEL = PREFIXES["rdfs"] + "label"
_SKOS_ALT = PREFIXES["skos"] + "altLabel"
_DESCRIPTIONS = (PREFIXES["dcterms"] + "description", PREFIXES["skos"] + "definition",
                 PREFIXES["rdfs"] + "comment")


_LINKABLE = ("http://", "https://")


def local_href(iri: str) -> str:
    """Our own address for an IRI of ours; other web IRIs stay as they are, and IRIs of any other
    scheme (javascript:, data:, file: ... which data may carry) are not links at all.

    >>> local_href("https://w3id.org/deir-ez-zor-2024/resource/sdf")
    '/resource/sdf'
    >>> local_href("https://w3id.org/deir-ez-zor-2024/ontology#Actor")
    '/ontology#Actor'
    >>> local_href("http://www.wikidata.org/entity/Q1")
    'http://www.wikidata.org/entity/Q1'
    >>> local_href("javascript:alert(1)")
    ''
    """
    if iri.startswith(BASE):
        return "/" + iri[len(BASE):]
    return iri if iri.lower().startswith(_LINKABLE) else ""


@dataclass(frozen=True)
class Term:
    """An RDF term as a page shows it."""

    value: str
    is_iri: bool
    label: str = ""
    lang: str = ""
    datatype: str = ""

    @property
    def href(self) -> str:
        return local_href(self.value) if self.is_iri else ""

    @property
    def text(self) -> str:
        return self.label or (short(self.value) if self.is_iri else self.value)


def rows(answer: Answer) -> list[dict]:
    """The bindings of a SPARQL JSON results answer."""
    return json.loads(answer.body)["results"]["bindings"]


def _term(binding: dict | None, label: dict | None = None) -> Term:
    if binding is None:
        return Term("", False)
    return Term(
        binding["value"],
        binding["type"] == "uri",
        label["value"] if label else "",
        binding.get("xml:lang", ""),
        short(binding.get("datatype", "")) if binding.get("datatype") else "",
    )


def _job(text: str, **terms) -> QueryJob:
    """A JSON-results job; pyoxigraph wants each substituted variable in the projection."""
    return QueryJob(text, accept="application/sparql-results+json",
                    substitutions=tuple(sorted(terms.items())))


def _iris(**iris: str) -> dict[str, pyoxigraph.NamedNode]:
    """Terms for bind_terms, each IRI checked by pyoxigraph."""
    return {name: pyoxigraph.NamedNode(iri) for name, iri in iris.items()}


def resource_jobs(iri: str) -> list[QueryJob]:
    """The first round of a resource page: how many values per property, the events, the names."""
    return [_job(bind_terms(q, _iris(r=iri))) for q in (RESOURCE_SHAPE, RESOURCE_EVENT_COUNT, RESOURCE_EVENTS, RESOURCE_NAMES)]


def resource_rdf_job(iri: str, accept: str | None) -> QueryJob:
    return QueryJob(RESOURCE_RDF, accept=accept, substitutions=(("r", pyoxigraph.NamedNode(iri)),))


Shape = dict[tuple[str, str], int]
"""(direction "out" or "in", property IRI) -> how many distinct values."""


def shape(answer: Answer) -> Shape:
    return {(row["dir"]["value"], row["p"]["value"]): int(row["n"]["value"]) for row in rows(answer)}


def values_jobs(iri: str, counts: Shape) -> list[QueryJob]:
    """The second round: per direction, every value of the properties with at most SHOWN values,
    and SHOWN of each property with more, in no particular order (ordering 19,000 IRIs to take
    the first 200 costs the store 110 ms a property; the page sorts what it shows, and its link
    lists them all in order)."""
    jobs = []
    for direction in ("out", "in"):
        props = sorted(p for d, p in counts if d == direction)
        if not props:
            continue
        few = [p for p in props if counts[direction, p] <= SHOWN]
        many = [p for p in props if counts[direction, p] > SHOWN]
        jobs.append(_job(_values_query(iri, direction, few, many)))
    return jobs


def _values_query(iri: str, direction: str, few: list[str], many: list[str]) -> str:
    """The query as a template whose ?r is the resource and ?p0, ?p1 ... the properties, all
    written in by bind_terms."""
    def pattern(prop: str) -> str:
        return f"?r {prop} ?x" if direction == "out" else f"?x {prop} ?r"

    props = {f"p{index}": prop for index, prop in enumerate(few + many)}
    names = [f"?{name}" for name in props]
    parts = []
    if few:
        parts.append(f"{{ VALUES ?p {{ {' '.join(names[:len(few)])} }} {pattern('?p')} }}")
    for name in names[len(few):]:
        parts.append(f"{{ {{ SELECT DISTINCT ?x WHERE {{ {pattern(name)} }} LIMIT {SHOWN} }} BIND({name} AS ?p) }}")
    return bind_terms(_PROLOGUE + f"""SELECT ?dir ?p ?pLabel ?x ?xLabel WHERE {{
  {" UNION ".join(parts)}
  BIND("{direction}" AS ?dir)
  OPTIONAL {{ ?p rdfs:label ?pLabel {_EN.format(v="?pLabel")} }}
  OPTIONAL {{ ?x rdfs:label ?xLabel {_EN.format(v="?xLabel")} }}
}} LIMIT {SHOWN * 50}""", _iris(r=iri, **props))


def editor_href(query: str) -> str:
    """Our query editor, opened on `query`."""
    return "/?query=" + quote(query, safe="")


@dataclass(frozen=True)
class Listing:
    """What a page lists of something that may be long: the first items, how many there are in
    all, and the query for all of them (linked in the query editor when some are left out)."""

    items: list
    total: int
    query: str

    @property
    def more(self) -> int:
        return max(self.total - len(self.items), 0)

    @property
    def more_href(self) -> str:
        return editor_href(self.query)


@dataclass(frozen=True)
class Group(Listing):
    """The values (Terms) of one property of a resource, outgoing or incoming."""

    prop: Term = field(kw_only=True)


@dataclass
class ResourceView:
    iri: str
    label: str
    kinds: list[Term]
    description: list[Term]
    facts: list[Group]
    incoming: list[Group]
    events: Listing
    """(event Term, date) pairs, earliest first."""
    sources: list[Term]
    wikidata: list[Term]
    names: list[Term] = field(default_factory=list)
    arabic: list[str] = field(default_factory=list)
    """Our own Arabic names: the label first, then the alternative names."""

    @property
    def found(self) -> bool:
        return bool(self.facts or self.incoming)


def resource_view(iri: str, counts: Shape, first: list[Answer], second: list[Answer]) -> ResourceView:
    """The page's content from the two rounds of queries (`first` without its shape answer)."""
    event_count, events, names = (rows(answer) for answer in first)
    values: dict[tuple[str, str], list[Term]] = defaultdict(list)
    props: dict[str, Term] = {}
    for row in (row for answer in second for row in rows(answer)):
        key = (row["dir"]["value"], row["p"]["value"])
        props.setdefault(key[1], _term(row["p"], row.get("pLabel")))
        value = _term(row["x"], row.get("xLabel"))
        if value not in values[key]:
            values[key].append(value)

    def groups(direction: str) -> list[Group]:
        found = [
            Group(sorted(values[d, p], key=lambda t: (t.text.lower(), t.value)), n,
                  bind_terms(ALL_VALUES[d], _iris(r=iri, p=p)), prop=props.get(p) or _term({"type": "uri", "value": p}))
            for (d, p), n in counts.items() if d == direction
        ]
        return sorted(found, key=lambda g: (g.prop.text.lower(), g.prop.value))

    by_iri = {(d, p): terms for (d, p), terms in values.items() if d == "out"}
    labels = by_iri.get(("out", _RDFS_LABEL), [])
    english = [t.value for t in labels if t.lang in ("en", "")]
    return ResourceView(
        iri=iri,
        label=(english or [t.value for t in labels] or [short(iri)])[0],
        kinds=by_iri.get(("out", _RDF_TYPE), []),
        description=[t for name in _DESCRIPTIONS for t in by_iri.get(("out", name), [])],
        facts=groups("out"),
        incoming=groups("in"),
        events=Listing([(_term(r["e"], r.get("eLabel")), r["date"]["value"]) for r in events],
                       int(event_count[0]["n"]["value"]) if event_count else 0,
                       bind_terms(ALL_EVENTS, _iris(r=iri))),
        sources=by_iri.get(("out", str(DZO.citation)), []),
        wikidata=by_iri.get(("out", str(DZO.wikidataItem)), []),
        names=[_term(r["name"]) for r in names],
        arabic=[t.value for t in labels if t.lang == "ar"]
        + [t.value for t in by_iri.get(("out", _SKOS_ALT), []) if t.lang == "ar"],
    )


@dataclass
class OntologyTerm:
    term: Term
    kind: str
    definitions: list[str] = field(default_factory=list)
    acled: list[str] = field(default_factory=list)
    links: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))

    @property
    def anchor(self) -> str:
        return self.term.value.split("#", 1)[1] if "#" in self.term.value else self.term.value


def ontology_jobs() -> list[QueryJob]:
    return [_job(ONTOLOGY_TERMS), _job(ONTOLOGY_LINKS)]


def ontology_view(answers: list[Answer]) -> dict[str, list[OntologyTerm]]:
    """Terms by kind ("Class", "ObjectProperty"...), each sorted by label."""
    terms_rows, link_rows = (rows(answer) for answer in answers)
    terms: dict[str, OntologyTerm] = {}
    for row in terms_rows:
        iri = row["term"]["value"]
        entry = terms.setdefault(iri, OntologyTerm(_term(row["term"], row.get("label")),
                                                   row["type"]["value"].rsplit("#", 1)[-1]))
        definition = row.get("definition", {}).get("value")
        if definition and definition not in entry.definitions:
            entry.definitions.append(definition)
        if "acled" in row:
            mapping = row["acled"]["value"] + (f" / {row['acledSub']['value']}" if "acledSub" in row else "")
            if mapping not in entry.acled:
                entry.acled.append(mapping)
    for row in link_rows:
        entry = terms.get(row["term"]["value"])
        value = _term(row["value"])
        if entry and value not in entry.links[short(row["link"]["value"])]:
            entry.links[short(row["link"]["value"])].append(value)
    kinds: dict[str, list[OntologyTerm]] = defaultdict(list)
    for entry in terms.values():
        kinds[entry.kind].append(entry)
    return {kind: sorted(entries, key=lambda e: e.term.text.lower()) for kind, entries in sorted(kinds.items())}


def search_job(text: str) -> QueryJob:
    return _job(SEARCH, q=pyoxigraph.Literal(text))


def search_view(text: str, answer: Answer, limit: int = 50) -> list[dict]:
    """Matching resources, exact label matches first, as JSON-ready dicts."""
    found: dict[str, dict] = {}
    for row in rows(answer):
        iri = row["s"]["value"]
        hit = found.setdefault(iri, {"iri": iri, "href": local_href(iri), "label": "",
                                     "matched": [], "types": []})
        if "label" in row and not hit["label"]:
            hit["label"] = row["label"]["value"]
        for key, target in (("matched", "matched"), ("type", "types")):
            if key in row:
                value = row[key]["value"] if key == "matched" else short(row[key]["value"])
                if value not in hit[target]:
                    hit[target].append(value)
    needle = text.lower()

    def rank(hit: dict) -> tuple:
        exact = any(m.lower() == needle for m in hit["matched"])
        return (not exact, (hit["label"] or hit["iri"]).lower())

    return sorted(found.values(), key=rank)[:limit]
