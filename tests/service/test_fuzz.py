"""Fuzzing: schemathesis against the OpenAPI description of the JSON and HTML routes (the
content-negotiated SPARQL routes are the W3C tests' business), and property-based tests of
query parameters, Accept headers and slugs. Small example counts keep the run short.
"""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings, strategies as st
from schemathesis.checks import not_a_server_error, status_code_conformance

from tests.hardening_fixtures import start_server
from tests.service_fixtures import SERVICE_DATA

FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    process, url = start_server(SERVICE_DATA, tmp_path_factory.mktemp("fuzz") / "server.log")
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_routes_answer_no_5xx_and_only_documented_statuses(server):
    """Every operation of /openapi.json, with cases schemathesis generates from it. (Its pytest
    plugin does not run under pytest 9, so hypothesis drives each operation's strategy here.)"""
    api = schemathesis.openapi.from_url(server + "/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 5
    for operation in operations:
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy())
        def check(case) -> None:
            case.call_and_validate(base_url=server, checks=[not_a_server_error, status_code_conformance])

        check()


def test_openapi_leaves_out_the_protocol_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/sparql", "/rdf-graph-store", "/.well-known/void"}.isdisjoint(paths)
    assert {"/", "/resource/{slug}", "/search", "/health"} <= set(paths)


def test_openapi_documents_the_error_statuses_of_each_route(client):
    responses = client.get("/openapi.json").json()["paths"]["/search"]["get"]["responses"]
    assert {"200", "406", "413", "503", "504"} <= set(responses)


# --- property-based --------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)


@FEW
@given(query=TEXT)
def test_any_query_text_is_answered_without_a_server_error(client, query):
    response = client.post("/sparql", content=query.encode(), headers={"content-type": "application/sparql-query"})
    assert response.status_code in (200, 400, 403, 406, 413), (query, response.text[:300])


@FEW
@given(query=st.text(st.sampled_from("{}()[]<>?$\"'#.;,*+|^!&=: \nSELECTWHERASKFROMSERVICEa0\\u"), max_size=200))
def test_sparql_shaped_noise_is_answered_without_a_server_error(client, query):
    response = client.get("/sparql", params={"query": query})
    assert response.status_code in (200, 400, 403, 406, 413), (query, response.text[:300])


@FEW
@given(accept=st.one_of(TEXT, st.lists(st.sampled_from(
    ["text/html", "*/*", "application/json", "text/turtle;q=0.5", "application/*", "q=", ";", ",", "text/*;q=x",
     "application/sparql-results+json;q=0", "image/png", "text/html;level=1;q=0.9"]), max_size=5).map(", ".join)))
def test_any_accept_header_gets_a_format_or_406(client, accept):
    for path in ("/sparql?query=ASK%7B%7D", "/resource/sdf", "/search?q=sdf", "/ontology"):
        try:
            response = client.get(path, headers={"accept": accept})
        except (httpx.InvalidURL, httpx.LocalProtocolError, UnicodeEncodeError, ValueError):
            return  # not a header a client can send
        assert response.status_code in (200, 406), (path, accept, response.status_code)


@FEW
@given(slug=TEXT)
def test_any_slug_is_a_page_or_404(client, slug):
    response = client.get("/resource/" + quote(slug, safe=""), headers={"accept": "text/html"})
    assert response.status_code in (200, 404), (slug, response.status_code)
    if response.headers["content-type"].startswith("text/html"):
        assert "<script>alert" not in response.text


@FEW
@given(q=TEXT)
def test_any_search_text_answers_json_or_413(client, q):
    response = client.get("/search", params={"q": q}, headers={"accept": "application/json"})
    assert response.status_code in (200, 413), (q, response.status_code)
    if response.status_code == 200:
        assert response.json()["query"] == q
