"""The Wikidata client. The live service is the one fake: its answers are replayed, in Wikidata's
real JSON format, from tests/data/wikidata/ through httpx.MockTransport."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from kg.errors import WikidataError, WikidataUnreachable
from kg.linking.wikidata import WikidataClient

RECORDED = Path(__file__).resolve().parents[1] / "data" / "wikidata"
SEARCHES = {
    "Deir ez-Zor": "wbsearchentities-deir-ez-zor.json",
    "Deir Ezzor": "wbsearchentities-deir-ezzor.json",
}


def recorded_store() -> ox.Store:
    """The real ontology with the small graph the recorded answers are about."""
    s = ox.Store()
    s.load(path=str(Path(__file__).resolve().parents[2] / "ontology" / "dzo.ttl"), format=ox.RdfFormat.TURTLE)
    s.load(path=str(RECORDED / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    return s


def recorded(name: str) -> dict:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


def replay(log: list[httpx.Request] | None = None) -> httpx.MockTransport:
    """Answers wbsearchentities and wbgetentities from the recorded files; anything else fails."""
    pool = recorded("wbgetentities-recorded.json")["entities"]

    def answer(request: httpx.Request) -> httpx.Response:
        if log is not None:
            log.append(request)
        params = request.url.params
        if params["action"] == "wbsearchentities":
            return httpx.Response(200, json=recorded(SEARCHES[params["search"]]))
        if params["action"] == "wbgetentities":
            ids = params["ids"].split("|")
            unknown = [i for i in ids if i not in pool]
            assert not unknown, f"no recording for {unknown}"
            return httpx.Response(200, json={"entities": {i: pool[i] for i in ids}, "success": 1})
        raise AssertionError(f"unexpected request {request.url}")

    return httpx.MockTransport(answer)


def client(transport: httpx.MockTransport, **options) -> WikidataClient:
    options.setdefault("min_interval", 0.0)
    options.setdefault("sleep", lambda seconds: None)
    return WikidataClient(httpx.Client(transport=transport), **options)


def missing_entities(request: httpx.Request) -> httpx.Response:
    ids = request.url.params["ids"].split("|")
    return httpx.Response(200, json={"entities": {i: {"id": i, "missing": ""} for i in ids}, "success": 1})


def test_every_request_sends_a_descriptive_user_agent():
    log: list[httpx.Request] = []
    client(replay(log)).search("Deir ez-Zor")
    agent = log[0].headers["User-Agent"]
    assert agent.startswith("deir-ez-zor-kg/")
    assert "(https://w3id.org/deir-ez-zor-2024/;" in agent and "httpx/" in agent


def test_search_returns_the_hits_best_first():
    hits = client(replay()).search("Deir ez-Zor")
    assert [h["id"] for h in hits] == ["Q999999901", "Q232387", "Q999999902"]


def test_get_entities_asks_for_120_ids_in_three_calls_of_at_most_50():
    calls: list[httpx.Request] = []

    def answer(request):
        calls.append(request)
        return missing_entities(request)

    ids = [f"Q{999999000 + n}" for n in range(120)]
    entities = client(httpx.MockTransport(answer)).get_entities(ids)
    sizes = [len(c.url.params["ids"].split("|")) for c in calls]
    assert sizes == [50, 50, 20]
    assert set(entities) == set(ids)


def test_a_429_is_retried_after_the_seconds_retry_after_asks_for():
    waits: list[float] = []
    answers = iter([
        httpx.Response(429, headers={"Retry-After": "7"}, text="Too many requests"),
        httpx.Response(200, json=recorded(SEARCHES["Deir ez-Zor"])),
    ])
    c = client(httpx.MockTransport(lambda request: next(answers)), sleep=waits.append)
    assert c.search("Deir ez-Zor")[0]["id"] == "Q999999901"
    assert waits == [7.0]


def test_server_errors_back_off_exponentially_then_give_up_with_a_clear_error():
    waits: list[float] = []
    c = client(httpx.MockTransport(lambda request: httpx.Response(503)), sleep=waits.append, retries=3)
    with pytest.raises(WikidataError, match="kept refusing .HTTP 503. after 4 attempts"):
        c.search("Deir ez-Zor")
    assert waits == [2.0, 4.0, 8.0]


def test_offline_fails_at_once_with_a_message_naming_the_api():
    def refuse(request):
        raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution", request=request)

    waits: list[float] = []
    started = time.monotonic()
    with pytest.raises(WikidataUnreachable, match=r"cannot reach Wikidata at https://www\.wikidata\.org/w/api\.php"):
        client(httpx.MockTransport(refuse), sleep=waits.append).search("Deir ez-Zor")
    assert time.monotonic() - started < 1.0
    assert waits == []


def test_a_cached_answer_is_not_asked_for_again(tmp_path):
    log: list[httpx.Request] = []
    first = client(replay(log), cache_dir=tmp_path).search("Deir ez-Zor")
    second = client(replay(log), cache_dir=tmp_path).search("Deir ez-Zor")
    assert second == first
    assert len(log) == 1


def test_a_cached_answer_older_than_the_maximum_age_is_asked_for_again(tmp_path):
    log: list[httpx.Request] = []
    client(replay(log), cache_dir=tmp_path).search("Deir ez-Zor")
    week_ago = time.time() - 8 * 86400
    for entry in tmp_path.iterdir():
        os.utime(entry, (week_ago, week_ago))
    client(replay(log), cache_dir=tmp_path).search("Deir ez-Zor")
    assert len(log) == 2


def test_requests_are_spaced_by_the_minimum_interval():
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds

    c = client(replay(), min_interval=1.5, sleep=sleep, clock=lambda: now[0])
    c.search("Deir ez-Zor")
    now[0] += 0.5
    c.search("Deir Ezzor")
    assert waits == [pytest.approx(1.0)]


def test_an_api_error_becomes_a_clear_error():
    error = {"error": {"code": "no-such-entity", "info": "Could not find an entity with the ID \"X1\"."}}
    c = client(httpx.MockTransport(lambda request: httpx.Response(200, json=error)))
    with pytest.raises(WikidataError, match="no-such-entity"):
        c.get_entities(["X1"])


def test_a_merged_item_comes_back_under_the_id_asked_for():
    entities = client(replay()).get_entities(["Q999999904"])
    assert entities["Q999999904"]["redirects"] == {"from": "Q999999904", "to": "Q999999905"}
