"""The explorer views in a real browser (Debian's headless Chromium through selenium) against
`kg serve` on a free port: what each view draws, the date controls, the filters, and that a
click opens the resource page. Screenshots go to tests/artifacts/ (not committed)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pages.browser import chromium, kg_server, missing, screenshot

pytestmark = pytest.mark.skipif(missing() is not None, reason=str(missing()))

R = "https://w3id.org/deir-ez-zor-2024/resource/"


@pytest.fixture(scope="module")
def site(root, dist, tmp_path_factory) -> Iterator[str]:
    with kg_server(root, dist, tmp_path_factory.mktemp("explorer") / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as driver:
        yield driver


def open_view(browser, url: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url)
    WebDriverWait(browser, 20).until(
        lambda d: d.find_element(By.ID, "explorer-chart").get_attribute("data-drawn") == "true")
    return browser


def css(browser, selector: str) -> list:
    from selenium.webdriver.common.by import By

    return browser.find_elements(By.CSS_SELECTOR, selector)


def set_day(browser, day: str) -> None:
    browser.execute_script(
        "var i = document.getElementById('day'); i.value = arguments[0];"
        "i.dispatchEvent(new Event('change'));", day)


def edge(supporter: str, supported: str) -> str:
    return f'.edge[data-supporter="{R}{supporter}"][data-supported="{R}{supported}"]'


def follow(browser, element, slug: str) -> str:
    from selenium.webdriver.support.ui import WebDriverWait

    element.click()
    WebDriverWait(browser, 20).until(lambda d: d.current_url.endswith("/resource/" + slug))
    return browser.find_element("tag name", "h1").text


def page_errors(browser) -> list[dict]:
    return [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and "favicon.ico" not in e["message"]]


def test_network_draws_the_sdf_with_an_edge_from_the_coalition(site, browser):
    open_view(browser, site + "/network")
    assert css(browser, f'.node[data-iri="{R}syrian-democratic-forces"]')
    kinds = {e.get_attribute("data-kind") for e in css(browser, edge("cjtf-oir", "syrian-democratic-forces"))}
    assert kinds == {"backing", "air support"}
    assert "air support" in browser.find_element("css selector", ".edge-labels").text
    screenshot(browser, "network")
    assert page_errors(browser) == []


def test_network_as_of_a_day_drops_ended_support(site, browser):
    open_view(browser, site + "/network")
    set_day(browser, "2024-12-01")
    assert not css(browser, edge("russia", "syrian-arab-republic"))
    assert css(browser, edge("iran", "syrian-arab-republic"))
    assert css(browser, edge("cjtf-oir", "syrian-democratic-forces"))
    screenshot(browser, "network-2024-12-01")
    set_day(browser, "2024-12-07")
    assert not css(browser, edge("iran", "syrian-arab-republic"))
    assert len(css(browser, edge("cjtf-oir", "syrian-democratic-forces"))) == 2


def test_network_node_click_opens_the_resource_page(site, browser):
    open_view(browser, site + "/network")
    node = css(browser, f'.node[data-iri="{R}syrian-democratic-forces"]')[0]
    assert follow(browser, node, "syrian-democratic-forces") == "Syrian Democratic Forces"


def test_timeline_draws_both_25_november_events(site, browser):
    open_view(browser, site + "/timeline")
    assert len(css(browser, '.event[data-date="2024-11-25"]')) == 2
    vague = css(browser, f'.event[data-event="{R}event-2024-11-21-hts-led-coalition-launches-offensive"] rect.span.vague')
    assert vague, "the late-November launch of the offensives should be drawn as a vague span"
    assert css(browser, f'.band[data-group="{R}deir-ez-zor-offensive-2024"] rect.band-area'), \
        "the offensive should be drawn as a band behind its incidents"
    assert not css(browser, f'.event[data-event="{R}deir-ez-zor-offensive-2024"]'), "an offensive is not an incident"
    screenshot(browser, "timeline")
    assert page_errors(browser) == []


def test_timeline_window_form_draws_only_its_days(site, browser):
    from selenium.webdriver.support.ui import WebDriverWait

    open_view(browser, site + "/timeline")
    everything = {e.get_attribute("data-date") for e in css(browser, ".event")}
    browser.execute_script("var f = document.querySelector('form.explorer-window');"
                           "f.elements['from'].value = '2024-11-27'; f.elements['to'].value = '2024-12-03';"
                           "f.querySelector('button').click();")
    WebDriverWait(browser, 20).until(lambda d: "from=2024-11-27" in d.current_url)
    open_view(browser, browser.current_url)
    drawn = {e.get_attribute("data-date") for e in css(browser, ".event")}
    assert drawn == {d for d in everything if "2024-11-27" <= d <= "2024-12-03"} and drawn != everything
    screenshot(browser, "timeline-window")
    assert page_errors(browser) == []


def test_timeline_filters_by_actor(site, browser):
    from selenium.webdriver.support.ui import Select

    open_view(browser, site + "/timeline")
    Select(browser.find_element("id", "filter-actor")).select_by_value(R + "asayish")
    drawn = {e.get_attribute("data-event") for e in css(browser, ".event")}
    assert drawn == {R + "event-2024-11-25-isis-asayish-clash-al-khorafy-road"}


def test_timeline_event_click_opens_the_event_page(site, browser):
    open_view(browser, site + "/timeline")
    event = css(browser, f'.event[data-event="{R}event-2024-11-25-isis-kills-oil-tanker-driver-al-makman"]')[0]
    assert "oil tanker driver" in follow(browser, event, "event-2024-11-25-isis-kills-oil-tanker-driver-al-makman")


def test_map_places_abu_kamal_with_its_holder_on_the_day(site, browser):
    open_view(browser, site + "/map?day=2024-12-08")
    place = css(browser, f'.place[data-place="{R}abu-kamal"]')
    assert place and place[0].get_attribute("data-holder") == R + "syrian-democratic-forces"
    assert css(browser, f'.map-event[data-event="{R}event-2024-12-06-sdf-seizes-abu-kamal"][data-precision="at the place"]')
    assert css(browser, ".scale-bar")
    screenshot(browser, "map")
    assert page_errors(browser) == []


def test_map_day_control_asks_again(site, browser):
    from selenium.webdriver.support.ui import WebDriverWait

    open_view(browser, site + "/map?day=2024-12-08")
    set_day(browser, "2024-12-11")
    WebDriverWait(browser, 20).until(lambda d: d.find_element("id", "explorer-chart").get_attribute("data-day") == "2024-12-11")
    place = css(browser, f'.place[data-place="{R}abu-kamal"]')[0]
    assert place.get_attribute("data-holder") == R + "syrian-opposition"


def test_map_place_click_opens_the_resource_page(site, browser):
    open_view(browser, site + "/map")
    place = css(browser, f'.place[data-place="{R}abu-kamal"] circle')[0]
    assert follow(browser, place, "abu-kamal") == "Abu Kamal البو كمال"


def test_map_writes_the_arabic_name_beside_the_english_one(site, browser):
    open_view(browser, site + "/map")
    # Abu Kamal lies apart, so its label always fits (in the Seven Villages some are left out).
    label = css(browser, f'.place[data-place="{R}abu-kamal"] .place-label')[0]
    assert label.text == "Abu Kamal البو كمال"
    assert css(browser, f'.place[data-place="{R}abu-kamal"] .place-arabic')[0].get_attribute("lang") == "ar"
    assert page_errors(browser) == []


def test_casualties_chart_draws_a_bar_per_party_and_month(site, browser):
    open_view(browser, site + "/casualties")
    sdf = css(browser, f'.party[data-party="{R}syrian-democratic-forces"]')
    assert sdf
    values = {(b.get_attribute("data-month"), b.get_attribute("data-value")) for b in css(browser, ".bar")}
    assert ("2024-11", "5") in values
    # The infobox's total of the SDF side stands apart, as a total: not in any month's bar.
    totals = {(b.get_attribute("data-party"), b.get_attribute("data-value")) for b in css(browser, ".party.total")}
    assert (R + "side-sdf", "10") in totals
    assert not css(browser, f'.party:not(.total)[data-party="{R}side-sdf"]')
    screenshot(browser, "casualties")
    assert page_errors(browser) == []


@pytest.mark.parametrize("path,message", [
    ("/timeline?from=2030-01-01", "No events to draw in these dates."),
    ("/casualties?from=2030-01-01", "No casualty figures to draw in these dates."),
])
def test_a_window_without_marks_says_so_instead_of_a_broken_chart(site, browser, path, message):
    open_view(browser, site + path)
    assert [p.text for p in css(browser, "#explorer-chart .explorer-nothing")] == [message]
    assert page_errors(browser) == []


def test_a_map_of_a_graph_without_coordinates_says_so(browser, tmp_path):
    import sys

    from tests.servers import free_port, running
    from tests.service_fixtures import SERVICE_DATA

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running([sys.executable, "-m", "kg.service.server", str(SERVICE_DATA), "--port", str(port)], url + "/health",
                 tmp_path / "server.log"):
        open_view(browser, url + "/map")
        [note] = css(browser, "#explorer-chart .explorer-nothing")
        assert note.text.startswith("No place in this graph has verified coordinates")
        assert page_errors(browser) == []


def test_the_network_of_a_graph_without_support_relations_says_so(browser, tmp_path):
    import sys

    from tests.servers import free_port, running

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    empty = tmp_path / "empty.ttl"
    empty.write_text("# no triples\n")
    with running([sys.executable, "-m", "kg.service.server", str(tmp_path), "--no-build-data", "--load", str(empty),
                  "--port", str(port), "--allow-empty"], url + "/health", tmp_path / "server.log"):
        open_view(browser, url + "/network")
        assert [p.text for p in css(browser, "#explorer-chart .explorer-nothing")] == [
            "No support relations to draw in this graph."]
        assert page_errors(browser) == []


@pytest.mark.parametrize("path, ready", [
    ("/", "#yasgui .yasgui, #plain-query:not([hidden])"), ("/network", "#explorer-chart[data-drawn='true']"),
    ("/timeline", "#explorer-chart[data-drawn='true']"), ("/map", "#explorer-chart[data-drawn='true']"),
    ("/casualties", "#explorer-chart[data-drawn='true']"), ("/resource/syrian-democratic-forces", "h1"),
    ("/search?q=Abu", "h1")])
def test_pages_run_under_the_content_security_policy_without_a_violation(browser, site, path, ready):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get_log("browser")  # what earlier pages logged
    browser.get(site + path)
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ready))
    refused = [entry["message"] for entry in browser.get_log("browser")
               if "Content Security Policy" in entry["message"]]
    assert refused == []


def _question(browser, name: str):
    from selenium.webdriver.common.by import By

    return browser.find_element(By.CSS_SELECTOR, f"form.named-query[data-name='{name}']")


def test_a_question_of_the_query_page_runs_with_its_parameters(browser, site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(site + "/")
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .yasgui, #plain-query:not([hidden])"))
    question = _question(browser, "controller-on-date")
    question.find_element(By.NAME, "place").send_keys("dzr:abu-kamal")
    question.find_element(By.NAME, "day").send_keys("2024-12-08")
    question.find_element(By.CSS_SELECTOR, "button").click()
    WebDriverWait(browser, 20).until(
        lambda d: "syrian-democratic-forces" in d.find_element(By.CSS_SELECTOR, ".yasr, #plain-results").text)
    screenshot(browser, "query-page-question")


def test_a_question_with_a_bad_parameter_says_what_is_wrong_beside_it(browser, site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(site + "/")
    question = _question(browser, "controller-on-date")
    question.find_element(By.NAME, "place").send_keys("dzr:abu-kamal")
    question.find_element(By.NAME, "day").send_keys("soon")
    question.find_element(By.CSS_SELECTOR, "button").click()
    error = question.find_element(By.CSS_SELECTOR, ".query-error")
    WebDriverWait(browser, 20).until(lambda d: error.is_displayed())
    assert "day" in error.text


def test_the_query_page_warns_of_a_date_compared_with_a_plain_string(browser, site):
    from urllib.parse import quote

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    query = ('PREFIX dzo: <https://w3id.org/deir-ez-zor-2024/ontology#>\n'
             'SELECT ?e WHERE { ?e dzo:date ?date . FILTER(?date = "2024-12-08") }')
    browser.get(site + "/?query=" + quote(query))
    WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".yasqe_queryButton, #plain-query:not([hidden]) button"))
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton, #plain-query:not([hidden]) button").click()
    warnings = browser.find_element(By.ID, "query-warnings")
    WebDriverWait(browser, 20).until(lambda d: warnings.is_displayed())
    assert 'write "2024-12-08"^^xsd:date' in warnings.text


def test_map_labels_do_not_overlap_and_a_left_out_one_keeps_its_tooltip(site, browser):
    """The places of the Seven Villages lie a few kilometres apart: their labels were drawn over
    each other until none could be read."""
    open_view(browser, site + "/map")
    boxes = browser.execute_script(
        "return Array.from(document.querySelectorAll('.place-label, .place-holder')).map(function (t) {"
        "  var b = t.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height, t.textContent]; });")
    assert len(boxes) >= 10
    clashes = [(a[4], b[4]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
               if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]
    assert clashes == []
    unlabelled = css(browser, '.place[data-labelled="false"]')
    assert unlabelled and all(p.find_element("css selector", "title").get_attribute("textContent")
                              for p in unlabelled)
    screenshot(browser, "map-labels")
