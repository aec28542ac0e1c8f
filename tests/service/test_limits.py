"""Limits and timeouts under hostile queries: pathological ones stop at the deadline and stop
using CPU while light ones keep their latency; a full pool answers 503 at once; caps on body,
query and result size answer 413 naming the limit; a killed worker is replaced.

(tests/store/test_workers.py has the basic deadline, 503 and kill checks; these add the
query shapes, CPU, latency, burst and size checks.)
"""
from __future__ import annotations

import os
import signal
import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from kg.settings import Settings
from tests.hardening_fixtures import alive, cpu_seconds, descendants
from tests.service_fixtures import TOKEN, app_client, wait_until_no_worker_is_idle

PATHOLOGICAL = {
    "cross-product": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?q }",
    "property-path": ("SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:x>|!<urn:x>)* ?b . ?c (<urn:x>|!<urn:x>)* ?d . "
                      "?e (!<urn:y>)* ?f . ?g (^<urn:x>|!^<urn:x>)+ ?h }"),
    "group-concat": ("SELECT (STRLEN(GROUP_CONCAT(CONCAT(STR(?a), STR(?d), STR(?g)))) AS ?n) "
                     "WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"),
}
ASK = {"query": "ASK {}"}


@pytest.fixture(scope="module")
def deadline_service() -> Iterator[TestClient]:
    """Two workers and a one-second deadline; the one test client stands for several clients
    (client_workers=2: the share of one client is tested on its own)."""
    with app_client(Settings(workers=2, client_workers=2, query_timeout=1.0, queue_wait=0.5)) as client:
        yield client


def _worker_cpu(client: TestClient) -> float:
    return cpu_seconds(descendants(os.getpid()))


@pytest.mark.parametrize("shape", sorted(PATHOLOGICAL))
def test_pathological_query_stops_at_the_deadline_and_stops_using_cpu(deadline_service, shape):
    pool = deadline_service.app.state.pool
    before = set(pool._workers)
    started = time.monotonic()
    response = deadline_service.get("/sparql", params={"query": PATHOLOGICAL[shape]})
    elapsed = time.monotonic() - started
    assert response.status_code == 504, response.text[:200]
    assert "1 s" in response.text
    assert 0.9 < elapsed < 3
    time.sleep(0.2)  # the SIGKILL has landed
    killed = before - set(pool._workers)
    assert killed and not any(alive(pid) for pid in killed)
    spent = _worker_cpu(deadline_service)
    time.sleep(0.5)
    assert _worker_cpu(deadline_service) - spent < 0.15


@pytest.mark.parametrize("shape", sorted(PATHOLOGICAL))
def test_light_queries_keep_their_latency_while_a_pathological_one_runs(deadline_service, shape):
    def latency() -> float:
        started = time.monotonic()
        assert deadline_service.get("/sparql", params=ASK).status_code == 200
        return time.monotonic() - started

    normal = statistics.median(latency() for _ in range(5))
    with ThreadPoolExecutor(1) as thread:
        heavy = thread.submit(deadline_service.get, "/sparql", params={"query": PATHOLOGICAL[shape]})
        time.sleep(0.1)
        during = [latency() for _ in range(8)]
        assert heavy.result().status_code == 504
    assert statistics.median(during) < max(5 * normal, normal + 0.05)
    assert max(during) < 0.5


def test_a_burst_on_a_full_pool_gets_503_within_the_queue_wait():
    """Queued requests wait at most queue_wait, then 503 with Retry-After: no unbounded queue."""
    with app_client(Settings(workers=1, query_timeout=1.5, queue_wait=0.3)) as client:
        def timed(params) -> tuple[int, float, str | None]:
            started = time.monotonic()
            response = client.get("/sparql", params=params)
            return response.status_code, time.monotonic() - started, response.headers.get("retry-after")

        with ThreadPoolExecutor(9) as threads:
            heavy = threads.submit(timed, {"query": PATHOLOGICAL["cross-product"]})
            wait_until_no_worker_is_idle(client.app.state.pool)
            burst = list(threads.map(timed, [ASK] * 8))
        assert heavy.result()[0] == 504
    assert {status for status, _, _ in burst} == {503}
    assert all(0.25 < waited < 1.0 for _, waited, _ in burst)
    assert all(retry and retry.isdigit() for _, _, retry in burst)


def test_result_larger_than_the_cap_is_413_naming_the_limit():
    with app_client(Settings(max_result_bytes=10_000)) as client:
        small = client.get("/sparql", params=ASK)
        big = client.get("/sparql", params={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"})
        again = client.get("/sparql", params=ASK)
    assert small.status_code == 200 and again.status_code == 200
    assert big.status_code == 413
    assert "10000 bytes" in big.text and "--max-result-bytes" in big.text


def test_graph_construct_larger_than_the_cap_is_413():
    # (A Graph Store GET of the same graph streams instead: tests/service/test_dumps.py.)
    with app_client(Settings(max_result_bytes=2_000)) as client:
        response = client.post("/sparql", data={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                               headers={"accept": "application/n-triples"})
    assert response.status_code == 413


def test_upload_larger_than_the_body_cap_is_413_naming_the_limit():
    with app_client(Settings(allow_update=True, update_token=TOKEN, max_body_bytes=1000)) as client:
        response = client.put("/rdf-graph-store", params={"graph": "urn:g"}, content=b"#" * 2000,
                              headers={"authorization": f"Bearer {TOKEN}", "content-type": "text/turtle"})
    assert response.status_code == 413
    assert "1000 bytes" in response.text


def test_update_longer_than_the_query_cap_is_413_naming_the_limit():
    with app_client(Settings(allow_update=True, update_token=TOKEN, max_query_length=100)) as client:
        response = client.post("/sparql", content="CLEAR ALL #" + "x" * 200, headers={
            "authorization": f"Bearer {TOKEN}", "content-type": "application/sparql-update"})
    assert response.status_code == 413
    assert "100 characters" in response.text


def test_killed_worker_is_replaced_and_its_query_gets_502():
    with app_client(Settings(workers=1, query_timeout=5.0)) as client:
        pool = client.app.state.pool
        with ThreadPoolExecutor(1) as thread:
            running = thread.submit(client.get, "/sparql", params={"query": PATHOLOGICAL["cross-product"]})
            time.sleep(0.3)
            (pid,) = pool._workers
            os.kill(pid, signal.SIGKILL)
            response = running.result()
        assert response.status_code == 502
        assert "died" in response.text
        assert client.get("/sparql", params=ASK).status_code == 200
        assert set(pool._workers) and pid not in pool._workers


@pytest.mark.parametrize("answered_before", [False, True], ids=["fresh", "after-a-query"])
def test_killed_idle_worker_is_replaced_before_a_query_reaches_it(answered_before):
    with app_client(Settings(workers=1)) as client:
        pool = client.app.state.pool
        (pid,) = pool._workers
        if answered_before:  # its socket is then read by the event loop, not peeked at
            assert client.get("/sparql", params=ASK).status_code == 200
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.1)
        assert client.get("/sparql", params=ASK).status_code == 200
        assert pid not in pool._workers
