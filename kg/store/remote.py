"""A store backed by a remote SPARQL endpoint (`kg serve --sparql-endpoint URL`): the methods of
pyoxigraph.Store that kg.store.embedded, kg.sparql.named and kg.stats call, answered over the SPARQL 1.1
Protocol, so the workers, the policy checks and the pages work on it unchanged.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from functools import lru_cache

import httpx
import pyoxigraph as ox
from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parser import parseQuery

from kg.errors import RemoteFailed, RemoteTimedOut
from kg.rdf import has_blank_node
from kg.sparql.text import with_values

ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
"""What we ask the endpoint for; the answer's media type tells a result's kind, never the query."""
INSERT_BATCH = 20_000
"""Triples per INSERT DATA request (`kg push --update`, and writes to a remote store): Fuseki takes
bodies of a few MB comfortably; Virtuoso needs fewer (see README, `kg push --batch`)."""

def shown(url: str | httpx.URL) -> str:
    """A URL fit for messages: without user name or password.

    >>> shown("http://admin:secret@localhost:3030/ds/data?graph=x")
    'http://localhost:3030/ds/data?graph=x'
    """
    return str(httpx.URL(url).copy_with(username=None, password=None))




@lru_cache(maxsize=256)
def dataset_clause(text: str, base_iri: str | None = None) -> tuple[list[str], list[str]] | None:
    """The IRIs of a query's FROM and FROM NAMED clauses, None without any. Sent again as
    default-graph-uri/named-graph-uri (the same dataset, so the same answer), because Oxigraph
    server started with --union-default-graph ignores FROM but honours the protocol's dataset.

    >>> dataset_clause("PREFIX g: <http://g/> SELECT * FROM g:a FROM NAMED <http://b> { ?s ?p ?o }")
    (['http://g/a'], ['http://b'])
    """
    try:
        tree = parseQuery(text)
    except (ParseException, RecursionError):  # the endpoint will report it
        return None
    if "datasetClause" not in tree[1]:
        return None
    prologue = translatePrologue(tree[0], base_iri)
    found: tuple[list[str], list[str]] = ([], [])
    for clause in tree[1]["datasetClause"]:
        named = "named" in clause
        found[named].append(str(prologue.absolutize(clause["named" if named else "default"])))
    return found


class RemoteStore:
    """A SPARQL endpoint seen as a store. The endpoint's default graph must be the union of its
    named graphs (Oxigraph `--union-default-graph`, Fuseki `unionDefaultGraph`, Virtuoso's default),
    as the embedded store's is; a query naming its own dataset is sent as it is.
    """

    def __init__(self, query_url: str, update_url: str | None = None, *, timeout: float = 30.0,
                 auth: httpx.Auth | None = None) -> None:
        self.query_url = query_url
        self.update_url = update_url
        self.timeout = timeout
        self._auth = auth
        self._client: httpx.Client | None = None
        self._pid = 0

    def __repr__(self) -> str:
        return f"RemoteStore({shown(self.query_url)!r})"

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close this process's connections (a later call opens new ones)."""
        if self._client is not None and self._pid == os.getpid():
            self._client.close()
        self._client = None

    @property
    def client(self) -> httpx.Client:
        # One client per process: workers are forked, and a connection must not be shared.
        if self._client is None or self._pid != os.getpid():
            self._client = httpx.Client(timeout=self.timeout, auth=self._auth,
                                        headers={"user-agent": "deir-ez-zor-kg"})
            self._pid = os.getpid()
        return self._client

    def _post(self, url: str, data: dict | None = None, headers: dict | None = None,
              content: bytes | None = None) -> httpx.Response:
        where = shown(url)
        try:
            response = self.client.post(url, data=data, content=content, headers=headers)
        except httpx.TimeoutException:
            raise RemoteTimedOut(f"{where} did not answer within {self.timeout:g} s") from None
        except httpx.TransportError as error:
            raise RemoteFailed(f"cannot reach {where}: {error or type(error).__name__}") from None
        if response.status_code == httpx.codes.BAD_REQUEST:
            raise SyntaxError(f"{where} answered {response.status_code}: {response.text[:1000]}")
        if not response.is_success:
            raise RemoteFailed(f"{where} answered {response.status_code} {response.reason_phrase}: "
                               f"{response.text[:500]}")
        return response

    def query(self, query: str, *, base_iri: str | None = None, substitutions: dict | None = None,
              use_default_graph_as_union: bool = False, default_graph: Iterable | None = None,
              named_graphs: Iterable | None = None):
        """Like pyoxigraph.Store.query: QuerySolutions, QueryBoolean or a list of triples."""
        text = with_values(query, substitutions or {})
        if base_iri:
            text = f"BASE {ox.NamedNode(base_iri)}\n{text}"
        data: dict = {"query": text}
        if default_graph is None and named_graphs is None and not use_default_graph_as_union \
                and "from" in text.lower():
            default_graph, named_graphs = (
                [ox.NamedNode(iri) for iri in iris] for iris in dataset_clause(text) or ((), ()))
            default_graph = default_graph or None
            named_graphs = named_graphs or None
        if default_graph is not None or named_graphs is not None:
            data["default-graph-uri"] = [g.value for g in default_graph or ()]
            data["named-graph-uri"] = [g.value for g in named_graphs or ()]
        response = self._post(self.query_url, data, {"accept": ACCEPT})
        media = response.headers.get("content-type", "").split(";")[0].strip()
        results_format = ox.QueryResultsFormat.from_media_type(media)
        if results_format is not None:
            return ox.parse_query_results(response.content, format=results_format)
        rdf_format = ox.RdfFormat.from_media_type(media)
        if rdf_format is None:
            raise RemoteFailed(f"{shown(self.query_url)} answered in an unreadable format {media!r}")
        return [quad.triple for quad in ox.parse(response.content, format=rdf_format)]

    def update(self, update: str, *, base_iri: str | None = None) -> None:
        if self.update_url is None:
            raise RemoteFailed(f"no update endpoint was given for {shown(self.query_url)}")
        text = f"BASE {ox.NamedNode(base_iri)}\n{update}" if base_iri else update
        self._post(self.update_url, content=text.encode(),
                   headers={"content-type": "application/sparql-update"})

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        return bool(self.query("ASK { GRAPH ?g { } }", substitutions={ox.Variable("g"): graph}))

    def clear_graph(self, graph: ox.NamedNode | ox.DefaultGraph) -> None:
        self.update("CLEAR SILENT DEFAULT" if isinstance(graph, ox.DefaultGraph) else f"CLEAR SILENT GRAPH {graph}")

    def remove_graph(self, graph: ox.NamedNode) -> None:
        self.update(f"DROP SILENT GRAPH {graph}")

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        by_graph: dict[ox.NamedNode | ox.DefaultGraph, list[ox.Triple]] = {}
        for quad in quads:
            by_graph.setdefault(quad.graph_name, []).append(quad.triple)
        for graph, triples in by_graph.items():
            for batch in batches(triples, INSERT_BATCH):
                self.update(insert_data(graph, batch))

    def flush(self) -> None:
        """Nothing to do: the endpoint commits each update."""

    def check(self) -> None:
        """Fail early (RemoteFailed) when the endpoint does not answer a trivial query."""
        self.query("ASK { }")


def batches(triples: Iterable[ox.Triple], size: int) -> Iterable[list[ox.Triple]]:
    """The triples in lists of `size` at most, except that every triple holding a blank node is
    in the last list: a blank node's identity does not outlive the request that carries it."""
    plain: list[ox.Triple] = []
    blank: list[ox.Triple] = []
    for triple in triples:
        if has_blank_node(triple):
            blank.append(triple)
        else:
            plain.append(triple)
            if len(plain) == size:
                yield plain
                plain = []
    if plain:
        yield plain
    if blank:
        yield blank


def insert_data(graph: ox.NamedNode | ox.DefaultGraph, triples: list[ox.Triple]) -> str:
    """An update adding triples to one graph, written by pyoxigraph (N-Triples lines are valid
    SPARQL triples): INSERT DATA, or INSERT ... WHERE {} when blank nodes are among them, which
    every store takes while Virtuoso refuses blank nodes in INSERT DATA.

    >>> t = ox.Triple(ox.BlankNode("b"), ox.NamedNode("http://x/p"), ox.Literal("1"))
    >>> insert_data(ox.NamedNode("http://x/g"), [t])
    'INSERT { GRAPH <http://x/g> {\\n_:b <http://x/p> "1" .\\n} } WHERE {}'
    """
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()
    blank = any(has_blank_node(t) for t in triples)
    template = f"{{\n{body}}}" if isinstance(graph, ox.DefaultGraph) else f"{{ GRAPH {graph} {{\n{body}}} }}"
    return f"INSERT {template} WHERE {{}}" if blank else f"INSERT DATA {template}"
