"""The only code that touches the triple store: opening and loading it, running queries,
updates and Graph Store writes on it. These functions run inside the worker processes; what they
cannot do they raise as a RequestError of kg.errors, never as an HTTP answer.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

import pyoxigraph

from kg import formats
from kg.errors import BadQuery, NotFound, UnsupportedMediaType
from kg.namespaces import PREFIXES
from kg.rdf import used_prefixes
from kg.sparql.text import syntax_message

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class QueryJob:
    """A query as the protocol handed it over, already checked by kg.sparql.policy."""

    text: str
    accept: str | None = None
    base_iri: str | None = None
    union_default: bool = True
    """Default graph = union of the named graphs (unless the query or protocol names one)."""
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    substitutions: tuple[tuple[str, pyoxigraph.NamedNode | pyoxigraph.Literal], ...] = ()
    """Variable name -> term bound before evaluation (SEP-0007), so pages never splice text."""


@dataclass(frozen=True)
class Answer:
    """A result written out: its bytes and their content type (a streamed graph's head has no bytes)."""

    content_type: str
    body: bytes = b""


def _dataset_arguments(job: QueryJob) -> dict:
    if job.default_graphs is None and job.named_graphs is None:
        return {"use_default_graph_as_union": job.union_default}
    # A protocol dataset replaces the query's: what it does not name is empty.
    return {
        "default_graph": [pyoxigraph.NamedNode(iri) for iri in job.default_graphs or ()],
        "named_graphs": [pyoxigraph.NamedNode(iri) for iri in job.named_graphs or ()],
    }


def _kind(result: object) -> formats.Kind:
    if isinstance(result, pyoxigraph.QueryBoolean):
        return formats.Kind.BOOLEAN
    if isinstance(result, pyoxigraph.QuerySolutions):
        return formats.Kind.SOLUTIONS
    return formats.Kind.GRAPH


def run_query(store: pyoxigraph.Store, job: QueryJob) -> Answer:
    """Evaluate a query and write its result in the negotiated format."""
    substitutions = {pyoxigraph.Variable(name): term for name, term in job.substitutions}
    try:
        result = store.query(
            job.text, base_iri=job.base_iri, substitutions=substitutions, **_dataset_arguments(job)
        )
    except SyntaxError as error:
        raise BadQuery(f"query syntax error: {syntax_message(job.text, error)}") from None
    kind = _kind(result)
    offer = formats.negotiate(kind, job.accept, result=True)
    if kind is formats.Kind.GRAPH:
        triples = list(result)
        body = pyoxigraph.serialize(triples, format=offer.oxigraph, prefixes=used_prefixes(triples))
    else:
        body = result.serialize(format=offer.oxigraph)
    return Answer(offer.content_type, body)


Write = Callable[[BinaryIO], None]
"""Writes a graph's serialization to a binary file-like object, a piece at a time."""

_UNION = "CONSTRUCT WHERE { ?s ?p ?o }"
"""The default graph: with the union as default graph, every named graph's triples."""


def plan_dump(store: pyoxigraph.Store, graph: str | None, accept: str | None) -> Answer | tuple[Answer, Write]:
    """A Graph Store GET: a named graph (`graph`) or the default graph, the union of them (None).

    For our in-memory or on-disk store, the head of the answer and a function that writes the
    graph out as it reads it, so a graph of any size streams in constant memory (a named graph
    straight from the store's index; the union through a CONSTRUCT). From a remote store, its
    CONSTRUCT's whole answer. NotFound for an unknown graph.
    """
    offer = formats.negotiate(formats.Kind.GRAPH, accept)
    node = None if graph is None else pyoxigraph.NamedNode(graph)
    if node is not None and not store.contains_named_graph(node):
        raise NotFound(f"no graph <{graph}> in this store")
    if not isinstance(store, pyoxigraph.Store):  # a remote store (kg serve --sparql-endpoint)
        if node is None:
            return run_query(store, QueryJob(_UNION, accept=accept))
        return run_query(store, QueryJob("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
                                         accept=accept, substitutions=(("g", node),)))

    def write(output: BinaryIO) -> None:
        if node is None:
            union = store.query(_UNION, use_default_graph_as_union=True)
            pyoxigraph.serialize(union, output=output, format=offer.oxigraph, prefixes=PREFIXES)
        else:
            store.dump(output=output, format=offer.oxigraph, from_graph=node, prefixes=PREFIXES)

    return Answer(offer.content_type), write


def run_update(store: pyoxigraph.Store, text: str, base_iri: str | None) -> None:
    """Apply an update checked by kg.sparql.policy, all or nothing."""
    try:
        store.update(text, base_iri=base_iri)
    except SyntaxError as error:
        raise BadQuery(f"update syntax error: {syntax_message(text, error)}") from None


def _graph(name: str | None) -> pyoxigraph.NamedNode | pyoxigraph.DefaultGraph:
    return pyoxigraph.DefaultGraph() if name is None else pyoxigraph.NamedNode(name)


def write_graph(
    store: pyoxigraph.Store, method: str, graph: str | None, data: bytes, media_type: str | None
) -> bool:
    """Graph Store Protocol writes: PUT replaces, POST adds to, DELETE removes a graph. True
    when the write created the graph."""
    target = _graph(graph)
    existed = graph is None or store.contains_named_graph(target)
    if method == "DELETE":
        if not existed:
            raise NotFound(f"no graph <{graph}>")
        store.clear_graph(target) if graph is None else store.remove_graph(target)
        return False
    rdf_format = pyoxigraph.RdfFormat.from_media_type(media_type or "")
    if rdf_format is None:
        raise UnsupportedMediaType(f"cannot read {media_type!r} as RDF")
    try:
        quads = [
            pyoxigraph.Quad(t.subject, t.predicate, t.object, target)
            for t in pyoxigraph.parse(data, format=rdf_format, base_iri=graph, without_named_graphs=True)
        ]
    except SyntaxError as error:
        raise BadQuery(f"RDF syntax error: {error}") from None
    if method == "PUT" and existed:
        store.clear_graph(target)
    store.extend(quads)
    return not existed


def flush(store: pyoxigraph.Store) -> None:
    """Make writes durable (on disk) before new workers are forked from this store."""
    store.flush()
