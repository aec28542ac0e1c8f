"""The explorer's data endpoint and pages over the real build (no browser): each named query it
uses answers with the facts the views draw, parameters are bound, and the pages carry their data
as escaped JSON and a table."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kg.service.app import create_app
from kg.settings import Settings

R = "https://w3id.org/deir-ez-zor-2024/resource/"
DZO = "https://w3id.org/deir-ez-zor-2024/ontology#"
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
    assert "needs the parameter day" in response.text and "?day=VALUE over HTTP" in response.text


def test_data_endpoint_malformed_date_is_400(client):
    response = client.get("/explorer/data/controller-on-date", params={"place": "dzr:abu-kamal", "day": "soon"})
    assert response.status_code == 400


def test_data_endpoint_unknown_parameter_is_400(client):
    assert client.get("/explorer/data/events", params={"colour": "red"}).status_code == 400


def test_places_query_has_the_verified_coordinates_with_arabic_names(client):
    found = {r["place"]: r for r in rows(client.get("/explorer/data/explorer-places"))}
    assert {R + s for s in ("abu-kamal", "damascus", "deir-ez-zor", "mayadin", "palmyra", "khasham", "hatla",
                            "al-salihiyah", "diban", "al-sawr-district")} <= set(found)
    assert R + "al-jurthi" not in found and R + "seven-villages" not in found
    assert found[R + "abu-kamal"]["wkt"] == "POINT(40.9185 34.4523)"
    assert found[R + "abu-kamal"]["arabic"] == "البو كمال"
    # its gazetteer record has none: the name comes from graph/arabic-names.ttl, with its source
    assert found[R + "al-rasafa"]["arabic"] == "الرصافة"


def test_event_places_are_places_the_map_can_draw(client):
    placed = {r["place"] for r in rows(client.get("/explorer/data/explorer-places"))}
    found = {(r["event"], r["place"]) for r in rows(client.get("/explorer/data/explorer-event-places"))}
    assert (R + "event-2024-12-06-sdf-seizes-abu-kamal", R + "abu-kamal") in found
    assert {place for _, place in found} <= placed


def test_event_places_say_how_precisely_the_place_is_known(client):
    precision = {(r["event"], r["place"]): r["precision"] for r in rows(client.get("/explorer/data/explorer-event-places"))}
    assert precision[(R + "event-2024-12-06-sdf-seizes-abu-kamal", R + "abu-kamal")] == "at the place"


def test_event_spans_give_the_window_of_a_vague_date(client):
    spans = {r["event"]: r for r in rows(client.get("/explorer/data/explorer-event-spans"))}
    launch = spans[R + "event-2024-11-21-hts-led-coalition-launches-offensive"]
    assert (launch["datePrecision"], launch["latestDate"]) == ("approximate", "2024-11-30")
    groups = {r["group"]: r for r in rows(client.get("/explorer/data/explorer-event-groups"))}
    offensives = groups[R + "2024-syrian-opposition-offensives"]
    assert (offensives["datePrecision"], offensives["latestDate"]) == ("approximate", "2024-11-30")
    assert groups[R + "deir-ez-zor-offensive-2024"]["endDate"] == "2024-12-11"


def test_grouping_events_are_bands_not_events_of_the_timeline(client):
    spans = {r["event"] for r in rows(client.get("/explorer/data/explorer-event-spans"))}
    assert R + "deir-ez-zor-offensive-2024" not in spans and R + "2025-diban-incident" not in spans
    later = {r["group"] for r in rows(client.get("/explorer/data/explorer-event-groups", params={"from": "2024-12-12"}))}
    assert R + "deir-ez-zor-offensive-2024" not in later and R + "2025-diban-incident" in later


def test_event_links_name_actors_and_places(client):
    links = {(r["event"], r["role"], r["thing"]) for r in rows(client.get("/explorer/data/explorer-event-links"))}
    event = R + "event-2024-11-25-isis-kills-oil-tanker-driver-al-makman"
    assert (event, "actor", R + "islamic-state") in links
    assert (event, "place", R + "al-makman") in links


@pytest.mark.parametrize("path, queries", [
    ("/network", {"who-supported-whom", "sides"}),
    ("/timeline", {"events", "explorer-event-spans", "explorer-event-links", "explorer-event-groups"}),
    ("/map", {"explorer-places", "explorer-event-places", "explorer-control"}),
    ("/casualties", {"casualties", "reported-totals"}),
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
    from kg.pages.explorer import OUTLINES

    response = client.get("/explorer/outlines.json")
    if not (root / OUTLINES).is_file():
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert response.json()["type"] == "Topology"


def test_explorer_scripts_are_served(client):
    for name in ("explorer.js", "network.js", "timeline.js", "map.js", "casualties.js", "explorer.css"):
        assert client.get(f"/static/explorer/{name}").status_code == 200, name


def editor_query(text: str) -> str:
    """The query a page's "query editor" link opens."""
    import html
    import urllib.parse

    link = re.search(r'<a href="/\?query=([^"]+)">query editor</a>', text).group(1)
    return urllib.parse.unquote(html.unescape(link))


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_network_with_more_support_relations_than_it_draws_says_so_instead(store):
    count = len(list(store.query(f"SELECT DISTINCT ?x WHERE {{ ?x a <{DZO}SupportRelation> }}",
                                 use_default_graph_as_union=True)))
    assert count > 1
    with TestClient(create_app(store, Settings(query_timeout=20.0, explorer_max_items=count - 1))) as small:
        text = small.get("/network", headers=BROWSER).text
        assert f"This graph holds {count:,} support relations; this view draws at most {count - 1:,}" in flat(text)
        assert 'id="explorer-data"' not in text and 'id="explorer-chart"' not in text
        assert 'class="explorer-window"' not in text  # the network has a day, not a window
        answer = small.post("/sparql", data={"query": editor_query(text)}, headers={"accept": RESULTS})
        assert answer.status_code == 200 and len(answer.json()["results"]["bindings"]) >= count
    with TestClient(create_app(store, Settings(query_timeout=20.0, explorer_max_items=count))) as enough:
        text = enough.get("/network", headers=BROWSER).text
        assert "This graph holds" not in text and 'id="explorer-data"' in text


LOCATED = "Event ; dzo:place/geo:hasGeometry/geo:asWKT ?wkt"
"""The map's marks: events at places with coordinates."""
DATED = [  # a view, the query whose rows it draws, what it draws and the path from a mark to its date
    ("/timeline", "events", "Event", "events", "dzo:date"),
    ("/casualties", "casualties", "CasualtyRecord", "casualty records", "dzo:casualtyEvent/dzo:date"),
    ("/map", "explorer-event-places", LOCATED, "events at places with coordinates", "dzo:date"),
]


def mark_dates(store, kind: str, path: str) -> list[str]:
    """The date of every mark of a view, latest first."""
    found = store.query(f"PREFIX dzo: <{DZO}> PREFIX geo: <http://www.opengis.net/ont/geosparql#> "
                        f"SELECT DISTINCT ?x ?d WHERE {{ ?x a dzo:{kind} ; {path} ?d }}",
                        use_default_graph_as_union=True)
    return sorted((row["d"].value for row in found), reverse=True)


def test_the_map_counts_only_the_events_it_can_place(store):
    located, events = len(mark_dates(store, LOCATED, "dzo:date")), len(mark_dates(store, "Event", "dzo:date"))
    assert 0 < located < events
    with TestClient(create_app(store, Settings(query_timeout=20.0, explorer_max_items=located))) as small:
        text = small.get("/map", headers=BROWSER).text
        assert "This graph holds" not in text
        drawn = {row["event"]["value"] for row in embedded(text)["explorer-event-places"]["results"]["bindings"]}
        assert len(drawn) == located
        assert f"This graph holds {events:,} events, more than this view draws ({located:,})" in flat(
            small.get("/timeline", headers=BROWSER).text)


@pytest.mark.parametrize("path,query,kind,noun,dated", DATED)
def test_a_dated_view_with_too_many_marks_draws_the_latest_that_fit(store, path, query, kind, noun, dated):
    from datetime import date, timedelta

    dates = mark_dates(store, kind, dated)
    limit = len(dates) // 3
    start = (date.fromisoformat(dates[limit]) + timedelta(days=1)).isoformat()
    shown = sum(d >= start for d in dates)
    assert 0 < shown <= limit
    with TestClient(create_app(store, Settings(query_timeout=20.0, explorer_max_items=limit))) as small:
        text = small.get(path, headers=BROWSER).text
        assert (f"This graph holds {len(dates):,} {noun}, more than this view draws ({limit:,}): it shows the "
                f"latest {shown:,}, from {start}.") in flat(text)
        assert f'name="from" value="{start}"' in text
        data = embedded(text)[query]["results"]["bindings"]
        assert data and min(row["date"]["value"] for row in data) >= start
        if query == "casualties":
            assert len(data) == shown


def test_a_dated_view_draws_nothing_when_not_even_the_latest_day_fits(store):
    events = len(mark_dates(store, "Event", "dzo:date"))
    with TestClient(create_app(store, Settings(query_timeout=20.0, explorer_max_items=0))) as none:
        text = flat(none.get("/timeline", headers=BROWSER).text)
        assert f"This graph holds {events:,} events; this view draws at most 0, so it is not drawn here." in text
        assert "it shows the latest" not in text and 'id="explorer-data"' not in text


@pytest.mark.parametrize("path,query,kind,noun,dated", DATED)
def test_a_window_with_too_many_marks_says_so_and_opens_the_window_in_the_editor(store, path, query, kind, noun,
                                                                                  dated):
    dates = mark_dates(store, kind, dated)
    inside = sum("2024-11-01" <= d <= "2024-12-06" for d in dates)
    with TestClient(create_app(store, Settings(query_timeout=20.0, explorer_max_items=inside - 1))) as small:
        text = small.get(path, params={"from": "2024-11-01", "to": "2024-12-06"}, headers=BROWSER).text
        assert (f"Between 2024-11-01 and 2024-12-06 this graph holds {inside:,} {noun}; "
                f"this view draws at most {inside - 1:,}") in flat(text)
        assert 'id="explorer-data"' not in text
        answer = small.post("/sparql", data={"query": editor_query(text)}, headers={"accept": RESULTS})
        found = {row["date"]["value"] for row in answer.json()["results"]["bindings"]}
        assert found and min(found) >= "2024-11-01" and max(found) <= "2024-12-06"


def test_a_window_draws_the_rows_of_its_days_only(client, store):
    whole = embedded(client.get("/timeline", headers=BROWSER).text)
    text = client.get("/timeline", params={"from": "2024-11-27", "to": "2024-12-03"}, headers=BROWSER).text
    data = embedded(text)
    for name in ("events", "explorer-event-spans"):
        expected = [row for row in whole[name]["results"]["bindings"]
                    if "2024-11-27" <= row["date"]["value"] <= "2024-12-03"]
        assert data[name]["results"]["bindings"] == expected and expected
    events = {row["event"]["value"] for row in data["events"]["results"]["bindings"]}
    assert {row["event"]["value"] for row in data["explorer-event-links"]["results"]["bindings"]} <= events
    assert 'name="from" value="2024-11-27"' in text and 'name="to" value="2024-12-03"' in text
    table = text[text.index('class="explorer-table"'):]
    assert "<td>2024-11-25</td>" not in table and "<td>2024-12-03</td>" in table


def test_the_views_links_carry_the_window_and_focus(client):
    text = client.get("/timeline", params={"from": "2024-11-27", "focus": R + "mayadin"}, headers=BROWSER).text
    assert 'href="/map?focus=https%3A%2F%2Fw3id.org%2Fdeir-ez-zor-2024%2Fresource%2Fmayadin&amp;from=2024-11-27"' in text


@pytest.mark.parametrize("params,message", [
    ({"from": "2024-13-01"}, "parameter from: '2024-13-01' is not a day"),
    ({"to": "1 December"}, "parameter to: '1 December' is not a date of the form YYYY-MM-DD"),
    ({"from": "2024-12-06", "to": "2024-12-01"}, "the window starts (2024-12-06) after it ends (2024-12-01)"),
])
def test_a_bad_window_is_refused_by_name(client, params, message):
    response = client.get("/casualties", params=params, headers=BROWSER)
    assert response.status_code == 400
    assert message in response.text


@pytest.mark.parametrize("path", ["/network", "/map"])
@pytest.mark.parametrize("day,message", [("garbage", "parameter day: 'garbage' is not a date of the form YYYY-MM-DD"),
                                         ("2024-13-05", "parameter day: '2024-13-05' is not a day")])
def test_a_bad_day_is_refused_by_name(client, path, day, message):
    response = client.get(path, params={"day": day}, headers=BROWSER)
    assert response.status_code == 400
    assert message in response.text


def test_a_good_day_is_kept(client):
    assert 'value="2024-12-08"' in client.get("/network", params={"day": "2024-12-08"}, headers=BROWSER).text


def test_a_negative_explorer_limit_is_refused_by_name(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "kg.service.server", str(tmp_path), "--no-build-data",
                             "--explorer-max-items", "-1"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "explorer-max-items must not be negative" in result.stderr


def test_the_query_page_says_which_parameters_a_named_query_takes(client):
    text = flat(client.get("/", headers=BROWSER).text)
    assert ("<code>?from</code> (date, optional: the first day of a window (YYYY-MM-DD), by the date of the event;"
            " from the first when left out)") in text
    assert "<code>?place</code> (iri: the place" in text and "<code>?day</code> (date: the day asked about" in text
    assert "<code>kg query controller-on-date --param NAME=VALUE</code> or" in text
    assert "<code>GET /explorer/data/controller-on-date?NAME=VALUE</code>" in text
    # events, casualties and reported-totals take a window; controller-on-date, events-of-actor and the
    # gallery's events-on-day, losses-of-party, actions-of-actor and events-citing-reference a parameter.
    assert text.count("Parameters:") == 9



def test_a_named_query_is_served_as_text_with_its_parameters_written_in(client):
    response = client.get("/queries/controller-on-date", params={"place": "dzr:abu-kamal", "day": "2024-12-08"})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == "application/sparql-query"
    assert f'VALUES (?place ?day) {{ (<{R}abu-kamal> "2024-12-08"^^<http://www.w3.org/2001/XMLSchema#date>) }}' \
        in response.text
    answered = client.post("/sparql", content=response.text,
                           headers={"content-type": "application/sparql-query", "accept": RESULTS})
    assert {r["controller"] for r in rows(answered)} == {R + "syrian-democratic-forces"}


def test_a_named_query_without_parameters_is_its_file(client, root):
    response = client.get("/queries/who-supported-whom")
    assert response.text == (root / "queries" / "who-supported-whom.rq").read_text(encoding="utf-8")


@pytest.mark.parametrize("params, status, words", [
    ({"place": "dzr:abu-kamal"}, 400, "needs the parameter day"),
    ({"place": "dzr:abu-kamal", "day": "soon"}, 400, "day"),
    ({"place": "dzr:abu-kamal", "day": "2024-12-08", "colour": "red"}, 400, "no parameter colour")])
def test_a_named_query_with_bad_parameters_is_400_naming_them(client, params, status, words):
    response = client.get("/queries/controller-on-date", params=params)
    assert response.status_code == status and words in response.text


def test_an_unknown_named_query_is_404(client):
    assert client.get("/queries/no-such-query").status_code == 404


def test_the_query_page_opens_on_the_editor_with_the_questions_beside_it(client):
    text = client.get("/", headers=BROWSER).text
    assert text.index('id="yasgui"') < text.index('class="named-queries"')
    assert text.index('id="query-text"') < text.index('class="named-queries"')
    assert 'action="/queries/controller-on-date"' in text
    assert re.search(r'<input name="day" placeholder="YYYY-MM-DD" required', text)


def test_the_query_page_lists_no_explorer_query(client, root):
    text = client.get("/", headers=BROWSER).text
    assert 'action="/queries/explorer-' not in text
    listed = set(re.findall(r'action="/queries/([a-z0-9-]+)"', text))
    assert listed == {p.stem for p in (root / "queries").glob("*.rq") if not p.stem.startswith("explorer-")}


DATE_AS_STRING = ('PREFIX dzo: <https://w3id.org/deir-ez-zor-2024/ontology#>\n'
                  'SELECT ?e WHERE { ?e dzo:date ?date . FILTER(?date = "2024-12-08") }')


def test_a_date_compared_with_a_plain_string_is_warned_of_naming_the_datatype(client):
    response = client.get("/query/warnings", params={"query": DATE_AS_STRING})
    assert response.status_code == 200
    (said,) = response.json()["warnings"]
    assert '?date is compared with the plain string "2024-12-08"' in said
    assert 'write "2024-12-08"^^xsd:date' in said


@pytest.mark.parametrize("query", [
    DATE_AS_STRING.replace('"2024-12-08"', '"2024-12-08"^^<http://www.w3.org/2001/XMLSchema#date>'),
    'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s WHERE { ?s rdfs:label ?l FILTER(?l = "x") }',
    "SELECT * WHERE { ?s ?p ?o", ""])
def test_right_comparisons_string_values_and_broken_text_are_not_warned_of(client, query):
    assert client.get("/query/warnings", params={"query": query}).json() == {"warnings": []}


def test_the_query_page_offers_the_questions_not_the_explorers_queries(client):
    text = flat(client.get("/", headers=BROWSER).text)
    assert "Who held a place on a given day?" in text and "What happened on a given day?" in text
    assert 'data-name="explorer-event-spans"' not in text and 'data-name="events"' in text


def test_an_event_page_says_how_precisely_its_place_is_known(client):
    text = flat(client.get("/resource/event-2024-12-03-us-strike-near-deir-ez-zor-airport", headers=BROWSER).text)
    assert "location precision" in text and "near the place" in text
