"""Security: no local file is read and no outside host contacted because of a query, writes need
--allow-update and the token, pages escape what they show, and hostile query text gets 400/413.
"""
from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator
from urllib.parse import quote

import pyoxigraph
import pytest
from fastapi.testclient import TestClient

from kg.service.app import create_app
from kg.settings import Settings
from kg.store.datasets import open_store
from tests.hardening_fixtures import Listener
from tests.service_fixtures import DZR, SERVICE_DATA, TOKEN, app_client

BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
AUTH = {"authorization": f"Bearer {TOKEN}"}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def triple_count(client: TestClient) -> int:
    response = client.get("/sparql", params={"query": COUNT}, headers={"accept": "application/sparql-results+json"})
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def canary(tmp_path_factory) -> tuple[str, str]:
    """A local file of valid Turtle holding a random marker: (its file: IRI, the marker)."""
    marker = "canary-" + secrets.token_hex(16)
    path = tmp_path_factory.mktemp("canary") / "canary.ttl"
    path.write_text(f'<urn:canary:s> <urn:canary:p> "{marker}" .\n')
    return path.as_uri(), marker


def _query_vectors(iri: str) -> list[dict]:
    return [
        {"query": f"SELECT * FROM <{iri}> WHERE {{ ?s ?p ?o }}"},
        {"query": f"SELECT * FROM NAMED <{iri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
        {"query": f"SELECT * WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"},
        {"query": f"SELECT * WHERE {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}"},
        {"query": f"SELECT * WHERE {{ SERVICE SILENT <{iri}> {{ ?s ?p ?o }} }}"},
        {"query": f"CONSTRUCT WHERE {{ ?s ?p ?o }}", "default-graph-uri": iri},
        {"query": f"SELECT * WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", "named-graph-uri": iri},
    ]


def test_no_query_reads_a_local_file(client, canary):
    iri, marker = canary
    for params in _query_vectors(iri):
        response = client.get("/sparql", params=params)
        assert response.status_code in (200, 403), params
        assert marker not in response.text, params
        if "SERVICE" in params["query"]:
            assert response.status_code == 403


def test_graph_store_does_not_read_a_local_file(client, canary):
    iri, marker = canary
    response = client.get("/rdf-graph-store", params={"graph": iri})
    assert response.status_code == 404 and marker not in response.text


@pytest.mark.parametrize("update", ["LOAD <{iri}>", "LOAD SILENT <{iri}> INTO GRAPH <urn:g>",
                                    "INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}"])
def test_no_update_reads_a_local_file(writable, canary, update):
    iri, marker = canary
    response = writable.post("/sparql", data={"update": update.format(iri=iri)}, headers=AUTH)
    assert response.status_code == 403 and marker not in response.text
    ask = writable.get("/sparql", params={"query": f'ASK {{ GRAPH ?g {{ ?s ?p "{marker}" }} }}'})
    assert ask.json()["boolean"] is False


@pytest.mark.parametrize("silent", ["", "SILENT "])
def test_service_to_a_local_listener_is_403_without_a_connection(client, silent):
    with Listener() as listener:
        response = client.get("/sparql", params={"query": f"SELECT * WHERE {{ SERVICE {silent}<{listener.url}> {{ ?s ?p ?o }} }}"})
        time.sleep(0.1)
    assert response.status_code == 403
    assert listener.connections == 0


@pytest.mark.parametrize("params", [
    {"query": "SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}"},
    {"query": "SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
    {"query": "SELECT * WHERE {{ ?s ?p ?o }}", "default-graph-uri": "{url}"},
])
def test_from_a_local_listener_names_an_empty_graph_without_a_connection(client, params):
    with Listener() as listener:
        response = client.get("/sparql", params={k: v.format(url=listener.url) for k, v in params.items()},
                              headers={"accept": "application/sparql-results+json"})
        time.sleep(0.1)
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == []
    assert listener.connections == 0


@pytest.mark.parametrize("update", ["LOAD <{url}>", "LOAD SILENT <{url}>",
                                    "INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"])
def test_update_fetching_from_a_local_listener_is_403_without_a_connection(writable, update):
    with Listener() as listener:
        response = writable.post("/sparql", data={"update": update.format(url=listener.url)}, headers=AUTH)
        time.sleep(0.1)
    assert response.status_code == 403
    assert listener.connections == 0


UPDATES = [
    'INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> "x" } }',
    "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }",
    "DROP ALL",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL",
]


@pytest.mark.parametrize("update", UPDATES)
def test_update_on_a_read_only_service_is_403_and_changes_nothing(client, update):
    before = triple_count(client)
    response = client.post("/sparql", data={"update": update}, headers=AUTH)
    assert response.status_code == 403
    assert triple_count(client) == before


@pytest.mark.parametrize("method", ["put", "post", "delete"])
def test_graph_store_write_on_a_read_only_service_is_403_and_changes_nothing(client, method):
    before = triple_count(client)
    kwargs = {} if method == "delete" else {"content": "<urn:s> <urn:p> <urn:o> .", "headers": {"content-type": "text/turtle"}}
    response = getattr(client, method)("/rdf-graph-store", params={"graph": "https://w3id.org/deir-ez-zor-2024/graph/asserted"}, **kwargs)
    assert response.status_code == 403
    assert triple_count(client) == before


@pytest.mark.parametrize("update", [u for u in UPDATES if not u.startswith("LOAD")])
@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Basic {TOKEN}", "Bearer", f"Bearer {TOKEN}x"])
def test_update_without_the_right_token_is_401_and_changes_nothing(writable, update, authorization):
    before = triple_count(writable)
    headers = {"authorization": authorization} if authorization else {}
    response = writable.post("/sparql", content=update, headers={**headers, "content-type": "application/sparql-update"})
    assert response.status_code == 401
    assert triple_count(writable) == before


# --- pages escape what they show -------------------------------------------------------------

SCRIPT = "<script>alert('xss')</script>"
EVIL_DATA = f"""
PREFIX dzo: <https://w3id.org/deir-ez-zor-2024/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dzr: <{DZR}>
INSERT DATA {{ GRAPH <https://w3id.org/deir-ez-zor-2024/graph/asserted> {{
  dzr:evil a dzo:Actor ; rdfs:label "{SCRIPT}"@en ; rdfs:comment "<img src=x onerror=alert(1)>" ;
     dzo:wikidataItem <javascript:alert(1)> .
  dzr:sdf rdfs:seeAlso dzr:evil .
}} }}
"""


@pytest.fixture(scope="module")
def hostile() -> Iterator[TestClient]:
    """A read-only service whose data holds markup and a javascript: IRI."""
    store = open_store(SERVICE_DATA)
    store.update(EVIL_DATA)
    with TestClient(create_app(store, Settings())) as test_client:
        yield test_client


def _unescaped(response) -> list[str]:
    """Markup from data or the request that a browser would run: only HTML is rendered as such."""
    if not response.headers.get("content-type", "").startswith("text/html"):
        return []
    return [bad for bad in ("<script>alert", "<img src=x", "onerror=alert(1)>") if bad in response.text]


@pytest.mark.parametrize("path", ["/resource/evil", "/resource/sdf", "/search?q=script", "/search?q=alert",
                                  f"/search?q={quote(SCRIPT)}", f"/?query={quote(SCRIPT)}",
                                  f"/resource/{quote(SCRIPT)}", f"/resource/x%22%3E{quote(SCRIPT)}"])
def test_pages_escape_data_paths_and_query_strings(hostile, path):
    response = hostile.get(path, headers=BROWSER)
    assert response.status_code < 500
    assert _unescaped(response) == []


def test_every_html_route_escapes_hostile_parameters(hostile):
    """Every GET route, the explorer's included, with a script in each path and query parameter."""
    hostile_value = f'"><{SCRIPT[1:]}'
    checked = 0
    for template, operations in hostile.get("/openapi.json").json()["paths"].items():
        if "get" not in operations:
            continue
        path = re.sub(r"\{[^}]+\}", quote(hostile_value, safe=""), template)
        params = {name: hostile_value for name in ("q", "query", "focus", "day", "name", "lang")}
        response = hostile.get(path, params=params, headers=BROWSER)
        assert response.status_code < 500, (template, response.text[:300])
        assert _unescaped(response) == [], template
        checked += 1
    assert checked >= 5


def test_data_iris_never_become_javascript_links(hostile):
    response = hostile.get("/resource/evil", headers=BROWSER)
    assert 'href="javascript:' not in response.text.lower()


# --- query text that breaks parsers ----------------------------------------------------------

def _post(client: TestClient, body: bytes, kind: str = "application/sparql-query"):
    return client.post("/sparql", content=body, headers={"content-type": kind})


@pytest.mark.parametrize("body, statuses", [
    (b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * 70_000, {413}),
    (b"SELECT * WHERE { " + b"{ " * 5000 + b"} " * 5000 + b"}", {400}),
    (b"SELECT * WHERE { FILTER(" + b"(" * 3000 + b"1" + b")" * 3000 + b") }", {400}),
    (b"SELECT * WHERE { ?s ?p \xff\xfe }", {400}),
    (b"SELECT * WHERE { ?s ?p ?o \xc0\xaf }", {400}),
    (b"SELECT * WHERE { ?s ?p ?o }\x00", {400}),
    (b"SELECT\x00* WHERE { ?s ?p ?o }", {400}),
    (b'SELECT * FROM <urn:g\x00> WHERE { ?s ?p ?o }', {400}),
    (b'SELECT * WHERE { ?s ?p "a\x00b" }', {200, 400}),
    (b"SELECT * WHERE { << ?s ?p ?o >> ?q ?r }", {200, 400}),
    (b"SELECT * WHERE { ?s ?p <<( ?a ?b ?c )>> }", {200, 400}),
    (b"SELECT * FROM <urn:g> WHERE { << ?s ?p ?o >> ?q ?r }", {200, 400}),
    (b"SELECT * WHERE { ?s ?p ?o } \\u0000", {400}),
    (b"\xef\xbb\xbfSELECT * WHERE { ?s ?p ?o }", {200, 400}),
    (b"", {400}),
])
def test_hostile_query_text_is_400_or_413_quickly(client, body, statuses):
    started = time.monotonic()
    response = _post(client, body)
    assert response.status_code in statuses, response.text[:300]
    assert time.monotonic() - started < 5
    if response.status_code == 400:
        assert response.text.strip()


def test_invalid_utf8_in_the_url_is_400(client):
    response = client.get("/sparql?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D")
    assert response.status_code == 400
    assert "UTF-8" in response.text or "malformed" in response.text


def test_invalid_utf8_in_a_form_body_is_400(client):
    response = client.post("/sparql", content=b"query=ASK%7B%7D%FF", headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400


def test_very_long_form_query_is_413(client):
    response = client.post("/sparql", data={"query": "ASK {} #" + "x" * 70_000})
    assert response.status_code == 413
    assert "65536" in response.text


def test_nul_in_a_graph_parameter_is_400(client):
    response = client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "urn:a\x00b"})
    assert response.status_code == 400


def test_service_variable_is_refused(client):
    response = client.get("/sparql", params={"query": "SELECT * WHERE { BIND(<http://127.0.0.1:9/> AS ?e) SERVICE ?e { ?s ?p ?o } }"})
    assert response.status_code == 403


def test_unicode_escaped_service_is_checked(client):
    with Listener() as listener:
        query = "SELECT * WHERE { SERV\\u0049CE <" + listener.url + "> { ?s ?p ?o } }"
        response = client.get("/sparql", params={"query": query})
        time.sleep(0.1)
    assert response.status_code == 403 and listener.connections == 0


def test_unicode_escaped_iri_of_an_allowed_service_is_routed_through_the_relay(client):
    """`\\u` escapes are expanded before the check: an allowed endpoint written with escapes
    still goes through the relay (the stand-in is unreachable here, so the relay answers 502)."""
    query = "SELECT * WHERE { SERVICE <https://query.wikidata.org/spar\\u0071l> { ?s ?p ?o } }"
    relay = client.app.state.relay
    assert relay.url_for("https://query.wikidata.org/sparql").startswith("http://127.0.0.1:")
    from kg.sparql.policy import check_query

    routed = check_query(query, client.app.state.settings, "http://testserver/sparql", relay).text
    assert "wikidata" not in routed and relay.url_for("https://query.wikidata.org/sparql") in routed


def test_graph_term_of_pyoxigraph_is_unchanged():
    """pyoxigraph refuses IRIs with NUL or spaces: the graph parameters rely on it."""
    with pytest.raises(ValueError):
        pyoxigraph.NamedNode("urn:a\x00b")


def _csp(response) -> dict[str, str]:
    header = response.headers.get("content-security-policy", "")
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


def test_every_html_page_carries_the_browser_hardening_headers(hostile):
    """Every GET route that answers HTML: nosniff, a policy that allows only our own scripts and no
    framing, and a referrer policy."""
    pages = 0
    for template, operations in hostile.get("/openapi.json").json()["paths"].items():
        if "get" not in operations or "{" in template:
            continue
        response = hostile.get(template, headers=BROWSER)
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        pages += 1
        assert response.headers["x-content-type-options"] == "nosniff", template
        policy = _csp(response)
        assert policy["script-src"] == "script-src 'self'", template
        assert policy["frame-ancestors"] == "frame-ancestors 'none'", template
        assert policy["default-src"] == "default-src 'self'", template
        assert response.headers["referrer-policy"] == "same-origin", template
    response = hostile.get("/resource/syrian-democratic-forces", headers=BROWSER)
    assert _csp(response)["script-src"] == "script-src 'self'"
    assert pages >= 5


@pytest.mark.parametrize("path, accept", [("/sparql?query=ASK%7B%7D", "application/sparql-results+json"),
                                          ("/health", "application/json"), ("/static/query.js", "*/*"),
                                          ("/resource/nothing-here", "text/turtle"), ("/void", "text/turtle")])
def test_every_answer_carries_nosniff_and_non_html_no_page_policy(hostile, path, accept):
    response = hostile.get(path, headers={"Accept": accept})
    assert response.headers["x-content-type-options"] == "nosniff"
    if not response.headers.get("content-type", "").startswith("text/html"):
        assert "content-security-policy" not in response.headers


@pytest.mark.parametrize("path, accept", [("/.well-known/void", "text/turtle"), ("/sparql", "text/turtle")])
def test_the_host_header_is_never_written_into_an_answer(client, path, accept):
    """A shared cache would keep what one client put in Host for everyone (cache poisoning)."""
    response = client.get(path, headers={"accept": accept, "host": "evil.example"})
    assert response.status_code == 200
    assert "evil.example" not in response.text
    assert "http://testserver/" in response.text  # the address the server is bound to


def test_base_url_sets_the_public_address_of_the_description_and_void():
    with app_client(Settings(base_url="https://kg.example.org/dez")) as public:
        void = public.get("/.well-known/void", headers={"accept": "text/turtle", "host": "evil.example"}).text
        description = public.get("/sparql", headers={"accept": "text/turtle"}).text
    assert "<https://kg.example.org/dez/sparql>" in void or "https://kg.example.org/dez/" in void
    assert "https://kg.example.org/dez/sparql" in description
    assert "evil.example" not in void + description and "testserver" not in void + description


@pytest.mark.parametrize("value", ["kg.example.org", "https://kg.example.org/", "https://x/?a=b", "ftp://x"])
def test_a_base_url_that_is_not_an_address_is_refused(value):
    with pytest.raises(ValueError, match="base-url must be an http"):
        Settings(base_url=value)
