"""The SPARQL service description (sd:) and the VoID description of the dataset, as RDF triples."""
from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg.formats import FORMATS
from kg.namespaces import BASE, GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, PREFIXES, SD, VOID
from kg.settings import Settings

_RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
_XSD_INTEGER = NamedNode(PREFIXES["xsd"] + "integer")
_DCTERMS_TITLE = NamedNode(PREFIXES["dcterms"] + "title")
GRAPHS = (GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY)
RESULT_FORMATS = tuple(f.iri for f in FORMATS if f.served and f.iri)
"""The W3C IRIs of the formats the service answers in (sd:resultFormat)."""

COUNTS = "SELECT ?g (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
"""Triples per named graph, for VoID."""


def _n(iri: object) -> NamedNode:
    return NamedNode(str(iri))


def service_description(endpoint: str, settings: Settings) -> list[Triple]:
    """sd: triples for the endpoint at `endpoint` (its absolute URL)."""
    service, dataset, default = NamedNode(endpoint), BlankNode(), BlankNode()
    triples = [
        Triple(service, _RDF_TYPE, _n(SD.Service)),
        Triple(service, _n(SD.endpoint), service),
        Triple(service, _n(SD.supportedLanguage), _n(SD.SPARQL11Query)),
        Triple(service, _n(SD.feature), _n(SD.UnionDefaultGraph)),
        Triple(service, _n(SD.defaultDataset), dataset),
        Triple(dataset, _RDF_TYPE, _n(SD.Dataset)),
        Triple(dataset, _n(SD.defaultGraph), default),
        Triple(default, _RDF_TYPE, _n(SD.Graph)),
    ]
    if settings.allow_update:
        triples.append(Triple(service, _n(SD.supportedLanguage), _n(SD.SPARQL11Update)))
    triples += [Triple(service, _n(SD.resultFormat), NamedNode(f)) for f in RESULT_FORMATS]
    for graph in GRAPHS:
        named = BlankNode()
        triples += [
            Triple(dataset, _n(SD.namedGraph), named),
            Triple(named, _RDF_TYPE, _n(SD.NamedGraph)),
            Triple(named, _n(SD.name), _n(graph)),
        ]
    return triples


def void(site: str, counts: dict[str, int]) -> list[Triple]:
    """VoID triples for the dataset; `site` is our base URL, `counts` triples per graph IRI."""
    dataset = NamedNode(BASE + "dataset")
    triples = [
        Triple(dataset, _RDF_TYPE, _n(VOID.Dataset)),
        Triple(dataset, _DCTERMS_TITLE, Literal("Deir ez-Zor 2024 knowledge graph", language="en")),
        Triple(dataset, _n(VOID.sparqlEndpoint), NamedNode(site + "sparql")),
        Triple(dataset, _n(VOID.uriSpace), Literal(BASE + "resource/")),
        Triple(dataset, _n(VOID.vocabulary), NamedNode(BASE + "ontology#")),
        Triple(dataset, _n(VOID.triples), Literal(str(sum(counts.values())), datatype=_XSD_INTEGER)),
    ]
    for graph in GRAPHS:
        subset = _n(graph)
        triples += [
            Triple(dataset, _n(VOID.subset), subset),
            Triple(subset, _RDF_TYPE, _n(VOID.Dataset)),
            Triple(subset, _n(VOID.triples), Literal(str(counts.get(str(graph), 0)), datatype=_XSD_INTEGER)),
            Triple(subset, _n(VOID.dataDump), NamedNode(f"{site}rdf-graph-store?graph={graph}")),
        ]
    return triples
