"""Serialising the dataset through rdflib and pyoxigraph, deterministically: canonical blank-node
labels (RDFC-1.0), sorted input, our prefixes.
"""
from __future__ import annotations

import io
import json
from collections.abc import Iterable

import pyoxigraph as ox
import rdflib

from kg.errors import UsageError
from kg.formats import RDF, Format, Holds
from kg.namespaces import DZG, GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, PREFIXES
from kg.rdf import has_blank_node, to_rdflib

GRAPHS = {
    "asserted": GRAPH_ASSERTED,
    "inferred": GRAPH_INFERRED,
    "ontology": GRAPH_ONTOLOGY,
    "wikidata-labels": DZG["wikidata-labels"],
}
"""The selectable named graphs of the build, by the name `--graph` takes."""

FORMATS: dict[str, Format] = {f.name: f for f in RDF}
"""The formats `kg export` writes, by the name `--format` takes: the RDF formats of kg.formats."""


def canonical_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads with RDFC-1.0 blank-node labels, sorted: the same input gives the same list.

    Only the quads that hold a blank node are canonicalised: RDFC-1.0 labels a blank node from
    the quads that mention it, so the others cannot change a label (and at 2M quads they cost
    25 s). The order is by graph name, then by each quad's N-Quads text, which orders as
    (subject, predicate, object) terms do: a term's text is a prefix of another's only when a
    space (the separator) meets a character above it.
    """
    quads = set(quads)
    blank = [q for q in quads if has_blank_node(q)]
    if blank:
        dataset = ox.Dataset(blank)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        quads.difference_update(blank)
        quads.update(dataset)
    graphs: dict[str, list[ox.Quad]] = {}
    for q in quads:
        graphs.setdefault(str(q.graph_name), []).append(q)
    ordered: list[ox.Quad] = []
    for name in sorted(graphs):
        ordered.extend(sorted(graphs[name], key=str))
    return ordered


def _rdflib_graph(triples: list[ox.Triple]) -> rdflib.Graph:
    g = rdflib.Graph(bind_namespaces="none")
    for prefix, ns in sorted(PREFIXES.items()):
        g.bind(prefix, rdflib.Namespace(ns), override=True, replace=True)
    for t in triples:
        g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return g


def _jsonld(triples: list[ox.Triple]) -> bytes:
    """Compact JSON-LD with our prefixes as context; nodes sorted by @id (rdflib does not)."""
    text = _rdflib_graph(triples).serialize(format="json-ld", context=dict(sorted(PREFIXES.items())), auto_compact=True)
    doc = json.loads(text)
    if isinstance(doc.get("@graph"), list):
        doc["@graph"].sort(key=lambda node: json.dumps(node, sort_keys=True))
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


JSONLD_COMPACT_LIMIT = 200_000
"""Up to this many triples JSON-LD is compacted with our prefixes (rdflib); above, rdflib takes
minutes, so pyoxigraph writes it expanded."""


def serialize(quads: Iterable[ox.Quad], fmt: str, *, canonical: bool = False) -> bytes:
    """The quads in one of FORMATS; graph names are kept by nquads and trig and dropped by the rest.

    `canonical=True` says the quads already come from canonical_quads (the build canonicalises
    once for all its files).

    >>> q = ox.Quad(ox.NamedNode("http://ex/a"), ox.NamedNode("http://ex/p"), ox.Literal("x"), ox.NamedNode("http://ex/g"))
    >>> serialize([q], "ntriples")
    b'<http://ex/a> <http://ex/p> "x" .\\n'
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    written = FORMATS[fmt]
    ordered = list(quads) if canonical else canonical_quads(quads)
    # Line-based formats (N-Quads, N-Triples) take no prefixes: pyoxigraph leaves them out.
    if written.holds is Holds.DATASET:
        return ox.serialize(ordered, format=written.oxigraph, prefixes=PREFIXES)
    if canonical and len({q.graph_name for q in ordered}) <= 1:
        # One graph's slice of canonical quads: already unique and in (s, p, o) order.
        triples = [q.triple for q in ordered]
    else:
        triples = sorted({q.triple for q in ordered}, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    if written.oxigraph == ox.RdfFormat.JSON_LD:
        if len(triples) <= JSONLD_COMPACT_LIMIT:
            return _jsonld(triples)
        return ox.serialize(triples, format=ox.RdfFormat.JSON_LD)
    return ox.serialize(triples, format=written.oxigraph, prefixes=PREFIXES)


def select(quads: Iterable[ox.Quad], graph: str) -> list[ox.Quad]:
    """The quads of one named graph of the build (by name), or all of them for 'all'."""
    if graph == "all":
        return list(quads)
    if graph not in GRAPHS:
        raise UsageError(f"unknown graph {graph!r}; choose one of: {', '.join([*GRAPHS, 'all'])}")
    wanted = ox.NamedNode(str(GRAPHS[graph]))
    return [q for q in quads if q.graph_name == wanted]


def quads_of(triples: Iterable[ox.Triple], graph_iri: str) -> list[ox.Quad]:
    """Triples placed in the named graph `graph_iri`."""
    g = ox.NamedNode(str(graph_iri))
    return [ox.Quad(t.subject, t.predicate, t.object, g) for t in triples]


def read_nquads(data: bytes) -> list[ox.Quad]:
    """Quads of an N-Quads document (the build's dataset.nq)."""
    return list(ox.parse(io.BytesIO(data), format=ox.RdfFormat.N_QUADS))
