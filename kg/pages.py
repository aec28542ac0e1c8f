"""What the HTML pages show (a resource, the ontology, label search), as SPARQL run on the
workers and shaped into plain values for the templates; IRIs of ours link to our own address.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph

from kg.namespaces import BASE, DZO, PREFIXES, sparql_prologue
from kg.store import QueryJob, Reply

_PROLOGUE = sparql_prologue(["dzg", "dzo", "owl", "rdf", "rdfs", "skos"])
_EN = 'FILTER(LANG({v}) = "" || LANGMATCHES(LANG({v}), "en"))'

RESOURCE_OUT = _PROLOGUE + f"""SELECT ?r ?p ?pLabel ?o ?oLabel WHERE {{
  ?r ?p ?o .
  OPTIONAL {{ ?p rdfs:label ?pLabel {_EN.format(v="?pLabel")} }}
  OPTIONAL {{ ?o rdfs:label ?oLabel {_EN.format(v="?oLabel")} }}
}} LIMIT 5000"""

RESOURCE_IN = _PROLOGUE + f"""SELECT ?r ?s ?sLabel ?p ?pLabel WHERE {{
  ?s ?p ?r .
  OPTIONAL {{ ?p rdfs:label ?pLabel {_EN.format(v="?pLabel")} }}
  OPTIONAL {{ ?s rdfs:label ?sLabel {_EN.format(v="?sLabel")} }}
}} LIMIT 5000"""

RESOURCE_EVENTS = _PROLOGUE + f"""SELECT DISTINCT ?r ?e ?eLabel ?date WHERE {{
  ?e ?p ?r ; dzo:date ?date .
  OPTIONAL {{ ?e rdfs:label ?eLabel {_EN.format(v="?eLabel")} }}
}} ORDER BY ?date ?e LIMIT 5000"""

RESOURCE_NAMES = _PROLOGUE + """SELECT DISTINCT ?r ?name WHERE {
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


def short(iri: str) -> str:
    """A prefixed name from the project's prefix map, else the IRI.

    >>> short("https://w3id.org/deir-ez-zor-2024/ontology#Actor")
    'dzo:Actor'
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


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


def rows(reply: Reply) -> list[dict]:
    """The bindings of a SPARQL JSON results reply."""
    return json.loads(reply.body)["results"]["bindings"]


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


def resource_jobs(iri: str) -> list[QueryJob]:
    node = pyoxigraph.NamedNode(iri)
    return [_job(q, r=node) for q in (RESOURCE_OUT, RESOURCE_IN, RESOURCE_EVENTS, RESOURCE_NAMES)]


def resource_rdf_job(iri: str, accept: str | None) -> QueryJob:
    return QueryJob(RESOURCE_RDF, accept=accept, substitutions=(("r", pyoxigraph.NamedNode(iri)),))


@dataclass
class ResourceView:
    iri: str
    label: str
    kinds: list[Term]
    description: list[Term]
    facts: list[tuple[Term, list[Term]]]
    incoming: list[tuple[Term, Term]]
    events: list[tuple[Term, str]]
    sources: list[Term]
    wikidata: list[Term]
    names: list[Term] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.facts or self.incoming)


def resource_view(iri: str, replies: list[Reply]) -> ResourceView:
    outgoing, incoming, events, names = (rows(reply) for reply in replies)
    grouped: dict[Term, list[Term]] = defaultdict(list)
    for row in outgoing:
        prop, value = _term(row["p"], row.get("pLabel")), _term(row["o"], row.get("oLabel"))
        if value not in grouped[prop]:
            grouped[prop].append(value)
    by_iri = {prop.value: values for prop, values in grouped.items()}
    labels = by_iri.get(_RDFS_LABEL, [])
    english = [t.value for t in labels if t.lang in ("en", "")]
    return ResourceView(
        iri=iri,
        label=(english or [t.value for t in labels] or [short(iri)])[0],
        kinds=by_iri.get(_RDF_TYPE, []),
        description=[t for name in _DESCRIPTIONS for t in by_iri.get(name, [])],
        facts=sorted(grouped.items(), key=lambda item: item[0].text.lower()),
        incoming=sorted({(_term(r["s"], r.get("sLabel")), _term(r["p"], r.get("pLabel")))
                         for r in incoming}, key=lambda pair: (pair[1].text, pair[0].text)),
        events=[(_term(r["e"], r.get("eLabel")), r["date"]["value"]) for r in events],
        sources=by_iri.get(str(DZO.citation), []),
        wikidata=by_iri.get(str(DZO.wikidataItem), []),
        names=[_term(r["name"]) for r in names],
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


def ontology_view(replies: list[Reply]) -> dict[str, list[OntologyTerm]]:
    """Terms by kind ("Class", "ObjectProperty"...), each sorted by label."""
    terms_rows, link_rows = (rows(reply) for reply in replies)
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


def search_view(text: str, reply: Reply, limit: int = 50) -> list[dict]:
    """Matching resources, exact label matches first, as JSON-ready dicts."""
    found: dict[str, dict] = {}
    for row in rows(reply):
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
