"""`kg push` into a real Oxigraph server on 127.0.0.1 (Graph Store Protocol and SPARQL Update),
and into our own service for the bearer token: named graphs kept, graphs replaced or appended,
the named queries answer alike, and failures name URL and status without the password."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from kg.errors import PushError
from kg.store import push
from kg.sparql import named as queries
from kg.store.remote import RemoteStore
from tests.conftest import ROOT
from tests.service_fixtures import SERVICE_DATA
from tests.servers import free_port, running
from tests.store.test_remote import as_set, oxigraph_server, parameters

ASSERTED = "https://w3id.org/deir-ez-zor-2024/graph/asserted"
ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture()
def oxigraph(tmp_path) -> Iterator[str]:
    """An empty Oxigraph server."""
    with oxigraph_server(tmp_path / "db") as url:
        yield url


def dataset_of(url: str) -> ox.Dataset:
    with RemoteStore(url + "/query") as remote:
        return ox.Dataset(ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in remote.query(ALL_QUADS))


def canonical(quads) -> ox.Dataset:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def kg(*args, env=None):
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=300)


def test_graph_store_push_keeps_every_named_graph(store, oxigraph):
    push.push(store, store_url=oxigraph + "/store")
    assert canonical(dataset_of(oxigraph)) == canonical(store)


def test_update_push_keeps_every_named_graph(store, oxigraph):
    push.push(store, update_url=oxigraph + "/update")
    assert canonical(dataset_of(oxigraph)) == canonical(store)


@pytest.mark.parametrize("query", [q for q in queries.list_queries(ROOT) if not q.needs_network],
                         ids=lambda q: q.name)
def test_named_queries_answer_alike_after_push(store, pushed, query):
    values = parameters(query)
    with RemoteStore(pushed + "/query") as remote:
        assert as_set(queries.run(remote, query, values)) == as_set(queries.run(store, query, values))


@pytest.fixture(scope="module")
def pushed(store, tmp_path_factory) -> Iterator[str]:
    with oxigraph_server(tmp_path_factory.mktemp("oxi") / "db") as url:
        push.push(store, store_url=url + "/store")
        yield url


def _stray(url: str) -> ox.Quad:
    quad = ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                   ox.Literal("stray"), ox.NamedNode(ASSERTED))
    with RemoteStore(url + "/query", url + "/update") as remote:
        remote.extend([quad])
    return quad


@pytest.mark.parametrize("mode", ["store", "update"])
def test_push_replaces_graphs(store, oxigraph, mode):
    stray = _stray(oxigraph)
    push.push(store, **{f"{mode}_url": oxigraph + ("/store" if mode == "store" else "/update")})
    assert stray not in dataset_of(oxigraph)
    assert len(dataset_of(oxigraph)) == len(store)


@pytest.mark.parametrize("mode", ["store", "update"])
def test_push_with_append_adds_to_graphs(store, oxigraph, mode):
    stray = _stray(oxigraph)
    push.push(store, append=True, **{f"{mode}_url": oxigraph + ("/store" if mode == "store" else "/update")})
    assert stray in dataset_of(oxigraph)


def test_cli_push_reports_each_graph(dist, oxigraph):
    result = kg("--dist", str(dist), "push", "--store", oxigraph + "/store")
    assert result.returncode == 0, result.stderr
    assert f"<{ASSERTED}>: " in result.stderr and "pushed " in result.stderr


def test_failure_names_url_and_status_but_never_the_password(dist, oxigraph):
    url = oxigraph + "/no-such-endpoint"
    result = kg("--dist", str(dist), "push", "--store", url, "--user", "admin", "--password", "hunter2")
    assert result.returncode == 1
    assert url in result.stderr and "404" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout


def test_password_in_the_url_is_not_shown(dist):
    port = free_port()
    result = kg("--dist", str(dist), "push", "--update", f"http://admin:hunter2@127.0.0.1:{port}/update")
    assert result.returncode == 1
    assert f"http://127.0.0.1:{port}/update" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout


@pytest.fixture()
def our_service(tmp_path) -> Iterator[str]:
    """Our own server with Graph Store writes behind a bearer token."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "kg.service.server", str(SERVICE_DATA), "--port", str(port),
               "--allow-update", "--update-token", "t0ken"]
    with running(command, url + "/health", tmp_path / "server.log"):
        yield url + "/rdf-graph-store"


def test_bearer_token_is_sent(store, our_service):
    done = push.push(store, store_url=our_service, auth=push.make_auth(None, None, "t0ken"))
    assert {d.graph for d in done} == {g.value for g in store.named_graphs()}


def test_missing_token_is_a_401_naming_the_url(store, our_service):
    with pytest.raises(PushError, match=f"PUT {our_service}.* failed: 401"):
        push.push(store, store_url=our_service)
