"""Content negotiation on /sparql: each format of each result type, and Accept edge cases."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph
import pytest

from tests.service_fixtures import DZR

SELECT = "SELECT ?s WHERE { ?s a <https://w3id.org/deir-ez-zor-2024/ontology#ArmedForce> }"
ASK = "ASK { ?s a <https://w3id.org/deir-ez-zor-2024/ontology#ArmedForce> }"
CONSTRUCT = "CONSTRUCT WHERE { <%ssdf> <http://www.w3.org/2000/01/rdf-schema#label> ?l }" % DZR
FORCES = {DZR + name for name in ("sdf", "cjtf", "tribal-forces")}
LABEL_TRIPLE = pyoxigraph.Triple(
    pyoxigraph.NamedNode(DZR + "sdf"),
    pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
    pyoxigraph.Literal("Syrian Democratic Forces", language="en"),
)


def triples(content: bytes, rdf_format=pyoxigraph.RdfFormat.TURTLE) -> set[pyoxigraph.Triple]:
    return {pyoxigraph.Triple(q.subject, q.predicate, q.object)
            for q in pyoxigraph.parse(content, format=rdf_format)}


def get(client, query, accept):
    return client.get("/sparql", params={"query": query}, headers={"accept": accept})


def test_select_as_json(client):
    response = get(client, SELECT, "application/sparql-results+json")
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert {row["s"]["value"] for row in response.json()["results"]["bindings"]} == FORCES


def test_select_as_xml(client):
    response = get(client, SELECT, "application/sparql-results+xml")
    assert response.headers["content-type"].startswith("application/sparql-results+xml")
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert {uri.text for uri in ET.fromstring(response.content).iter(f"{ns}uri")} == FORCES


def test_select_as_csv(client):
    response = get(client, SELECT, "text/csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert {row["s"] for row in csv.DictReader(io.StringIO(response.text))} == FORCES


def test_select_as_tsv(client):
    response = get(client, SELECT, "text/tab-separated-values")
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    assert set(response.text.splitlines()[1:]) == {f"<{iri}>" for iri in FORCES}


def test_ask_as_json(client):
    assert get(client, ASK, "application/sparql-results+json").json()["boolean"] is True


def test_ask_as_xml(client):
    response = get(client, ASK, "application/sparql-results+xml")
    assert response.headers["content-type"].startswith("application/sparql-results+xml")
    assert ET.fromstring(response.content).find(
        "{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


def test_ask_as_csv_is_406(client):
    response = get(client, ASK, "text/csv")
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text


@pytest.mark.parametrize("media_type,rdf_format", [
    ("text/turtle", pyoxigraph.RdfFormat.TURTLE),
    ("application/n-triples", pyoxigraph.RdfFormat.N_TRIPLES),
    ("application/ld+json", pyoxigraph.RdfFormat.JSON_LD),
    ("application/rdf+xml", pyoxigraph.RdfFormat.RDF_XML),
    ("application/trig", pyoxigraph.RdfFormat.TRIG),
])
def test_construct_in_each_rdf_format(client, media_type, rdf_format):
    response = get(client, CONSTRUCT, media_type)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert triples(response.content, rdf_format) == {LABEL_TRIPLE}


def test_describe_is_a_graph(client):
    response = get(client, "DESCRIBE <%ssdf>" % DZR, "text/turtle")
    assert response.headers["content-type"].startswith("text/turtle")
    assert LABEL_TRIPLE in triples(response.content)


def test_construct_as_results_json_is_406_listing_rdf_formats(client):
    response = get(client, CONSTRUCT, "application/sparql-results+json")
    assert response.status_code == 406
    assert "text/turtle" in response.text


def test_wildcard_gives_json_results(client):
    assert get(client, SELECT, "*/*").headers["content-type"].startswith("application/sparql-results+json")


def test_missing_accept_gives_json_results(client):
    response = client.get("/sparql", params={"query": SELECT}, headers={"accept": ""})
    assert response.headers["content-type"].startswith("application/sparql-results+json")


def test_wildcard_gives_turtle_for_graphs(client):
    assert get(client, CONSTRUCT, "*/*").headers["content-type"].startswith("text/turtle")


def test_type_wildcard_picks_within_the_type(client):
    assert get(client, SELECT, "text/*").headers["content-type"].startswith("text/csv")


def test_application_wildcard_for_graphs_is_not_turtle(client):
    assert get(client, CONSTRUCT, "application/*").headers["content-type"].startswith("application/n-triples")


def test_q_values_decide(client):
    accept = "application/sparql-results+json;q=0.5, application/sparql-results+xml;q=0.9"
    assert get(client, SELECT, accept).headers["content-type"].startswith("application/sparql-results+xml")


def test_q_zero_excludes_a_type(client):
    accept = "application/sparql-results+json;q=0, */*;q=0.1"
    assert get(client, SELECT, accept).headers["content-type"].startswith("application/sparql-results+xml")


def test_charset_parameter_is_accepted(client):
    response = get(client, SELECT, "text/csv; charset=utf-8")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"


def test_plain_json_is_accepted_for_results(client):
    response = get(client, SELECT, "application/json")
    assert response.headers["content-type"].startswith("application/json")
    assert json.loads(response.content)["head"]["vars"] == ["s"]


def test_nothing_acceptable_is_406(client):
    response = get(client, SELECT, "image/png")
    assert response.status_code == 406
    assert "text/csv" in response.text


def test_unparseable_accept_is_406(client):
    assert get(client, SELECT, "garbage").status_code == 406


def test_browser_without_query_gets_the_query_page(client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/sparql", headers={"accept": accept})
    assert response.headers["content-type"].startswith("text/html")


def test_rdf_client_without_query_gets_the_service_description(client):
    response = client.get("/sparql", headers={"accept": "text/turtle"})
    graph = triples(response.content)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = pyoxigraph.NamedNode("http://testserver/sparql")
    assert pyoxigraph.Triple(endpoint, pyoxigraph.NamedNode(sd + "endpoint"), endpoint) in graph
