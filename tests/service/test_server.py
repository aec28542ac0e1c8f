"""The real server in its own process on a free port, queried with SPARQLWrapper."""
from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from tests.servers import free_port, running
from tests.service_fixtures import DZR, SERVICE_DATA


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("server") / "server.log"
    with running([sys.executable, "-m", "kg.service.server", str(SERVICE_DATA), "--port", str(port)], url + "/health", log):
        yield url


def test_sparqlwrapper_reads_select_results(server):
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery("SELECT ?label WHERE { <%ssdf> <http://www.w3.org/2000/01/rdf-schema#label> ?label }" % DZR)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [row["label"]["value"] for row in rows] == ["Syrian Democratic Forces"]


def test_queue_wait_is_how_long_a_query_waits_for_a_busy_worker(tmp_path):
    import threading
    import time

    import httpx

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    command = [sys.executable, "-m", "kg.service.server", str(SERVICE_DATA), "--port", str(port), "--workers", "1",
               "--queue-wait", "0.3", "--query-timeout", "5"]
    # A cross product that outlives the deadline: the one worker is busy until it is stopped.
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
    with running(command, url + "/health", log):
        assert "1 workers, 5s timeout, 0.3s queue wait" in log.read_text()
        busy = threading.Thread(target=httpx.post, args=(url + "/sparql",),
                                kwargs={"data": {"query": endless}, "timeout": 30})
        busy.start()
        time.sleep(0.5)  # the worker has it by now
        started = time.monotonic()
        refused = httpx.get(url + "/sparql", params={"query": "ASK {}"}, timeout=30)
        waited = time.monotonic() - started
        busy.join()
    assert refused.status_code == 503 and refused.headers["retry-after"] == "2"
    assert waited < 1.5, f"waited {waited:.1f} s: the default 2 s, not --queue-wait 0.3"


def test_a_queue_wait_that_is_not_positive_is_refused_by_name():
    import subprocess

    done = subprocess.run([sys.executable, "-m", "kg.service.server", str(SERVICE_DATA), "--queue-wait", "0"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "queue-wait must be positive" in done.stderr


@pytest.mark.parametrize("path,accept", [("/resource/sdf", "text/html"), ("/resource/sdf", "text/turtle"),
                                         ("/", "text/html"), ("/ontology", "text/turtle"),
                                         ("/.well-known/void", "text/turtle"), ("/health", "application/json")])
def test_head_answers_what_get_would_without_the_body(server, path, accept):
    import httpx

    with httpx.Client(base_url=server, timeout=30) as client:
        get, head = client.get(path, headers={"accept": accept}), client.head(path, headers={"accept": accept})
    assert get.status_code == 200 and head.status_code == 200, (path, head.status_code)
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers.get("content-length") == get.headers.get("content-length")
