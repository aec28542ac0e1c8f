"""The one table of the formats we read and write, and content negotiation over it.

Every consumer reads FORMATS: the service's offers (by python-mimeparse), the service
description's sd:resultFormat, `kg query --format`, `kg export` and the files of dist/.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

import mimeparse
import pyoxigraph

from kg.errors import NotAcceptable

_W3C = "http://www.w3.org/ns/formats/"


class Holds(str, Enum):
    """What a format carries, as we write it."""

    GRAPH = "RDF graph"
    DATASET = "RDF dataset"
    """Named graphs kept."""
    RESULTS = "query results"
    PAGE = "HTML page"


@dataclass(frozen=True)
class Format:
    """A media type we read or write, and where each part of the project meets it."""

    media_type: str
    oxigraph: pyoxigraph.RdfFormat | pyoxigraph.QueryResultsFormat | None
    """pyoxigraph's format object that reads and writes it (None for HTML)."""
    holds: Holds
    name: str | None = None
    """What `--format` takes; None for another media type of a named format (an alias)."""
    extension: str | None = None
    iri: str | None = None
    """The W3C format IRI (http://www.w3.org/ns/formats/), for the service description."""
    booleans: bool = True
    """Query results only: whether it writes an ASK's answer (SPARQL CSV and TSV do not)."""
    served: bool = True
    """The service offers it by content negotiation."""
    queried: bool = False
    """`kg query --format` writes it."""

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"


_RESULTS = pyoxigraph.QueryResultsFormat
_RDF = pyoxigraph.RdfFormat

FORMATS: tuple[Format, ...] = (
    Format("application/sparql-results+json", _RESULTS.JSON, Holds.RESULTS, "json", ".srj",
           _W3C + "SPARQL_Results_JSON", queried=True),
    Format("application/sparql-results+xml", _RESULTS.XML, Holds.RESULTS, "xml", ".srx", _W3C + "SPARQL_Results_XML"),
    Format("text/csv", _RESULTS.CSV, Holds.RESULTS, "csv", ".csv", _W3C + "SPARQL_Results_CSV",
           booleans=False, queried=True),
    Format("text/tab-separated-values", _RESULTS.TSV, Holds.RESULTS, "tsv", ".tsv", _W3C + "SPARQL_Results_TSV",
           booleans=False, queried=True),
    Format("application/json", _RESULTS.JSON, Holds.RESULTS),
    Format("application/xml", _RESULTS.XML, Holds.RESULTS),
    Format("text/turtle", _RDF.TURTLE, Holds.GRAPH, "turtle", ".ttl", _W3C + "Turtle", queried=True),
    Format("application/n-triples", _RDF.N_TRIPLES, Holds.GRAPH, "ntriples", ".nt", _W3C + "N-Triples", queried=True),
    Format("application/ld+json", _RDF.JSON_LD, Holds.GRAPH, "jsonld", ".jsonld", _W3C + "JSON-LD"),
    Format("application/rdf+xml", _RDF.RDF_XML, Holds.GRAPH, "rdfxml", ".rdf", _W3C + "RDF_XML"),
    Format("application/trig", _RDF.TRIG, Holds.DATASET, "trig", ".trig", _W3C + "TriG"),
    Format("application/n-quads", _RDF.N_QUADS, Holds.DATASET, "nquads", ".nq", _W3C + "N-Quads", served=False),
    Format("text/html", None, Holds.PAGE),
)
"""Every format, the service's preference first: the first offer of a kind answers `*/*` or a
missing Accept header, and ties go to the earlier one."""

RDF: tuple[Format, ...] = tuple(f for f in FORMATS if f.holds in (Holds.GRAPH, Holds.DATASET))
"""The RDF formats: what `kg export` writes and RDF files are read in."""


def named(name: str) -> Format:
    """The format `--format name` means.

    >>> named("turtle").extension
    '.ttl'
    """
    return next(f for f in FORMATS if f.name == name)


class Kind(str, Enum):
    """What a response carries; the result's type (or the route) picks one."""

    SOLUTIONS = "solutions"
    BOOLEAN = "boolean"
    GRAPH = "graph"
    PAGE = "page"
    """A page with an RDF twin: HTML for browsers, RDF for clients that ask for it."""
    SEARCH = "search"
    """Label search: its page, or its hits as JSON."""


HTML: Format = next(f for f in FORMATS if f.holds is Holds.PAGE)


def _offers(kind: Kind) -> tuple[Format, ...]:
    served = [f for f in FORMATS if f.served]
    graphs = tuple(f for f in served if f in RDF)
    if kind is Kind.SOLUTIONS:
        return tuple(f for f in served if f.holds is Holds.RESULTS)
    if kind is Kind.BOOLEAN:
        return tuple(f for f in served if f.holds is Holds.RESULTS and f.booleans)
    if kind is Kind.GRAPH:
        return graphs
    if kind is Kind.PAGE:
        return (HTML, *graphs)
    return (HTML, next(f for f in served if f.media_type == "application/json"))


OFFERS: dict[Kind, tuple[Format, ...]] = {kind: _offers(kind) for kind in Kind}
"""Offers per kind, most preferred first."""


@lru_cache(maxsize=512)  # clients repeat their Accept header; parsing it took ~15 us a query
def choose(kind: Kind, accept: str | None) -> Format | None:
    """The offer that best satisfies `accept`, or None when nothing is acceptable.

    Ties go to our preference order; `q=0` excludes a type.

    >>> choose(Kind.SOLUTIONS, "*/*").media_type
    'application/sparql-results+json'
    >>> choose(Kind.SOLUTIONS, "text/*;q=0.5, application/sparql-results+xml;q=0.4").media_type
    'text/csv'
    >>> choose(Kind.GRAPH, "text/html") is None
    True
    """
    header = accept.strip() if accept and accept.strip() else "*/*"
    offers = OFFERS[kind]
    # mimeparse breaks ties in favour of the last candidate, so hand it the reversed order.
    candidates = [offer.media_type for offer in reversed(offers)]
    try:
        best = mimeparse.best_match(candidates, header)
    except mimeparse.MimeTypeParseException:
        return None
    return next((offer for offer in offers if offer.media_type == best), None)


def negotiate(kind: Kind, accept: str | None, *, result: bool = False) -> Format:
    """The offer that best satisfies `accept`; NotAcceptable, listing the offers, when none does.

    `result`: what is offered is a query's result, whose kind the client could not know
    beforehand, so the message says which it is.

    >>> negotiate(Kind.BOOLEAN, "text/csv", result=True)
    Traceback (most recent call last):
    kg.errors.NotAcceptable: no acceptable format; this boolean result is offered as: application/sparql-results+json, application/sparql-results+xml, application/json, application/xml
    """
    offer = choose(kind, accept)
    if offer is None:
        offered = ", ".join(offer.media_type for offer in OFFERS[kind])
        what = f"this {kind.value} result is offered as" if result else "offered"
        raise NotAcceptable(f"no acceptable format; {what}: {offered}")
    return offer
