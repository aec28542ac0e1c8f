"""Reading RDF files with located errors, moving terms between pyoxigraph and rdflib, and the
prefixes a serialization declares."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import rdflib

from kg.errors import ParseError
from kg.formats import RDF
from kg.namespaces import PREFIXES

_FORMATS = {f.extension: f.oxigraph for f in RDF} | {".owl": ox.RdfFormat.RDF_XML}
"""File extension -> RDF format: those of kg.formats, and .owl, which ontologies use for RDF/XML."""


def format_for(path: Path) -> ox.RdfFormat:
    """The RDF format of a file, from its extension."""
    try:
        return _FORMATS[path.suffix.lower()]
    except KeyError:
        raise ParseError(str(path), None, None, f"unknown RDF file extension {path.suffix!r}") from None


def read_quads(path: Path, display: str | None = None) -> list[ox.Quad]:
    """All quads of one file; a syntax error becomes a ParseError naming file, line and column."""
    shown = display or str(path)
    try:
        return list(ox.parse(path=str(path), format=format_for(path)))
    except SyntaxError as e:
        raise ParseError(shown, e.lineno, e.offset, e.msg) from None
    except (OSError, ValueError) as e:
        raise ParseError(shown, None, None, str(e)) from None


def has_blank_node(statement: ox.Triple | ox.Quad) -> bool:
    """True when the subject or the object of a triple or quad is a blank node."""
    return isinstance(statement.subject, ox.BlankNode) or isinstance(statement.object, ox.BlankNode)


def to_rdflib(term):
    """A pyoxigraph term as the equal rdflib term."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    if isinstance(term, ox.DefaultGraph):
        return None
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term):
    """An rdflib term as the equal pyoxigraph term."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = term.datatype or rdflib.XSD.string
        return ox.Literal(str(term), datatype=ox.NamedNode(str(datatype)))
    raise TypeError(f"unsupported term {term!r}")


def to_graph(triples) -> rdflib.Graph:
    """An rdflib Graph of pyoxigraph triples or quads (graph names dropped)."""
    g = rdflib.Graph()
    for t in triples:
        g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return g


def graph_triples(graph: rdflib.Graph) -> list[ox.Triple]:
    """The triples of an rdflib Graph as pyoxigraph triples."""
    return [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph]


def used_prefixes(triples: list[ox.Triple], limit: int = 100_000) -> dict[str, str]:
    """The project's prefixes that the triples use (all of them past `limit` triples)."""
    if len(triples) > limit:
        return PREFIXES
    iris = {term.value for t in triples for term in t if isinstance(term, ox.NamedNode)}
    return {p: ns for p, ns in PREFIXES.items() if any(iri.startswith(ns) for iri in iris)}
