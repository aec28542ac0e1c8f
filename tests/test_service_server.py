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
    with running([sys.executable, "-m", "kg.server", str(SERVICE_DATA), "--port", str(port)], url + "/health", log):
        yield url


def test_sparqlwrapper_reads_select_results(server):
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery("SELECT ?label WHERE { <%ssdf> <http://www.w3.org/2000/01/rdf-schema#label> ?label }" % DZR)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [row["label"]["value"] for row in rows] == ["Syrian Democratic Forces"]
