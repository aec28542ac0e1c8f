"""The real server in its own process on a free port, queried with SPARQLWrapper."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from tests.service_fixtures import DZR, SERVICE_DATA


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    port = _free_port()
    log = (tmp_path_factory.mktemp("server") / "server.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "kg.server", str(SERVICE_DATA), "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"server did not start: {log.read()}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def test_sparqlwrapper_reads_select_results(server):
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery("SELECT ?label WHERE { <%ssdf> <http://www.w3.org/2000/01/rdf-schema#label> ?label }" % DZR)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [row["label"]["value"] for row in rows] == ["Syrian Democratic Forces"]
