"""`kg push`: upload the built dataset to another triple store with its named graphs kept, through
the SPARQL 1.1 Graph Store Protocol (PUT, or POST to append, on URL?graph=IRI) or SPARQL Update
(DROP SILENT GRAPH, then INSERT DATA in batches).
"""
from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass

import httpx
import pyoxigraph as ox

from kg.errors import PushError, RemoteFailed
from kg.store.remote import INSERT_BATCH, RemoteStore, batches, insert_data, shown

GSP_BATCH = 100_000
"""Triples per Graph Store request: a graph is PUT in its first batch and POSTed in the rest, so
no request body grows with the graph (and none needs chunked encoding, which not all stores read)."""
TURTLE = "text/turtle"
"""The body's media type: we send N-Triples, which is Turtle, the one format every Graph Store
implementation reads."""


class BearerAuth(httpx.Auth):
    """Authorization: Bearer TOKEN on every request."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["authorization"] = self._header
        yield request


def make_auth(user: str | None, password: str | None, token: str | None, digest: bool = False) -> httpx.Auth | None:
    """Basic (or Digest) with a user and password, Bearer with a token, else none."""
    if token:
        return BearerAuth(token)
    if user is not None:
        return (httpx.DigestAuth if digest else httpx.BasicAuth)(user, password or "")
    return None


@dataclass(frozen=True)
class Pushed:
    graph: str | None
    """The graph's IRI; None for the default graph."""
    triples: int
    requests: int


Graph = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


def graphs_in(store: ox.Store) -> list[Graph]:
    """The store's graphs that hold triples, in IRI order (the default graph first)."""
    def holds_triples(graph: Graph) -> bool:
        return next(iter(store.quads_for_pattern(None, None, None, graph)), None) is not None

    named = sorted(store.named_graphs(), key=str)
    return [g for g in [ox.DefaultGraph(), *named] if holds_triples(g)]


def triples_in(store: ox.Store, graph: Graph) -> Iterator[ox.Triple]:
    """One graph's triples, read from the store as they are sent: a push never holds more than a
    request's worth (at 1M triples it held all of them, 1.8 GB)."""
    return (quad.triple for quad in store.quads_for_pattern(None, None, None, graph))


def _check(response: httpx.Response, what: str) -> None:
    if not response.is_success:
        raise PushError(f"{what} {shown(response.request.url)} failed: {response.status_code} "
                        f"{response.reason_phrase}: {response.text[:500].strip()}")


def push_graph_store(store: ox.Store, url: str, client: httpx.Client, *, append: bool = False,
                     batch: int = GSP_BATCH) -> Iterable[Pushed]:
    """Each graph through the Graph Store Protocol: PUT replaces it (POST with `append`)."""
    for graph in graphs_in(store):
        params = {"default": ""} if isinstance(graph, ox.DefaultGraph) else {"graph": graph.value}
        requests = sent = 0
        for chunk in batches(triples_in(store, graph), batch):
            method = "POST" if append or requests else "PUT"
            body = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES)
            try:
                response = client.request(method, url, params=params, content=body,
                                          headers={"content-type": TURTLE})
            except httpx.HTTPError as error:
                raise PushError(f"{method} {shown(url)} failed: {error}") from None
            _check(response, method)
            requests += 1
            sent += len(chunk)
        yield Pushed(None if isinstance(graph, ox.DefaultGraph) else graph.value, sent, requests)


def push_update(store: ox.Store, url: str, auth: httpx.Auth | None, timeout: float, *, append: bool = False,
                batch: int = INSERT_BATCH) -> Iterable[Pushed]:
    """Each graph through SPARQL Update: DROP SILENT GRAPH (unless `append`), then INSERT DATA."""
    with RemoteStore(url, url, timeout=timeout, auth=auth) as remote:
        for graph in graphs_in(store):
            requests = sent = 0
            try:
                if not append:
                    remote.clear_graph(graph) if isinstance(graph, ox.DefaultGraph) else remote.remove_graph(graph)
                    requests += 1
                for chunk in batches(triples_in(store, graph), batch):
                    remote.update(insert_data(graph, chunk))
                    requests += 1
                    sent += len(chunk)
            except (RemoteFailed, SyntaxError) as error:
                raise PushError(f"SPARQL Update: {error}") from None
            yield Pushed(None if isinstance(graph, ox.DefaultGraph) else graph.value, sent, requests)


def push(
    store: ox.Store,
    *,
    store_url: str | None = None,
    update_url: str | None = None,
    auth: httpx.Auth | None = None,
    append: bool = False,
    timeout: float = 300.0,
    batch: int | None = None,
    report: Callable[[Pushed], None] | None = None,
) -> list[Pushed]:
    """Upload every graph of `store` to the other store, `batch` triples at most per request
    (default GSP_BATCH or INSERT_BATCH); raises PushError on the first failure."""
    if (store_url is None) == (update_url is None):
        raise ValueError("give exactly one of store_url (Graph Store Protocol) and update_url (SPARQL Update)")

    def collect(steps: Iterable[Pushed]) -> list[Pushed]:
        done = []
        for pushed in steps:
            done.append(pushed)
            if report:
                report(pushed)
        return done

    if update_url is not None:
        return collect(push_update(store, update_url, auth, timeout, append=append, batch=batch or INSERT_BATCH))
    with httpx.Client(auth=auth, timeout=timeout) as client:
        return collect(push_graph_store(store, store_url, client, append=append, batch=batch or GSP_BATCH))
