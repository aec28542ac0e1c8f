"""The W3C Graph Store Protocol tests (indirect identification) against /rdf-graph-store.

Read from ../shared/w3c beside the clone (skipped without it). Writes are made through our
Graph Store writes on a throw-away service; multipart uploads and POST graph creation are
write-side features we do not offer, so those two tests skip.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from kg.service.app import GRAPH_STORE_PATH, create_app
from kg.settings import Settings
from tests.service_fixtures import TOKEN

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT.parent / "shared" / "w3c" / "graph-store-protocol" / "manifest-indirect.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = "http://www.w3.org/2011/http-statusCodes#"
STATUS = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}
UNSUPPORTED = {"post_get_post_get_indirect": "multipart/form-data uploads",
               "post_get_new_graph": "graph creation by POST"}
AUTH = {"authorization": f"Bearer {TOKEN}"}


def _tests() -> list:
    if not MANIFEST.is_file():
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=f"no {MANIFEST}"))]
    graph = Graph().parse(MANIFEST, format="turtle", publicID=MANIFEST.as_uri())
    params = []
    for test in Collection(graph, graph.value(URIRef(MANIFEST.as_uri()), MF.entries)):
        name = str(test).rsplit("#", 1)[-1]
        marks = [pytest.mark.skip(reason=f"needs {UNSUPPORTED[name]}")] if name in UNSUPPORTED else []
        params.append(pytest.param(graph, test, id=name, marks=marks))
    return params


@pytest.fixture(scope="module")
def service() -> Iterator[TestClient]:
    settings = Settings(allow_update=True, update_token=TOKEN)
    with TestClient(create_app(pyoxigraph.Store(), settings), base_url="http://www.example") as client:
        yield client


def _headers(graph: Graph, node) -> dict[str, str]:
    return {str(graph.value(h, HT.fieldName)).lower(): str(graph.value(h, HT.fieldValue))
            for h in Collection(graph, graph.value(node, HT.headers) or RDF.nil)}


def _body(graph: Graph, node) -> str | None:
    body = graph.value(node, HT.body)
    return None if body is None else str(graph.value(body, CNT.chars))


@pytest.mark.parametrize("graph,test", _tests())
def test_w3c_graph_store(service, graph, test):
    drop = service.post("/sparql", data={"update": "DROP ALL"}, headers=AUTH)
    assert drop.status_code == 204
    for request in Collection(graph, graph.value(graph.value(test, MF.action), HT.requests)):
        path = str(graph.value(request, HT.absolutePath)).replace("/gsp", GRAPH_STORE_PATH, 1)
        body = _body(graph, request)
        response = service.request(str(graph.value(request, HT.methodName)), path,
                                   headers={**AUTH, **_headers(graph, request)},
                                   content=None if body is None else body.encode())
        expected = graph.value(request, HT.resp)
        codes = {STATUS[str(s).removeprefix(HTS)] for s in graph.objects(expected, MF.expectedStatus)}
        assert response.status_code in codes, (path, response.status_code, response.text)
        expected_type = _headers(graph, expected).get("content-type")
        if expected_type:
            assert response.headers["content-type"].split(";")[0] == expected_type.split(";")[0]
        expected_body = _body(graph, expected)
        if expected_body is not None:
            got = Graph().parse(data=response.text, format="turtle")
            assert isomorphic(got, Graph().parse(data=expected_body, format="turtle"))
