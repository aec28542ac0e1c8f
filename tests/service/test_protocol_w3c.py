"""The W3C SPARQL 1.1 Protocol tests, read from their manifest, against a throw-away service.

The manifest lives in ../shared/w3c beside the clone; without it these tests skip. Data is
loaded by SPARQL Update (LOAD is refused here), so the service allows updates with a token.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from kg.service.app import create_app
from kg.settings import Settings
from tests.service_fixtures import TOKEN

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT.parent / "shared" / "w3c" / "protocol" / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
RESULT_TYPES = {"application/sparql-results+json", "application/sparql-results+xml",
                "text/csv", "text/tab-separated-values"}
RDF_TYPES = {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json",
             "application/trig"}


def _manifest() -> Graph | None:
    if not MANIFEST.is_file():
        return None
    return Graph().parse(MANIFEST, format="turtle", publicID=MANIFEST.as_uri())


def _tests() -> list:
    graph = _manifest()
    if graph is None:
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=f"no {MANIFEST}"))]
    entries = Collection(graph, graph.value(URIRef(MANIFEST.as_uri()), MF.entries))
    return [pytest.param(graph, test, id=str(test).rsplit("#", 1)[-1]) for test in entries]


@pytest.fixture(scope="module")
def service() -> Iterator[TestClient]:
    settings = Settings(allow_update=True, update_token=TOKEN)
    with TestClient(create_app(pyoxigraph.Store(), settings), base_url="http://www.example") as client:
        yield client


AUTH = {"authorization": f"Bearer {TOKEN}"}


def _load(service: TestClient, graph: Graph, test) -> None:
    """DROP ALL, then each ut:graphData file into the graph its label names, by INSERT DATA."""
    parts = ["DROP ALL"]
    for data in graph.objects(test, UT.graphData):
        path = Path(str(graph.value(data, UT.graph)).removeprefix("file://"))
        name = str(graph.value(data, RDFS.label))
        parts.append(f"INSERT DATA {{ GRAPH <{name}> {{ {path.read_text()} }} }}")
    response = service.post("/sparql", content=" ;\n".join(parts),
                            headers={**AUTH, "content-type": "application/sparql-update"})
    assert response.status_code == 204, response.text


def _send(service: TestClient, graph: Graph, request):
    path = str(graph.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
    headers = dict(AUTH)
    for header in Collection(graph, graph.value(request, HT.headers) or RDF.nil):
        headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
    body = graph.value(request, HT.body)
    content = None
    if body is not None:
        encoding = str(graph.value(body, CNT.characterEncoding) or "UTF-8")
        content = str(graph.value(body, CNT.chars)).encode(encoding)
    method = str(graph.value(request, HT.methodName))
    return service.request(method, path, content=content, headers=headers)


def _boolean(response) -> bool:
    kind = response.headers["content-type"].split(";")[0]
    if kind.endswith("json"):
        return json.loads(response.content)["boolean"]
    assert kind.endswith("xml"), kind
    return b"<boolean>true</boolean>" in response.content


def _check(graph: Graph, expected, response) -> None:
    classes = {str(s).removeprefix(HTS)[0] for s in graph.objects(expected, MF.expectedStatus)}
    assert str(response.status_code)[0] in classes, (response.status_code, response.text)
    kind = response.headers.get("content-type", "").split(";")[0]
    expected_format = graph.value(expected, MF.expectedFormat)
    if expected_format is not None:
        allowed = RDF_TYPES if str(expected_format) == "RDF" else RESULT_TYPES
        assert kind in allowed, kind
    expected_boolean = graph.value(expected, MF.expectedBoolean)
    if expected_boolean is not None:
        assert _boolean(response) is expected_boolean.toPython()


@pytest.mark.parametrize("graph,test", _tests())
def test_w3c_protocol(service, graph, test):
    _load(service, graph, test)
    action = graph.value(test, MF.action)
    for request in Collection(graph, graph.value(action, HT.requests)):
        response = _send(service, graph, request)
        _check(graph, graph.value(request, HT.resp), response)
