"""kg.store.remote against a real Oxigraph server started on 127.0.0.1: the store-like methods the
service and the CLI call give what the embedded store gives. The server helpers here are shared
by tests/service/test_remote_store.py and tests/store/test_push.py.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.sparql import named as queries
from kg.errors import RemoteFailed
from kg.service.statuses import status_of
from kg.store.remote import RemoteStore
from kg.stats import stats_text
from tests.conftest import ROOT
from tests.servers import free_port, running
from tests.service_fixtures import DZR, SERVICE_DATA

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
"""The Oxigraph server CLI (`pip install oxigraph`, in the test extras)."""


@contextmanager
def oxigraph_server(location: Path, load: Path | None = None) -> Iterator[str]:
    """`oxigraph serve` (read-write, union default graph) on a free port; yields its base URL."""
    if load is not None:
        subprocess.run([OXIGRAPH, "load", "--location", str(location), "--file", str(load)],
                       check=True, capture_output=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
               "--union-default-graph"]
    with running(command, url + "/", location.parent / f"oxigraph-{port}.log"):
        yield url


@pytest.fixture(scope="module")
def service_endpoint(tmp_path_factory) -> Iterator[str]:
    """Oxigraph holding tests/data/service, loaded by its own CLI (not by our push)."""
    with oxigraph_server(tmp_path_factory.mktemp("oxi") / "db", SERVICE_DATA / "dataset.nq") as url:
        yield url


@pytest.fixture(scope="module")
def build_endpoint(tmp_path_factory, dist) -> Iterator[str]:
    """Oxigraph holding the article build's dataset.nq."""
    with oxigraph_server(tmp_path_factory.mktemp("oxi") / "db", dist / "dataset.nq") as url:
        yield url


def as_set(solutions) -> set[tuple]:
    table = queries.table(solutions)
    return {tuple(term for term in row) for row in table.rows}


EXAMPLES = {
    "controller-on-date": {"place": "dzr:deir-ez-zor", "day": "2024-12-08"},
}


def parameters(query: queries.NamedQuery) -> dict[str, str]:
    """Values for a named query's parameters: known examples, else a resource of the article."""
    values = {}
    for p in query.parameters:
        example = EXAMPLES.get(query.name, {}).get(p.name)
        values[p.name] = example or {"iri": "dzr:syrian-democratic-forces", "date": "2024-12-08",
                                     "integer": "10", "string": "deir"}[p.kind]
    return values


@pytest.mark.parametrize("query", [q for q in queries.list_queries(ROOT) if not q.needs_network],
                         ids=lambda q: q.name)
def test_named_query_gives_the_same_rows_remotely(store, build_endpoint, query):
    values = parameters(query)
    expected = as_set(queries.run(store, query, values))
    with RemoteStore(build_endpoint + "/query") as remote:
        assert as_set(queries.run(remote, query, values)) == expected


def test_stats_are_the_same_remotely(store, build_endpoint):
    with RemoteStore(build_endpoint + "/query") as remote:
        assert stats_text(remote) == stats_text(store)


def test_substitution_binds_before_filters(service_endpoint):
    query = "SELECT ?s ?q WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(CONTAINS(?l, ?q)) }"
    with RemoteStore(service_endpoint + "/query") as remote:
        rows = remote.query(query, substitutions={ox.Variable("q"): ox.Literal("Democratic")})
        assert {row["s"].value for row in rows} == {DZR + "sdf"}


def test_construct_comes_back_as_triples(service_endpoint):
    query = "CONSTRUCT WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    with RemoteStore(service_endpoint + "/query") as remote:
        result = remote.query(query, substitutions={ox.Variable("s"): ox.NamedNode(DZR + "sdf")})
    assert result == [ox.Triple(ox.NamedNode(DZR + "sdf"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                                ox.Literal("Syrian Democratic Forces", language="en"))]


def test_remote_syntax_error_is_a_syntax_error(service_endpoint):
    with RemoteStore(service_endpoint + "/query") as remote, pytest.raises(SyntaxError, match="answered 400"):
        remote.query("SELECT * WHERE {")


def test_unreachable_endpoint_is_a_502_naming_it():
    url = f"http://127.0.0.1:{free_port()}/query"
    with RemoteStore(url) as remote, pytest.raises(RemoteFailed, match=f"cannot reach {url}") as raised:
        remote.query("ASK {}")
    assert status_of(raised.value) == 502


def test_error_status_is_a_502_naming_url_and_status(service_endpoint):
    url = service_endpoint + "/no-such-path"
    with RemoteStore(url) as remote, pytest.raises(RemoteFailed, match=f"{url} answered 404") as raised:
        remote.query("ASK {}")
    assert status_of(raised.value) == 502
