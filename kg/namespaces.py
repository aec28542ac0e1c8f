"""The one prefix map of the project: every namespace IRI used in Python comes from here.

Turtle and .rq files declare their own PREFIX lines; tests/test_namespaces.py checks they agree.
"""
from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/deir-ez-zor-2024/"

DZO = Namespace(BASE + "ontology#")
"""Terms: classes, properties and concept-scheme members of our ontology."""
DZR = Namespace(BASE + "resource/")
"""Resources: actors, places, events, relations, references."""
DZS = Namespace(BASE + "shapes#")
"""SHACL shapes."""
DZG = Namespace(BASE + "graph/")
"""Names of the named graphs of the built dataset."""

ONTOLOGY_IRI = BASE + "ontology"
GRAPH_ASSERTED = DZG["asserted"]
GRAPH_INFERRED = DZG["inferred"]
GRAPH_ONTOLOGY = DZG["ontology"]

SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
SH = Namespace("http://www.w3.org/ns/shacl#")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
GN = Namespace("https://sws.geonames.org/")
WOF = Namespace("https://spelunker.whosonfirst.org/id/")
"""Who's On First records, by number (the gazetteer's own page for each)."""
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
OA = Namespace("http://www.w3.org/ns/oa#")
"""Web Annotation: where in an article's text a drafted fact was read (character offsets)."""
PROF = Namespace("http://www.w3.org/ns/dx/prof/")
"""Profiles Vocabulary: the draft profile of our shapes."""

PREFIXES: dict[str, str] = {
    "dzo": str(DZO),
    "dzr": str(DZR),
    "dzs": str(DZS),
    "dzg": str(DZG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "sem": str(SEM),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "geo": str(GEO),
    "sh": str(SH),
    "wd": str(WD),
    "wdt": str(WDT),
    "gn": str(GN),
    "wof": str(WOF),
    "void": str(VOID),
    "sd": str(SD),
    "oa": str(OA),
    "prof": str(PROF),
}
"""Prefix -> namespace IRI, shared by serialisers, the query page and the CLI."""


def sparql_prologue(names: list[str] | None = None) -> str:
    """PREFIX lines for the given prefixes (all of them by default).

    >>> sparql_prologue(["dzo"])
    'PREFIX dzo: <https://w3id.org/deir-ez-zor-2024/ontology#>\\n'
    """
    chosen = names if names is not None else sorted(PREFIXES)
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in chosen)


def short(iri: str) -> str:
    """A prefixed name from the project's prefix map, else the IRI.

    >>> short("https://w3id.org/deir-ez-zor-2024/ontology#Actor")
    'dzo:Actor'
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri
