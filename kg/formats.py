"""Content negotiation: which media type answers a request, decided by python-mimeparse.

Each kind of answer (solutions, boolean, graph, page) has its offers in order of preference.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

import mimeparse
import pyoxigraph


class Kind(str, Enum):
    """What a response carries; the result's type (or the route) picks one."""

    SOLUTIONS = "solutions"
    BOOLEAN = "boolean"
    GRAPH = "graph"
    PAGE = "page"
    """A page with an RDF twin: HTML for browsers, RDF for clients that ask for it."""


@dataclass(frozen=True)
class Offer:
    """A media type we can write, with the pyoxigraph format that writes it (None for HTML)."""

    media_type: str
    format: pyoxigraph.RdfFormat | pyoxigraph.QueryResultsFormat | None
    charset: bool = True

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type


_JSON = pyoxigraph.QueryResultsFormat.JSON
_XML = pyoxigraph.QueryResultsFormat.XML
_RESULTS_JSON = Offer("application/sparql-results+json", _JSON)
_RESULTS_XML = Offer("application/sparql-results+xml", _XML)
_RDF = (
    Offer("text/turtle", pyoxigraph.RdfFormat.TURTLE),
    Offer("application/n-triples", pyoxigraph.RdfFormat.N_TRIPLES),
    Offer("application/ld+json", pyoxigraph.RdfFormat.JSON_LD),
    Offer("application/rdf+xml", pyoxigraph.RdfFormat.RDF_XML),
    Offer("application/trig", pyoxigraph.RdfFormat.TRIG),
)
HTML = Offer("text/html", None)

OFFERS: dict[Kind, tuple[Offer, ...]] = {
    Kind.SOLUTIONS: (
        _RESULTS_JSON,
        _RESULTS_XML,
        Offer("text/csv", pyoxigraph.QueryResultsFormat.CSV),
        Offer("text/tab-separated-values", pyoxigraph.QueryResultsFormat.TSV),
        Offer("application/json", _JSON),
        Offer("application/xml", _XML),
    ),
    Kind.BOOLEAN: (
        _RESULTS_JSON,
        _RESULTS_XML,
        Offer("application/json", _JSON),
        Offer("application/xml", _XML),
    ),
    Kind.GRAPH: _RDF,
    Kind.PAGE: (HTML, *_RDF),
}
"""Offers per kind, most preferred first: the first one answers `*/*` or a missing Accept."""


@lru_cache(maxsize=512)  # clients repeat their Accept header; parsing it took ~15 us a query
def choose(kind: Kind, accept: str | None) -> Offer | None:
    """The offer that best satisfies `accept`, or None when nothing is acceptable (406).

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


def offered(kind: Kind) -> str:
    """The media types of a kind, for a 406 message.

    >>> offered(Kind.BOOLEAN)
    'application/sparql-results+json, application/sparql-results+xml, application/json, application/xml'
    """
    return ", ".join(offer.media_type for offer in OFFERS[kind])


def best_of(media_types: tuple[str, ...], accept: str | None) -> str | None:
    """The most acceptable of `media_types` (listed most preferred first), or None.

    >>> best_of(("text/html", "application/json"), "application/json, text/html;q=0.5")
    'application/json'
    """
    header = accept.strip() if accept and accept.strip() else "*/*"
    try:
        return mimeparse.best_match(list(reversed(media_types)), header) or None
    except mimeparse.MimeTypeParseException:
        return None
