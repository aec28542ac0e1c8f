"""The explorer's data endpoint and pages over the real build (no browser): each named query it
uses answers with the facts the views draw, parameters are bound, and the pages carry their data
as escaped JSON and a table."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kg.service import create_app
from kg.settings import Settings

R = "https://w3id.org/deir-ez-zor-2024/resource/"
RESULTS = "application/sparql-results+json"
BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def client(store) -> Iterator[TestClient]:
    with TestClient(create_app(store, Settings(query_timeout=20.0))) as test_client:
        yield test_client


def rows(response) -> list[dict]:
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def embedded(html: str) -> dict:
    match = re.search(r'<script id="explorer-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_data_endpoint_answers_sparql_json(client):
    response = client.get("/explorer/data/who-supported-whom")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == RESULTS
    assert (R + "cjtf-oir", R + "syrian-democratic-forces") in {(r["supporter"], r["supported"]) for r in rows(response)}


def test_data_endpoint_binds_parameters(client):
    response = client.get("/explorer/data/controller-on-date",
                          params={"place": "dzr:abu-kamal", "day": "2024-12-08"})
    assert response.status_code == 200
    assert {r["controller"] for r in rows(response)} == {R + "syrian-democratic-forces"}


def test_data_endpoint_honours_accept(client):
    response = client.get("/explorer/data/sides", headers={"accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == "text/csv"
    assert response.text.splitlines()[0].split(",") == ["side", "sideLabel", "member", "memberLabel", "since", "until"]


def test_data_endpoint_unknown_query_is_404(client):
    assert client.get("/explorer/data/no-such-query").status_code == 404


def test_data_endpoint_missing_parameter_is_400(client):
    response = client.get("/explorer/data/controller-on-date", params={"place": "dzr:abu-kamal"})
    assert response.status_code == 400
    assert "day" in response.text


def test_data_endpoint_malformed_date_is_400(client):
    response = client.get("/explorer/data/controller-on-date", params={"place": "dzr:abu-kamal", "day": "soon"})
    assert response.status_code == 400


def test_data_endpoint_unknown_parameter_is_400(client):
    assert client.get("/explorer/data/events", params={"colour": "red"}).status_code == 400


def test_places_query_has_exactly_the_verified_coordinates(client):
    found = {r["place"]: r["wkt"] for r in rows(client.get("/explorer/data/explorer-places"))}
    assert set(found) == {R + s for s in ("abu-kamal", "damascus", "deir-ez-zor", "mayadin", "palmyra")}
    assert found[R + "abu-kamal"] == "POINT(40.9185 34.4523)"


def test_event_places_put_the_abu_kamal_capture_at_abu_kamal(client):
    found = {(r["event"], r["place"]) for r in rows(client.get("/explorer/data/explorer-event-places"))}
    assert (R + "event-2024-12-06-sdf-seizes-abu-kamal", R + "abu-kamal") in found
    assert {place for _, place in found} <= {R + s for s in ("abu-kamal", "damascus", "deir-ez-zor", "mayadin", "palmyra")}


def test_event_spans_give_the_window_of_a_vague_date(client):
    spans = {r["event"]: r for r in rows(client.get("/explorer/data/explorer-event-spans"))}
    offensives = spans[R + "2024-syrian-opposition-offensives"]
    assert (offensives["datePrecision"], offensives["latestDate"]) == ("approximate", "2024-11-30")
    assert spans[R + "deir-ez-zor-offensive-2024"]["endDate"] == "2024-12-11"


def test_event_links_name_actors_and_places(client):
    links = {(r["event"], r["role"], r["thing"]) for r in rows(client.get("/explorer/data/explorer-event-links"))}
    event = R + "event-2024-11-25-isis-kills-oil-tanker-driver-al-makman"
    assert (event, "actor", R + "islamic-state") in links
    assert (event, "place", R + "al-makman") in links


@pytest.mark.parametrize("path, queries", [
    ("/network", {"who-supported-whom", "sides"}),
    ("/timeline", {"events", "explorer-event-spans", "explorer-event-links"}),
    ("/map", {"explorer-places", "explorer-event-places", "explorer-control"}),
    ("/casualties", {"casualties"}),
])
def test_view_page_embeds_its_query_results(client, path, queries):
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    data = embedded(response.text)
    assert set(data) == queries
    assert all(data[name]["results"]["bindings"] for name in queries)


def test_network_table_links_the_coalition_to_its_page(client):
    text = client.get("/network", headers=BROWSER).text
    assert '<a href="/resource/cjtf-oir">CJTF–OIR</a>' in text
    assert '<a href="/resource/syrian-democratic-forces">Syrian Democratic Forces</a>' in text


def test_timeline_table_lists_both_25_november_events(client):
    text = client.get("/timeline", headers=BROWSER).text
    table = text[text.index('class="explorer-table"'):]
    assert table.count("<td>2024-11-25</td>") == 2


def test_focus_parameter_is_escaped(client):
    text = client.get("/map", params={"focus": '"><script>alert(1)</script>'}, headers=BROWSER).text
    assert "<script>alert(1)</script>" not in text
    assert "&#34;&gt;&lt;script&gt;" in text or "&quot;&gt;&lt;script&gt;" in text


def test_embedded_json_cannot_close_its_script_element(client):
    text = client.get("/timeline", headers=BROWSER).text
    block = text[text.index('<script id="explorer-data"'):]
    body = block[block.index(">") + 1:block.index("</script>")]
    assert "<" not in body and ">" not in body


def test_navigation_links_to_every_view(client):
    text = client.get("/", headers=BROWSER).text
    for path in ("/network", "/timeline", "/map", "/casualties"):
        assert f'href="{path}"' in text


def test_resource_page_links_to_the_views_focused_on_it(client):
    text = client.get("/resource/abu-kamal", headers=BROWSER).text
    assert 'href="/map?focus=https%3A//w3id.org/deir-ez-zor-2024/resource/abu-kamal"' in text
    assert 'href="/timeline?focus=https%3A//w3id.org/deir-ez-zor-2024/resource/abu-kamal"' in text


def test_outlines_are_served_from_the_installed_dataset(client, root):
    from kg.explorer import OUTLINES

    response = client.get("/explorer/outlines.json")
    if not (root / OUTLINES).is_file():
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert response.json()["type"] == "Topology"


def test_explorer_scripts_are_served(client):
    for name in ("explorer.js", "network.js", "timeline.js", "map.js", "casualties.js", "explorer.css"):
        assert client.get(f"/static/explorer/{name}").status_code == 200, name


@pytest.mark.parametrize("path,kind,noun", [
    ("/timeline", "Event", "events"),
    ("/casualties", "CasualtyRecord", "casualty records"),
    ("/network", "SupportRelation", "support relations"),
])
def test_a_view_with_more_marks_than_it_draws_says_so_instead(store, path, kind, noun):
    import html
    import urllib.parse

    count = len({row["x"] for row in store.query(
        f"SELECT DISTINCT ?x WHERE {{ ?x a <https://w3id.org/deir-ez-zor-2024/ontology#{kind}> }}",
        use_default_graph_as_union=True)})
    assert count > 1
    with TestClient(create_app(store, Settings(query_timeout=20.0, explorer_max_items=count - 1))) as small:
        text = small.get(path, headers=BROWSER).text
        assert f"This graph holds {count:,} {noun}; this view draws at most {count - 1:,}" in " ".join(text.split())
        assert 'id="explorer-data"' not in text and 'id="explorer-chart"' not in text
        link = re.search(r'<a href="/\?query=([^"]+)">query editor</a>', text).group(1)
        query = urllib.parse.unquote(html.unescape(link))
        answer = small.post("/sparql", data={"query": query}, headers={"accept": RESULTS})
        assert answer.status_code == 200 and answer.json()["results"]["bindings"]
    with TestClient(create_app(store, Settings(query_timeout=20.0, explorer_max_items=count))) as enough:
        text = enough.get(path, headers=BROWSER).text
        assert "This graph holds" not in text and 'id="explorer-data"' in text


def test_a_negative_explorer_limit_is_refused_by_name(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "kg.server", str(tmp_path), "--no-build-data",
                             "--explorer-max-items", "-1"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "explorer-max-items must not be negative" in result.stderr
