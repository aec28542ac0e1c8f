"""SPARQL 1.1 Protocol over HTTP: the three ways to send a query, datasets, and status codes."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.service_fixtures import DZR, TOKEN

JSON = {"accept": "application/sparql-results+json"}
LABELS = "SELECT ?label WHERE { <%ssdf> <http://www.w3.org/2000/01/rdf-schema#label> ?label }" % DZR


def bindings(response) -> set[tuple]:
    body = response.json()
    return {tuple(row.get(v, {}).get("value") for v in body["head"]["vars"])
            for row in body["results"]["bindings"]}


def test_get_query_answers_rows(client):
    response = client.get("/sparql", params={"query": LABELS}, headers=JSON)
    assert response.status_code == 200
    assert bindings(response) == {("Syrian Democratic Forces",)}


def test_post_form_query_answers_rows(client):
    response = client.post("/sparql", data={"query": LABELS}, headers=JSON)
    assert response.status_code == 200
    assert bindings(response) == {("Syrian Democratic Forces",)}


def test_post_direct_query_answers_rows(client):
    response = client.post("/sparql", content=LABELS,
                           headers={**JSON, "content-type": "application/sparql-query"})
    assert response.status_code == 200
    assert bindings(response) == {("Syrian Democratic Forces",)}


def test_default_graph_is_the_union_of_named_graphs(client):
    query = "SELECT ?type WHERE { <%ssdf> a ?type }" % DZR
    types = {row[0] for row in bindings(client.get("/sparql", params={"query": query}))}
    assert types == {"https://w3id.org/deir-ez-zor-2024/ontology#ArmedForce",
                     "https://w3id.org/deir-ez-zor-2024/ontology#Actor"}


def test_default_graph_uri_selects_one_graph(client):
    query = "SELECT ?type WHERE { <%ssdf> a ?type }" % DZR
    response = client.get("/sparql", params={
        "query": query, "default-graph-uri": "https://w3id.org/deir-ez-zor-2024/graph/inferred"})
    assert bindings(response) == {("https://w3id.org/deir-ez-zor-2024/ontology#Actor",)}


def test_named_graph_uri_limits_graph_patterns(client):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.get("/sparql", params={
        "query": query, "named-graph-uri": "https://w3id.org/deir-ez-zor-2024/graph/ontology"})
    assert bindings(response) == {("https://w3id.org/deir-ez-zor-2024/graph/ontology",)}


def test_from_selects_a_graph_by_name(client):
    query = ("SELECT ?type FROM <https://w3id.org/deir-ez-zor-2024/graph/inferred> "
             "WHERE { <%ssdf> a ?type }" % DZR)
    assert bindings(client.get("/sparql", params={"query": query})) == {
        ("https://w3id.org/deir-ez-zor-2024/ontology#Actor",)}


def test_from_an_outside_url_fetches_nothing(client):
    query = "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200
    assert bindings(response) == set()


def test_syntax_error_is_400_with_the_parser_message(client):
    response = client.get("/sparql", params={"query": "SELECT * WHERE {"})
    assert response.status_code == 400
    assert "syntax error" in response.text


@pytest.mark.parametrize("query,message", [
    ("SELECT * WHERE {\n  ?s a dzo:SupportRelation\n}",
     "error at 2:27: the prefix dzo: is not declared; add PREFIX dzo: <https://w3id.org/deir-ez-zor-2024/ontology#>"),
    ("SELECT * WHERE { ?s foo:bar ?o }",
     "error at 1:28: the prefix foo: is not declared; declare it (PREFIX foo: <namespace IRI>)"),
])
def test_an_undeclared_prefix_is_named(client, query, message):
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 400
    assert response.text == f"query syntax error: {message}"


def test_an_undeclared_prefix_in_an_update_is_named(writable):
    response = writable.post("/sparql", data={"update": "INSERT DATA { dzr:a dzr:b 1 }"},
                             headers={"authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400
    assert "the prefix dzr: is not declared; add PREFIX dzr: <https://w3id.org/deir-ez-zor-2024/resource/>" in response.text


def test_deeply_nested_query_is_400(client):
    query = "SELECT * WHERE { FILTER(" + "(" * 400 + "1" + ")" * 400 + ") }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400


def test_query_longer_than_the_limit_is_413(client):
    query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 70_000
    response = client.post("/sparql", content=query, headers={"content-type": "application/sparql-query"})
    assert response.status_code == 413
    assert "65536" in response.text


def test_body_larger_than_the_limit_is_413(client):
    response = client.post("/sparql", content=b"#" * (17 * 1024 * 1024),
                           headers={"content-type": "application/sparql-query"})
    assert response.status_code == 413


def test_two_queries_are_400(client):
    response = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert response.status_code == 400


def test_parameter_in_url_and_form_body_is_400(client):
    response = client.post("/sparql?query=ASK%7B%7D", data={"query": "ASK {}"})
    assert response.status_code == 400
    assert "both" in response.text


def test_query_in_url_and_direct_body_is_400(client):
    response = client.post("/sparql?query=ASK%7B%7D", content="ASK {}",
                           headers={"content-type": "application/sparql-query"})
    assert response.status_code == 400


def test_unknown_content_type_is_415(client):
    response = client.post("/sparql", content="ASK {}", headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_missing_content_type_is_415(client):
    response = client.post("/sparql", content="ASK {}")
    assert response.status_code == 415


def test_non_utf8_charset_is_415(client):
    response = client.post("/sparql", content="ASK {}".encode("utf-16"),
                           headers={"content-type": "application/sparql-query; charset=UTF-16"})
    assert response.status_code == 415


def test_put_is_405(client):
    assert client.put("/sparql?query=ASK%7B%7D").status_code == 405


def test_service_outside_the_allowlist_is_403(client):
    query = "SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 403
    assert "evil.example" in response.text


def test_service_through_a_prefixed_name_is_checked_too(client):
    query = "PREFIX e: <http://evil.example/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }"
    assert client.get("/sparql", params={"query": query}).status_code == 403


def test_update_on_a_read_only_service_is_403(client):
    response = client.post("/sparql", data={"update": "CLEAR ALL"},
                           headers={"authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 403


def test_update_by_get_is_400(client):
    assert client.get("/sparql", params={"update": "CLEAR ALL"}).status_code == 400


def test_update_without_token_is_401(writable):
    response = writable.post("/sparql", data={"update": "CLEAR ALL"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_update_with_a_wrong_token_is_401(writable):
    response = writable.post("/sparql", data={"update": "CLEAR ALL"},
                             headers={"authorization": "Bearer nope"})
    assert response.status_code == 401


def test_update_is_seen_by_the_next_query(writable):
    update = 'INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> "new" } }'
    response = writable.post("/sparql", content=update, headers={
        "content-type": "application/sparql-update", "authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 204
    for _ in range(3):  # every worker, old or new, must see it
        ask = writable.get("/sparql", params={"query": 'ASK { <http://example.org/s> ?p "new" }'})
        assert ask.json()["boolean"] is True


def test_load_is_403(writable):
    response = writable.post("/sparql", data={"update": "LOAD <http://example.org/data.ttl>"},
                             headers={"authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 403


def test_using_graph_uri_sets_the_update_dataset(writable):
    auth = {"authorization": f"Bearer {TOKEN}"}
    update = ("INSERT { GRAPH <http://example.org/copy> { ?s a ?t } } WHERE { ?s a ?t }")
    inferred = quote("https://w3id.org/deir-ez-zor-2024/graph/inferred", safe="")
    response = writable.post(f"/sparql?using-graph-uri={inferred}", content=update,
                             headers={**auth, "content-type": "application/sparql-update"})
    assert response.status_code == 204
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://example.org/copy> { ?s ?p ?o } }"
    assert bindings(writable.get("/sparql", params={"query": query})) == {("4",)}


def test_using_graph_uri_sets_the_dataset_of_a_delete_with_a_template(writable):
    auth = {"authorization": f"Bearer {TOKEN}"}
    scratch = "http://example.org/scratch"
    inserted = writable.post("/sparql", content=f"INSERT DATA {{ GRAPH <{scratch}> {{ <{scratch}#s> a <{scratch}#T> }} }}",
                             headers={**auth, "content-type": "application/sparql-update"})
    assert inserted.status_code == 204
    update = f"DELETE {{ GRAPH <{scratch}> {{ ?s a ?t }} }} WHERE {{ ?s a ?t }}"
    response = writable.post(f"/sparql?using-graph-uri={quote(scratch, safe='')}", content=update,
                             headers={**auth, "content-type": "application/sparql-update"})
    assert response.status_code == 204
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{scratch}> {{ ?s ?p ?o }} }}"
    assert bindings(writable.get("/sparql", params={"query": query})) == {("0",)}


def test_using_graph_uri_with_a_with_clause_is_400(writable):
    update = "WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"
    response = writable.post("/sparql?using-graph-uri=http%3A%2F%2Fexample.org%2Fu", content=update,
                             headers={"authorization": f"Bearer {TOKEN}",
                                      "content-type": "application/sparql-update"})
    assert response.status_code == 400


def test_update_syntax_error_is_400(writable):
    response = writable.post("/sparql", data={"update": "CLEAR XYZ"},
                             headers={"authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400


@pytest.mark.parametrize("origin", ["https://elsewhere.example", "http://localhost:3000"])
def test_cors_allows_any_origin_without_credentials(client, origin):
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"origin": origin})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers


def test_cors_preflight_allows_post(client):
    response = client.options("/sparql", headers={
        "origin": "https://elsewhere.example", "access-control-request-method": "POST",
        "access-control-request-headers": "content-type"})
    assert response.status_code == 200
    assert "POST" in response.headers["access-control-allow-methods"]


def test_nesting_that_would_overflow_the_store_parser_is_400(client):
    query = "SELECT * WHERE { FILTER(" + "(" * 12_000 + "1" + ")" * 12_000 + ") }"
    response = client.post("/sparql", content=query, headers={"content-type": "application/sparql-query"})
    assert response.status_code == 400
