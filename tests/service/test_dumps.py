"""Graph Store GETs stream: a graph of any size goes out whole, in constant memory, past the cap
on query results; a stream past the deadline is cut off; a client that leaves mid-stream gets its
worker retired. The last two run the real server on 127.0.0.1 over a generated file."""
from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph
import pytest

from tests.servers import free_port, running
from tests.service_fixtures import SERVICE_DATA, app_client
from kg.settings import Settings
from kg.store.datasets import open_store

GRAPH = "https://w3id.org/deir-ez-zor-2024/graph/"
CAP = 1024
"""A result cap the tiny dataset's graphs are far above."""


def triples(content: bytes, rdf_format: pyoxigraph.RdfFormat) -> set[pyoxigraph.Triple]:
    return {pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in pyoxigraph.parse(content, format=rdf_format)}


def in_store(graph: str | None) -> set[pyoxigraph.Triple]:
    store = open_store(SERVICE_DATA)
    node = None if graph is None else pyoxigraph.NamedNode(graph)
    return {pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, node)}


@pytest.fixture(scope="module")
def capped():
    with app_client(Settings(max_result_bytes=CAP)) as client:
        yield client


@pytest.mark.parametrize("media_type,rdf_format", [
    ("application/n-triples", pyoxigraph.RdfFormat.N_TRIPLES),
    ("text/turtle", pyoxigraph.RdfFormat.TURTLE),
    ("application/ld+json", pyoxigraph.RdfFormat.JSON_LD),
])
def test_a_named_graph_larger_than_the_result_cap_streams_whole(capped, media_type, rdf_format):
    response = capped.get("/rdf-graph-store", params={"graph": GRAPH + "asserted"}, headers={"accept": media_type})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media_type)
    assert len(response.content) > CAP
    assert triples(response.content, rdf_format) == in_store(GRAPH + "asserted")


def test_the_default_graph_streams_as_the_union_of_the_named_graphs(capped):
    response = capped.get("/rdf-graph-store?default", headers={"accept": "text/turtle"})
    assert response.status_code == 200, response.text
    assert triples(response.content, pyoxigraph.RdfFormat.TURTLE) == in_store(None)


def test_a_query_for_the_same_graph_is_still_held_to_the_cap(capped):
    response = capped.post("/sparql", data={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"accept": "text/turtle"})
    assert response.status_code == 413
    assert "GET /rdf-graph-store?graph=IRI or ?default" in response.text  # where the whole graph is


def test_head_of_a_streamed_graph_has_its_type_and_no_length(capped):
    response = capped.head("/rdf-graph-store", params={"graph": GRAPH + "asserted"}, headers={"accept": "text/turtle"})
    assert response.status_code == 200 and response.content == b""
    assert response.headers["content-type"].startswith("text/turtle")
    assert "content-length" not in response.headers


def test_an_unknown_graph_is_still_404(capped):
    response = capped.get("/rdf-graph-store", params={"graph": GRAPH + "nothing"})
    assert response.status_code == 404 and "no graph" in response.text


# --- the real server over a graph that takes a while to write out ----------------------------

BIG = 400_000
"""Triples of the generated file: writing their union out takes about a second here."""


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("dumps") / "big.nt"
    with path.open("w") as out:
        for i in range(BIG):
            out.write(f'<http://example.org/s{i}> <http://example.org/p> "value {i}" .\n')
    return path


def serve(big_file: Path, log: Path, *args: str):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "kg.service.server", str(SERVICE_DATA), "--port", str(port),
               "--no-build-data", "--load", str(big_file), *args]
    return running(command, url + "/health", log), url


def idle_workers(url: str) -> int:
    return httpx.get(url + "/health").json()["idle_workers"]


def wait_until_all_workers_are_idle(url: str, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if idle_workers(url) == 2:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def patient(big_file, tmp_path_factory) -> Iterator[str]:
    server, url = serve(big_file, tmp_path_factory.mktemp("patient") / "server.log", "--query-timeout", "60")
    with server:
        yield url


@pytest.fixture(scope="module")
def hasty(big_file, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    log = tmp_path_factory.mktemp("hasty") / "server.log"
    server, url = serve(big_file, log, "--query-timeout", "0.2")
    with server:
        yield url, log


def test_the_whole_union_streams_from_the_real_server(patient):
    with httpx.stream("GET", patient + "/rdf-graph-store?default", headers={"accept": "application/n-triples"}, timeout=60) as response:
        assert response.status_code == 200
        assert "content-length" not in response.headers
        body = b"".join(response.iter_bytes())
    assert body.count(b"\n") == BIG


def test_a_client_leaving_mid_stream_gets_its_worker_retired(patient):
    assert wait_until_all_workers_are_idle(patient)
    with httpx.stream("GET", patient + "/rdf-graph-store?default", headers={"accept": "application/n-triples"}, timeout=60) as response:
        assert response.status_code == 200
        chunks = response.iter_raw()
        next(chunks)  # one worker is writing the rest, 24 MB, far more than any buffer holds
        # Leaving the block closes the connection mid-stream.
    # The worker was blocked writing what nobody reads: only retiring it frees it (the deadline is a minute away).
    assert wait_until_all_workers_are_idle(patient)
    answer = httpx.post(patient + "/sparql", data={"query": "ASK { ?s ?p ?o }"}, headers={"accept": "application/sparql-results+json"})
    assert answer.json()["boolean"] is True


def test_a_stream_past_the_deadline_is_cut_off_and_its_worker_replaced(hasty):
    url, log = hasty
    with httpx.stream("GET", url + "/rdf-graph-store?default", headers={"accept": "application/n-triples"}, timeout=60) as response:
        assert response.status_code == 200
        with pytest.raises(httpx.RemoteProtocolError):
            for _ in response.iter_bytes():
                pass
    assert wait_until_all_workers_are_idle(url)
    text = log.read_text()
    assert "cut off GET /rdf-graph-store: query exceeded the time limit of 0.2 s" in text
    assert "Traceback" not in text


@pytest.fixture(scope="module")
def three_seconds(big_file, tmp_path_factory) -> Iterator[str]:
    server, url = serve(big_file, tmp_path_factory.mktemp("three") / "server.log", "--query-timeout", "3")
    with server:
        yield url


def test_a_client_that_stops_reading_holds_its_worker_no_longer_than_the_deadline(three_seconds):
    url = three_seconds
    assert wait_until_all_workers_are_idle(url)
    with httpx.stream("GET", url + "/rdf-graph-store?default", headers={"accept": "application/n-triples"}, timeout=60) as response:
        assert response.status_code == 200
        started = time.monotonic()
        chunks = response.iter_raw()  # kept: a dropped httpx iterator closes the response
        next(chunks)
        # Still connected, reading nothing: within a second the buffers between us are full and
        # the server waits on the client, not on the worker; at the deadline the worker goes.
        assert wait_until_all_workers_are_idle(url, seconds=10)
        assert time.monotonic() - started > 2
