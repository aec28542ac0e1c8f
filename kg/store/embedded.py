"""The only code that touches the triple store: opening and loading it, running queries,
updates and Graph Store writes on it. These functions run inside the worker processes.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph

from kg import formats as conneg
from kg.namespaces import PREFIXES
from kg.sparql.text import syntax_message
from kg.store.remote import RemoteError

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
class Reply:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _text(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", message.encode())


def _remote_errors(run):
    """A remote store's failure (kg serve --sparql-endpoint) answers 502/504, not 500."""
    @functools.wraps(run)
    def guarded(*args, **kwargs) -> Reply:
        try:
            return run(*args, **kwargs)
        except RemoteError as error:
            return _text(error.status, str(error))
    return guarded


def _dataset_arguments(job: QueryJob) -> dict:
    if job.default_graphs is None and job.named_graphs is None:
        return {"use_default_graph_as_union": job.union_default}
    # A protocol dataset replaces the query's: what it does not name is empty.
    return {
        "default_graph": [pyoxigraph.NamedNode(iri) for iri in job.default_graphs or ()],
        "named_graphs": [pyoxigraph.NamedNode(iri) for iri in job.named_graphs or ()],
    }


def _kind(result: object) -> conneg.Kind:
    if isinstance(result, pyoxigraph.QueryBoolean):
        return conneg.Kind.BOOLEAN
    if isinstance(result, pyoxigraph.QuerySolutions):
        return conneg.Kind.SOLUTIONS
    return conneg.Kind.GRAPH


def used_prefixes(triples: list[pyoxigraph.Triple], limit: int = 100_000) -> dict[str, str]:
    """The project's prefixes that the triples use (all of them past `limit` triples)."""
    if len(triples) > limit:
        return PREFIXES
    iris = {term.value for t in triples for term in t if isinstance(term, pyoxigraph.NamedNode)}
    return {p: ns for p, ns in PREFIXES.items() if any(iri.startswith(ns) for iri in iris)}


@_remote_errors
def run_query(store: pyoxigraph.Store, job: QueryJob) -> Reply:
    """Evaluate a query and write its result in the negotiated format."""
    substitutions = {pyoxigraph.Variable(name): term for name, term in job.substitutions}
    try:
        result = store.query(
            job.text, base_iri=job.base_iri, substitutions=substitutions, **_dataset_arguments(job)
        )
    except SyntaxError as error:
        return _text(400, f"query syntax error: {syntax_message(job.text, error)}")
    kind = _kind(result)
    offer = conneg.choose(kind, job.accept)
    if offer is None:
        return _text(406, f"no acceptable format; this {kind.value} result is offered as: "
                          f"{conneg.offered(kind)}")
    if kind is conneg.Kind.GRAPH:
        triples = list(result)
        body = pyoxigraph.serialize(triples, format=offer.format, prefixes=used_prefixes(triples))
    else:
        body = result.serialize(format=offer.format)
    return Reply(200, offer.content_type, body)


Write = Callable[[BinaryIO], None]
"""Writes a graph's serialization to a binary file-like object, a piece at a time."""

_UNION = "CONSTRUCT WHERE { ?s ?p ?o }"
"""The default graph: with the union as default graph, every named graph's triples."""


@_remote_errors
def plan_dump(store: pyoxigraph.Store, graph: str | None, accept: str | None) -> Reply | tuple[Reply, Write]:
    """A Graph Store GET: a named graph (`graph`) or the default graph, the union of them (None).

    For our in-memory or on-disk store, the head of the answer and a function that writes the
    graph out as it reads it, so a graph of any size streams in constant memory (a named graph
    straight from the store's index; the union through a CONSTRUCT). Otherwise a whole Reply:
    an error (404 for an unknown graph, 406), or from a remote store its CONSTRUCT's answer.
    """
    offer = conneg.choose(conneg.Kind.GRAPH, accept)
    if offer is None:
        return _text(406, f"no acceptable format; graphs are offered as: {conneg.offered(conneg.Kind.GRAPH)}")
    node = None if graph is None else pyoxigraph.NamedNode(graph)
    if node is not None and not store.contains_named_graph(node):
        return _text(404, f"no graph <{graph}> in this store")
    if not isinstance(store, pyoxigraph.Store):  # a remote store (kg serve --sparql-endpoint)
        if node is None:
            return run_query(store, QueryJob(_UNION, accept=accept))
        return run_query(store, QueryJob("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
                                         accept=accept, substitutions=(("g", node),)))

    def write(output: BinaryIO) -> None:
        if node is None:
            union = store.query(_UNION, use_default_graph_as_union=True)
            pyoxigraph.serialize(union, output=output, format=offer.format, prefixes=PREFIXES)
        else:
            store.dump(output=output, format=offer.format, from_graph=node, prefixes=PREFIXES)

    return Reply(200, offer.content_type, b""), write


@_remote_errors
def run_update(store: pyoxigraph.Store, text: str, base_iri: str | None) -> Reply:
    """Apply an update checked by kg.sparql.policy, all or nothing."""
    try:
        store.update(text, base_iri=base_iri)
    except SyntaxError as error:
        return _text(400, f"update syntax error: {syntax_message(text, error)}")
    return Reply(204, "text/plain; charset=utf-8", b"")


def _graph(name: str | None) -> pyoxigraph.NamedNode | pyoxigraph.DefaultGraph:
    return pyoxigraph.DefaultGraph() if name is None else pyoxigraph.NamedNode(name)


@_remote_errors
def write_graph(
    store: pyoxigraph.Store, method: str, graph: str | None, data: bytes, media_type: str | None
) -> Reply:
    """Graph Store Protocol writes: PUT replaces, POST adds to, DELETE removes a graph."""
    target = _graph(graph)
    existed = graph is None or store.contains_named_graph(target)
    if method == "DELETE":
        if not existed:
            return _text(404, f"no graph <{graph}>")
        store.clear_graph(target) if graph is None else store.remove_graph(target)
        return Reply(204, "text/plain; charset=utf-8", b"")
    rdf_format = pyoxigraph.RdfFormat.from_media_type(media_type or "")
    if rdf_format is None:
        return _text(415, f"cannot read {media_type!r} as RDF")
    try:
        quads = [
            pyoxigraph.Quad(t.subject, t.predicate, t.object, target)
            for t in pyoxigraph.parse(data, format=rdf_format, base_iri=graph, without_named_graphs=True)
        ]
    except SyntaxError as error:
        return _text(400, f"RDF syntax error: {error}")
    if method == "PUT" and existed:
        store.clear_graph(target)
    store.extend(quads)
    return Reply(204 if existed else 201, "text/plain; charset=utf-8", b"")


def flush(store: pyoxigraph.Store) -> None:
    """Make writes durable (on disk) before new workers are forked from this store."""
    store.flush()
