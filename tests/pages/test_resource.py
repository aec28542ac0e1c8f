"""Linked Data pages, the ontology page, label search, the query page, VoID and Graph Store reads."""
from __future__ import annotations

import html
import re
import urllib.parse

import pyoxigraph
import pytest

from tests.service_fixtures import DZR, TOKEN

BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
GRAPH = "https://w3id.org/deir-ez-zor-2024/graph/"


def triples(content: bytes, rdf_format=pyoxigraph.RdfFormat.TURTLE) -> set[pyoxigraph.Triple]:
    return {pyoxigraph.Triple(q.subject, q.predicate, q.object)
            for q in pyoxigraph.parse(content, format=rdf_format)}


def test_resource_page_shows_label_and_kind(client):
    response = client.get("/resource/sdf", headers=BROWSER)
    assert response.status_code == 200
    assert "<h1>Syrian Democratic Forces</h1>" in response.text
    assert 'href="/ontology#ArmedForce"' in response.text


def test_resource_page_escapes_data(client):
    response = client.get("/resource/sdf", headers=BROWSER)
    assert "&lt;b&gt;in&lt;/b&gt;" in response.text
    assert "<b>in</b>" not in response.text


def test_resource_page_links_to_our_own_address(client):
    response = client.get("/resource/cjtf", headers=BROWSER)
    assert 'href="/resource/support-1"' in response.text
    assert "https://w3id.org/deir-ez-zor-2024/resource/support-1\"" not in response.text


def test_resource_page_lists_events_in_date_order(client):
    text = client.get("/resource/sdf", headers=BROWSER).text
    events = text[text.index('class="events"'):]
    assert events.index("Clashes in Dhiban") < events.index("Strike near Hajin")


def test_resource_page_shows_sources_and_wikidata(client):
    text = client.get("/resource/sdf", headers=BROWSER).text
    assert 'href="/resource/source-1"' in text
    assert 'href="http://www.wikidata.org/entity/Q18393787"' in text


def test_resource_page_shows_incoming_relations(client):
    text = client.get("/resource/sdf", headers=BROWSER).text
    incoming = text[text.index('class="incoming"'):]
    assert "supported party" in incoming


def test_resource_as_turtle_has_outgoing_and_incoming(client):
    response = client.get("/resource/sdf", headers={"accept": "text/turtle"})
    assert response.headers["content-type"].startswith("text/turtle")
    graph = triples(response.content)
    sdf, support = pyoxigraph.NamedNode(DZR + "sdf"), pyoxigraph.NamedNode(DZR + "support-1")
    assert any(t.subject == sdf for t in graph)
    assert any(t.subject == support and t.object == sdf for t in graph)


def test_resource_as_json_ld(client):
    response = client.get("/resource/sdf", headers={"accept": "application/ld+json"})
    assert response.headers["content-type"].startswith("application/ld+json")
    assert triples(response.content, pyoxigraph.RdfFormat.JSON_LD)


def test_unknown_resource_is_404(client):
    assert client.get("/resource/nobody", headers=BROWSER).status_code == 404


def test_unknown_resource_as_rdf_is_404(client):
    assert client.get("/resource/nobody", headers={"accept": "text/turtle"}).status_code == 404


@pytest.fixture(scope="module")
def hub():
    """The tiny dataset plus a hub: an actor in SHOWN + 5 dated events, with SHOWN + 5 aliases.

    (At 1M triples, before pages listed a bounded number of values per property, an actor in
    19,000 events lost its label and kind among the first 5,000 statements the page fetched.)"""
    from kg.pages import resource as pages
    from tests.service_fixtures import SERVICE_DATA, Settings, TestClient, create_app, open_store

    store = open_store(SERVICE_DATA)
    n = pages.SHOWN + 5
    dzo, g = "https://w3id.org/deir-ez-zor-2024/ontology#", pyoxigraph.NamedNode(GRAPH + "asserted")
    hub = pyoxigraph.NamedNode(DZR + "hub")

    def quad(s, p, o):
        return pyoxigraph.Quad(s, pyoxigraph.NamedNode(p), o, g)

    quads = [quad(hub, "http://www.w3.org/2000/01/rdf-schema#label", pyoxigraph.Literal("The Hub", language="en")),
             quad(hub, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", pyoxigraph.NamedNode(dzo + "Actor"))]
    for i in range(n):
        event = pyoxigraph.NamedNode(DZR + f"hub-event-{i:03}")
        day = f"2024-{1 + i // 28:02}-{1 + i % 28:02}"
        quads += [quad(event, dzo + "participant", hub),
                  quad(event, dzo + "date", pyoxigraph.Literal(day, datatype=pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#date"))),
                  quad(hub, "http://www.w3.org/2004/02/skos/core#altLabel", pyoxigraph.Literal(f"alias {i:03}", language="en"))]
    store.extend(quads)
    with TestClient(create_app(store, Settings(query_timeout=10.0))) as test_client:
        yield test_client, n


def test_a_hub_keeps_its_label_and_kind_and_lists_a_bounded_number_of_values(hub):
    from kg.pages import resource as pages

    client, n = hub
    text = client.get("/resource/hub", headers=BROWSER).text
    assert "<h1>The Hub</h1>" in text
    assert 'href="/ontology#Actor"' in text
    assert text.count("alias ") == pages.SHOWN
    incoming = text[text.index('class="incoming"'):]
    assert incoming.count('href="/resource/hub-event-') == pages.SHOWN
    events = text[text.index('class="events"'):text.index('class="incoming"')]
    # The earliest SHOWN events by date are listed, in date order; the latest five are not.
    assert events.index("2024-01-01") < events.index("2024-01-02")
    assert f"hub-event-{pages.SHOWN - 1:03}" in events and f"hub-event-{n - 1:03}" not in events
    assert text.count("and 5 more") == 3 and text.count(f"({n} in all)") == 3


def test_a_hubs_list_them_all_links_ask_for_every_value(hub):
    client, n = hub
    text = client.get("/resource/hub", headers=BROWSER).text
    links = re.findall(r'<li class="more">[^<]*<a href="/\?query=([^"]+)"', text)
    assert len(links) == 3
    for link in links:
        query = urllib.parse.unquote(html.unescape(link))
        answer = client.post("/sparql", data={"query": query}, headers={"accept": "application/sparql-results+json"})
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["results"]["bindings"]) == n


def test_ontology_page_documents_classes_and_acled_mapping(client):
    text = client.get("/ontology", headers=BROWSER).text
    assert 'id="Airstrike"' in text
    assert "Explosions/Remote violence / Air/drone strike" in text
    assert "Anyone who takes part in the conflict." in text


def test_ontology_as_turtle_is_the_ontology_graph(client):
    response = client.get("/ontology", headers={"accept": "text/turtle"})
    graph = triples(response.content)
    actor = pyoxigraph.NamedNode("https://w3id.org/deir-ez-zor-2024/ontology#Actor")
    assert any(t.subject == actor for t in graph)
    assert not any(t.subject == pyoxigraph.NamedNode(DZR + "sdf") for t in graph)


def test_search_matches_alt_labels_as_json(client):
    response = client.get("/search", params={"q": "coalition"}, headers={"accept": "application/json"})
    assert [hit["iri"] for hit in response.json()["results"]] == [DZR + "cjtf"]


def test_search_matches_labels_case_insensitively(client):
    response = client.get("/search", params={"q": "FORCES"}, headers={"accept": "application/json"})
    assert {hit["iri"] for hit in response.json()["results"]} == {DZR + "sdf", DZR + "tribal-forces"}


def test_search_as_html_escapes_the_query(client):
    response = client.get("/search", params={"q": "<script>"}, headers=BROWSER)
    assert response.headers["content-type"].startswith("text/html")
    assert "<script>\u201d" not in response.text and "&lt;script&gt;" in response.text


def test_query_page_lists_named_queries(client, tmp_path):
    response = client.get("/", headers=BROWSER)
    assert response.status_code == 200
    assert 'id="query-text"' in response.text


def test_query_page_prefills_from_the_url(client):
    response = client.get("/", params={"query": "ASK { <x:a> ?p ?o }"}, headers=BROWSER)
    assert "ASK { &lt;x:a&gt; ?p ?o }" in response.text


def test_query_page_script_is_served(client):
    assert client.get("/static/query.js").status_code == 200


def test_health_reports_workers(client):
    assert client.get("/health").json()["workers"] == 2


def test_void_counts_triples_per_graph(client):
    graph = triples(client.get("/.well-known/void", headers={"accept": "text/turtle"}).content)
    void_triples = pyoxigraph.NamedNode("http://rdfs.org/ns/void#triples")
    counts = {t.subject.value: int(t.object.value) for t in graph if t.predicate == void_triples}
    assert counts[GRAPH + "inferred"] == 4


def void_counts(client) -> dict[str, int]:
    graph = triples(client.get("/.well-known/void", headers={"accept": "text/turtle"}).content)
    void_triples = pyoxigraph.NamedNode("http://rdfs.org/ns/void#triples")
    return {t.subject.value: int(t.object.value) for t in graph if t.predicate == void_triples}


def test_void_counts_once_and_again_after_a_write(writable):
    pool = writable.app.state.pool
    asked = []
    query = pool.query
    pool.query = lambda job: (asked.append(job.text), query(job))[1]
    before = void_counts(writable)
    assert void_counts(writable) == before and len(asked) == 1  # the second answer was remembered
    auth = {"authorization": f"Bearer {TOKEN}", "content-type": "text/turtle"}
    put = writable.put("/rdf-graph-store", params={"graph": GRAPH + "inferred"}, headers=auth,
                       content=b"<urn:a> <urn:b> <urn:c> .")
    assert put.status_code == 204
    assert void_counts(writable)[GRAPH + "inferred"] == 1 and len(asked) == 2


def test_graph_store_serves_a_named_graph(client):
    response = client.get("/rdf-graph-store", params={"graph": GRAPH + "inferred"},
                          headers={"accept": "application/n-triples"})
    assert len(triples(response.content, pyoxigraph.RdfFormat.N_TRIPLES)) == 4


def test_graph_store_default_is_the_union(client):
    response = client.get("/rdf-graph-store?default", headers={"accept": "application/n-triples"})
    assert len(triples(response.content, pyoxigraph.RdfFormat.N_TRIPLES)) == 63


def test_graph_store_unknown_graph_is_404(client):
    assert client.get("/rdf-graph-store", params={"graph": "http://example.org/none"}).status_code == 404


def test_graph_store_without_a_graph_is_400(client):
    assert client.get("/rdf-graph-store").status_code == 400


def test_graph_store_head_has_no_body(client):
    response = client.head("/rdf-graph-store", params={"graph": GRAPH + "inferred"})
    assert response.status_code == 200 and response.content == b""


def test_graph_store_put_then_get(writable):
    auth = {"authorization": f"Bearer {TOKEN}", "content-type": "text/turtle"}
    body = "<http://example.org/s> <http://example.org/p> 1 ."
    put = writable.put("/rdf-graph-store", params={"graph": "http://example.org/new"}, content=body, headers=auth)
    assert put.status_code == 201
    got = writable.get("/rdf-graph-store", params={"graph": "http://example.org/new"},
                       headers={"accept": "application/n-triples"})
    assert len(triples(got.content, pyoxigraph.RdfFormat.N_TRIPLES)) == 1


def test_graph_store_write_on_read_only_service_is_403(client):
    response = client.put("/rdf-graph-store", params={"graph": "http://example.org/new"}, content="",
                          headers={"content-type": "text/turtle"})
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/", "/ontology", "/resource/sdf", "/search?q=sdf"])
def test_pages_are_html_for_browsers(client, path):
    response = client.get(path, headers=BROWSER)
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert re.search(r"<title>[^<]+</title>", response.text)


def test_access_log_names_path_status_and_duration(client, caplog):
    with caplog.at_level("INFO", logger="kg.access"):
        client.get("/sparql", params={"query": "ASK {}"})
    (line,) = [r.getMessage() for r in caplog.records if r.name == "kg.access"]
    assert re.search(r"GET /sparql\?query=\S+ 200 \d+\.\dms$", line)
