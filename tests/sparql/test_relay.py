"""Federation: SERVICE reaches only allowlisted endpoints, through our relay, which names the
project in its User-Agent and bounds time and size.

The live Wikidata service is out of reach here: a second SPARQL endpoint on 127.0.0.1 (an
Oxigraph server, loaded with a few triples shaped as Wikidata's) stands in for it, behind a
recording proxy that tells which User-Agent called it; the allowlist points there.
"""
from __future__ import annotations

import re
import time
from collections.abc import Iterator

import httpx
import pyoxigraph
import pytest
from fastapi.testclient import TestClient

from kg.sparql import named as queries
from kg.errors import UsageError
from kg.errors import FederationError
from kg.sparql.relay import Relay, query_online
from kg.settings import WIKIDATA, Settings
from tests.conftest import ROOT
from tests.hardening_fixtures import Listener, RecordingProxy, oxigraph_endpoint
from tests.service_fixtures import DZR, app_client

WD = "http://www.wikidata.org/entity/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
STAND_IN = f"""
<{WD}Q18393787> <{LABEL}> "قوات سوريا الديمقراطية"@ar .
<{WD}Q18393787> <{LABEL}> "Forces démocratiques syriennes"@fr .
<{WD}Q18393787> <{LABEL}> "Syrian Democratic Forces"@en .
<{WD}Q159> <{LABEL}> "روسيا"@ar .
<{WD}Q159> <{LABEL}> "Russland"@de .
<{WD}Q159> <{LABEL}> "Россия"@ru .
<{WD}Q159> <{LABEL}> "Russia"@en .
<{WD}Q794> <{LABEL}> "ایران"@fa .
<{WD}Q794> <{LABEL}> "İran"@tr .
<{WD}Q3766> <http://www.wikidata.org/prop/direct/P1082> "2079000"^^<http://www.w3.org/2001/XMLSchema#decimal> .
<{WD}Q3766> <http://www.wikidata.org/prop/direct/P625> "Point(36.291388888 33.513055555)"^^<http://www.opengis.net/ont/geosparql#wktLiteral> .
<{WD}Q34589> <http://www.wikidata.org/prop/direct/P625> "Point(47.441 31.004)"^^<http://www.opengis.net/ont/geosparql#wktLiteral> .
"""
JOIN = f"""PREFIX dzo: <https://w3id.org/deir-ez-zor-2024/ontology#>
SELECT ?actor ?name WHERE {{
  ?actor dzo:wikidataItem ?item .
  SERVICE <ENDPOINT> {{ ?item <{LABEL}> ?name FILTER(LANG(?name) = "ar") }}
}}"""
JSON = {"accept": "application/sparql-results+json"}


def rows(response: httpx.Response) -> set[tuple]:
    body = response.json()
    return {tuple(row.get(v, {}).get("value") for v in body["head"]["vars"]) for row in body["results"]["bindings"]}


@pytest.fixture(scope="module")
def stand_in(tmp_path_factory) -> Iterator[RecordingProxy]:
    """The Wikidata stand-in behind a recording proxy; the proxy's URL is the one to allowlist."""
    with oxigraph_endpoint(tmp_path_factory.mktemp("wikidata"), STAND_IN) as endpoint:
        with RecordingProxy(endpoint) as proxy:
            yield proxy


@pytest.fixture(scope="module")
def federating(stand_in) -> Iterator[TestClient]:
    with app_client(Settings(service_allow=(stand_in.url,), query_timeout=10)) as client:
        yield client


def test_service_join_brings_back_the_remote_rows(federating, stand_in):
    response = federating.get("/sparql", params={"query": JOIN.replace("ENDPOINT", stand_in.url)}, headers=JSON)
    assert response.status_code == 200
    assert rows(response) == {(DZR + "sdf", "قوات سوريا الديمقراطية")}


def test_federated_calls_name_the_project_in_their_user_agent(federating, stand_in):
    stand_in.requests.clear()
    federating.get("/sparql", params={"query": JOIN.replace("ENDPOINT", stand_in.url)})
    (agent,) = stand_in.user_agents
    assert re.match(r"deir-ez-zor-kg/\S+ \(https://w3id\.org/deir-ez-zor-2024/;", agent)
    assert "Oxigraph" not in agent


def test_service_named_in_a_string_or_comment_is_left_alone(federating, stand_in):
    query = (f'SELECT ?text WHERE {{ # SERVICE <{stand_in.url}>\n'
             f'  BIND("SERVICE <{stand_in.url}> {{ }}" AS ?text) }}')
    response = federating.get("/sparql", params={"query": query}, headers=JSON)
    assert rows(response) == {(f"SERVICE <{stand_in.url}> {{ }}",)}


def test_service_through_a_prefixed_name_goes_through_the_relay(federating, stand_in):
    base, _, local = stand_in.url.rpartition("/")
    query = JOIN.replace("<ENDPOINT>", f"remote:{local}").replace("SELECT", f"PREFIX remote: <{base}/>\nSELECT", 1)
    stand_in.requests.clear()
    response = federating.get("/sparql", params={"query": query}, headers=JSON)
    assert len(rows(response)) == 1
    assert all(agent.startswith("deir-ez-zor-kg/") for agent in stand_in.user_agents)


@pytest.mark.parametrize("silent", ["", "SILENT "])
def test_service_off_the_allowlist_is_403_and_never_contacted(federating, silent):
    with Listener() as listener:
        query = f"SELECT * WHERE {{ SERVICE {silent}<{listener.url}> {{ ?s ?p ?o }} }}"
        response = federating.get("/sparql", params={"query": query})
        time.sleep(0.1)
    assert response.status_code == 403
    assert listener.url in response.text
    assert listener.connections == 0


def test_relay_refuses_addresses_it_did_not_hand_out(federating, stand_in):
    relay: Relay = federating.app.state.relay
    good = relay.url_for(stand_in.url)
    stand_in.requests.clear()
    for wrong in (good.replace("/relay/", "/relay/x"), good[:-1] + "7", good.rsplit("/relay", 1)[0] + "/"):
        assert httpx.post(wrong, content="ASK {}", headers={"content-type": "application/sparql-query"}).status_code == 404
    assert stand_in.requests == []


def test_slow_endpoint_fails_the_query_at_the_service_timeout():
    with Listener(hold=True) as silent_endpoint:  # accepts and never answers
        settings = Settings(service_allow=(silent_endpoint.url,), service_timeout=0.5, query_timeout=10)
        with app_client(settings) as client:
            started = time.monotonic()
            response = client.get("/sparql", params={"query": JOIN.replace("ENDPOINT", silent_endpoint.url)})
    assert response.status_code == 502
    assert "did not answer within 0.5 s" in response.text and "/relay/" not in response.text
    assert time.monotonic() - started < 5


def test_oversized_service_answer_fails_the_query(stand_in):
    with app_client(Settings(service_allow=(stand_in.url,), max_service_bytes=100)) as client:
        response = client.get("/sparql", params={"query": JOIN.replace("ENDPOINT", stand_in.url)})
    assert response.status_code == 502
    assert "100 bytes" in response.text


def _online(store, name: str, stand_in: RecordingProxy) -> list[dict]:
    query = queries.find(ROOT, name)
    text = query.text.replace(f"<{WIKIDATA}>", f"<{stand_in.url}>")
    solutions = query_online(store, text, Settings(service_allow=(stand_in.url,)), use_default_graph_as_union=True)
    table = queries.table(solutions)
    return [{c: (t.value if t is not None else None) for c, t in zip(table.columns, row)} for row in table.rows]


def test_wikidata_labels_query_brings_names_in_other_languages(store, stand_in):
    found = {(row["actor"].rsplit("/", 1)[1], row["lang"], row["wikidataLabel"])
             for row in _online(store, "wikidata-labels", stand_in)}
    assert found == {("russia", "ar", "روسيا"), ("russia", "de", "Russland"), ("russia", "ru", "Россия"),
                     ("iran", "fa", "ایران"), ("iran", "tr", "İran")}


def test_wikidata_places_query_brings_population_and_coordinates(store, stand_in):
    found = {row["place"].rsplit("/", 1)[1]: (row["population"], row["coordinates"])
             for row in _online(store, "wikidata-places", stand_in)}
    assert found["damascus"] == ("2079000", "Point(36.291388888 33.513055555)")
    assert found["euphrates"] == (None, "Point(47.441 31.004)")
    assert found["syria"] == (None, None)


@pytest.mark.parametrize("name, kind", [("wikidata-labels", "Actor"), ("wikidata-places", "Place")])
def test_network_query_lists_exactly_the_linked_items(store, name, kind):
    """The items named inside SERVICE (it is sent without our bindings) are our links."""
    text = queries.find(ROOT, name).text
    listed = set(re.findall(r"wd:(Q\d+)", text[text.index("VALUES"):]))
    linked = {row["w"].value.rsplit("/", 1)[1] for row in store.query(
        "PREFIX dzo: <https://w3id.org/deir-ez-zor-2024/ontology#> "
        f"SELECT DISTINCT ?w WHERE {{ ?e a dzo:{kind} ; dzo:wikidataItem ?w }}", use_default_graph_as_union=True)}
    assert listed == linked


def test_network_queries_are_marked_and_call_only_wikidata():
    for query in queries.list_queries(ROOT):
        calls = set(re.findall(r"SERVICE\s+<([^>]+)>", query.text))
        assert query.needs_network == bool(calls), query.name
        assert calls <= {WIKIDATA}, query.name


def test_network_query_is_refused_offline(store):
    with pytest.raises(UsageError, match="remote SPARQL service"):
        queries.run(store, queries.find(ROOT, "wikidata-labels"))  # message: "...SERVICE); pass --online"


def test_online_query_off_the_allowlist_is_refused_before_any_call(store):
    with Listener() as listener:
        with pytest.raises(UsageError, match="not allowed"):
            query_online(store, JOIN.replace("ENDPOINT", listener.url), Settings())
    assert listener.connections == 0


def test_online_query_names_a_failing_service(store):
    with Listener(hold=True) as silent_endpoint:
        settings = Settings(service_allow=(silent_endpoint.url,), service_timeout=0.3)
        with pytest.raises(FederationError, match="did not answer within 0.3 s"):
            query_online(store, JOIN.replace("ENDPOINT", silent_endpoint.url), settings,
                         use_default_graph_as_union=True)


def test_kg_query_says_how_to_run_a_network_query(tmp_path):
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "kg", "query", "wikidata-labels"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 2 and "--online" in run.stderr


def test_relay_answer_is_bounded_without_a_network(tmp_path):
    """The relay against a transport that answers forever: the size cap stops it."""
    def endless(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=iter([b"x" * 1024] * 10_000))

    with Relay(["https://example.org/sparql"], max_bytes=4096, transport=httpx.MockTransport(endless)) as relay:
        answer = httpx.post(relay.url_for("https://example.org/sparql"), content="ASK {}",
                            headers={"content-type": "application/sparql-query"})
    assert answer.status_code == 502 and "4096 bytes" in answer.text


def test_pyoxigraph_sends_its_own_user_agent_without_the_relay():
    """Why the relay exists: pyoxigraph's client names itself, and we cannot change it."""
    with RecordingProxy("http://127.0.0.1:9/") as proxy:  # upstream never reached: answers 5xx
        with pytest.raises(OSError):
            list(pyoxigraph.Store().query(f"SELECT * WHERE {{ SERVICE <{proxy.url}> {{ ?s ?p ?o }} }}"))
    assert all(agent.startswith("Oxigraph/") for agent in proxy.user_agents)
