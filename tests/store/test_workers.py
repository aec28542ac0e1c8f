"""Queries run in killable worker processes: deadlines, a full pool, and the event loop kept free."""
from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

from tests.service_fixtures import HEAVY, SERVICE_DATA, TOKEN, app_client, wait_until_no_worker_is_idle
from kg.settings import Settings


def test_query_past_the_deadline_is_504_naming_the_limit(impatient):
    started = time.monotonic()
    response = impatient.get("/sparql", params={"query": HEAVY})
    assert response.status_code == 504
    assert "0.5 s" in response.text
    assert time.monotonic() - started < 5


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] not in "ZX"
    except FileNotFoundError:
        return False


def test_timed_out_worker_is_killed(impatient):
    (pid,) = impatient.app.state.pool._workers
    impatient.get("/sparql", params={"query": HEAVY})
    deadline = time.monotonic() + 2
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(pid)


def test_service_answers_again_after_a_timeout(impatient):
    impatient.get("/sparql", params={"query": HEAVY})
    assert impatient.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True


def test_busy_pool_is_503_with_retry_after(impatient):
    with ThreadPoolExecutor(2) as threads:
        heavy = threads.submit(impatient.get, "/sparql", params={"query": HEAVY})
        wait_until_no_worker_is_idle(impatient.app.state.pool)
        response = impatient.get("/sparql", params={"query": "ASK {}"})
        heavy.result()
    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()


def test_light_queries_answer_while_a_heavy_one_runs():
    # One test client stands for several here (client_workers=2): the share of one client is
    # tested with two addresses in tests/service/test_server_faults.py.
    with app_client(Settings(workers=2, client_workers=2, query_timeout=2.0)) as client:
        with ThreadPoolExecutor(2) as threads:
            heavy = threads.submit(client.get, "/sparql", params={"query": HEAVY})
            time.sleep(0.1)
            started = time.monotonic()
            light = client.get("/sparql", params={"query": "ASK {}"})
            elapsed = time.monotonic() - started
            assert heavy.result().status_code == 504
    assert light.status_code == 200
    assert elapsed < 1.0


def test_health_answers_while_every_worker_is_busy(impatient):
    with ThreadPoolExecutor(2) as threads:
        heavy = threads.submit(impatient.get, "/sparql", params={"query": HEAVY})
        time.sleep(0.1)
        assert impatient.get("/health").status_code == 200
        heavy.result()


def test_on_disk_store_is_reused_by_a_later_start(tmp_path):
    from kg.store.datasets import STAMP_FILE
    from kg.store.datasets import open_store

    open_store(SERVICE_DATA, tmp_path / "store")
    stamp = (tmp_path / "store" / STAMP_FILE).stat().st_mtime_ns
    again = open_store(SERVICE_DATA, tmp_path / "store")
    assert (tmp_path / "store" / STAMP_FILE).stat().st_mtime_ns == stamp
    assert len(again) == 63


def test_a_worker_over_its_private_memory_budget_is_replaced_after_answering():
    from tests.service_fixtures import app_client
    from kg.settings import Settings

    settings = Settings(workers=1, max_private_bytes=0, recycle_check_after=0.0)
    with app_client(settings) as test_client:
        pool = test_client.app.state.pool
        (first,) = pool._workers
        assert test_client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
        deadline = time.monotonic() + 10
        while set(pool._workers) in ({first}, set()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert set(pool._workers) and first not in pool._workers


SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { "
        + " ".join(f"VALUES ?x{i} {{ 1 2 3 4 5 6 7 8 9 10 }}" for i in range(7)) + " }")
"""10^7 rows to count: about a second, then an answer."""


def _record_retirements(pool) -> list[int]:
    """The pids of the workers the pool retires from now on, in order."""
    retired: list[int] = []
    replace = pool._replace
    pool._replace = lambda worker: (retired.append(worker.pid), replace(worker))
    return retired


def _wait_for_a_fresh_idle_worker(pool, retired_pid: int) -> None:
    deadline = time.monotonic() + 10
    while (retired_pid in pool._workers or pool.idle != pool._settings.workers
           or len(pool._workers) != pool._settings.workers) and time.monotonic() < deadline:
        time.sleep(0.02)


def test_an_over_budget_worker_is_kept_while_requests_wait_for_it():
    settings = Settings(workers=1, max_private_bytes=0, recycle_check_after=0.0, query_timeout=20)
    with app_client(settings) as test_client:
        pool = test_client.app.state.pool
        (first,) = pool._workers
        retired = _record_retirements(pool)
        with ThreadPoolExecutor(1) as thread:
            slow = thread.submit(test_client.get, "/sparql", params={"query": SLOW})
            wait_until_no_worker_is_idle(pool)
            # This one waits for the only worker, so the slow query's end keeps that worker ...
            assert test_client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
            assert slow.result().status_code == 200
        # ... and the ASK, ending with nobody waiting, retires it (in the background, once the
        # memory is read): once, not twice.
        _wait_for_a_fresh_idle_worker(pool, first)
        assert retired == [first]


def test_the_answer_does_not_wait_for_the_memory_check():
    # Reading the workers' memory takes ~12 ms a worker at 2M quads; here it is held back until
    # the answer is in, so an answer that waited for it would never come.
    import threading

    settings = Settings(workers=1, max_private_bytes=0, recycle_check_after=0.0, query_timeout=20)
    with app_client(settings) as test_client:
        pool = test_client.app.state.pool
        (first,) = pool._workers
        measure, answered = pool._private_total, threading.Event()
        pool._private_total = lambda: (answered.wait(10), measure())[1]
        retired = _record_retirements(pool)
        assert test_client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
        assert not answered.is_set() and retired == []
        with ThreadPoolExecutor(1) as thread:
            # The next query takes the worker before the check ends: it is marked, not killed ...
            slow = thread.submit(test_client.get, "/sparql", params={"query": SLOW})
            wait_until_no_worker_is_idle(pool)
            answered.set()
            deadline = time.monotonic() + 10
            while not pool._workers[first].over_budget and time.monotonic() < deadline:
                time.sleep(0.01)
            assert retired == []
            assert slow.result().status_code == 200
        # ... and retired once it has answered.
        assert retired == [first]


def test_a_worker_within_its_memory_budget_is_kept():
    from tests.service_fixtures import app_client
    from kg.settings import Settings

    with app_client(Settings(workers=1, recycle_check_after=0.0)) as test_client:
        pool = test_client.app.state.pool
        (first,) = pool._workers
        assert test_client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
        assert set(pool._workers) == {first}


def test_private_bytes_reads_proc_and_is_zero_for_a_missing_process():
    import os

    from kg.store.workers import private_bytes

    assert private_bytes(os.getpid()) > 0
    assert private_bytes(2**22 + 12345) == 0


def test_a_lone_client_keeps_reusing_one_warm_worker():
    # Last in, first out: the worker that answered last answers next, so sequential queries find
    # its private copy of the store's pages already made, and the other worker stays cold.
    with app_client(Settings(workers=2)) as test_client:
        pool = test_client.app.state.pool
        answered = set()
        for _ in range(5):
            assert test_client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
            answered.add(pool._idle._queue[-1].pid)
        assert len(answered) == 1
        assert len(pool._workers) == 2


def test_fresh_forks_wait_below_every_warm_worker():
    import asyncio

    from kg.store.workers import _IdleWorkers, _Worker

    async def order() -> list[int]:
        idle = _IdleWorkers()
        for pid, warm in ((1, True), (2, False), (3, True), (4, False)):
            idle.put_nowait(_Worker(pid, sock=None, generation=0, warm=warm))
        return [idle.get_nowait().pid for _ in range(4)]

    taken = asyncio.run(order())
    assert taken[:2] == [3, 1]  # the warm ones, last in first out
    assert sorted(taken[2:]) == [2, 4]


def test_after_a_worker_is_retired_for_memory_the_other_warm_one_answers_next():
    # Two warm workers; the one that answers a query over the budget is retired. The next query
    # goes to the other warm worker, not to the fresh fork that replaced it (which would copy the
    # store's pages again, and be retired in its turn).
    with app_client(Settings(workers=2, client_workers=2, recycle_check_after=0.0, query_timeout=20)) as test_client:
        pool = test_client.app.state.pool
        with ThreadPoolExecutor(2) as threads:
            both = [threads.submit(test_client.get, "/sparql", params={"query": SLOW}) for _ in range(2)]
            assert [answer.result().status_code for answer in both] == [200, 200]
        warm = set(pool._workers)
        assert all(worker.warm for worker in pool._workers.values())
        # The memory checks of those two run after their answers: let them end under the old
        # budget, or one may see the new one and retire its worker too.
        deadline = time.monotonic() + 10
        while pool._tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        retired = _record_retirements(pool)
        pool.memory_budget = 0
        assert test_client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
        deadline = time.monotonic() + 10
        while not retired and time.monotonic() < deadline:
            time.sleep(0.01)
        (retired,) = retired
        _wait_for_a_fresh_idle_worker(pool, retired)
        assert pool.idle == 2
        pool.memory_budget = 1 << 50
        assert test_client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
        assert pool._idle._queue[-1].pid == (warm - {retired}).pop()


def test_the_default_memory_budget_is_one_copy_of_what_the_zygote_holds():
    from kg.store.workers import resident_bytes

    settings = Settings(workers=1, min_private_budget=1)
    with app_client(settings) as test_client:
        pool = test_client.app.state.pool
        held = resident_bytes(pool._zygote_pid)
        assert held > 10 * 1024 * 1024  # a Python process with the store: the figure was read
        assert 0.5 * held < pool.memory_budget < 2 * held
    with app_client(Settings(workers=1)) as test_client:  # never below the floor
        assert test_client.app.state.pool.memory_budget >= Settings.min_private_budget
    with app_client(Settings(workers=1, max_private_bytes=12345)) as test_client:
        assert test_client.app.state.pool.memory_budget == 12345


def test_a_negative_worker_memory_is_refused_by_name(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "kg.service.server", str(tmp_path), "--no-build-data",
                             "--worker-memory", "-1"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "worker-memory must not be negative" in result.stderr


def test_health_is_503_with_the_reason_once_the_store_holder_died_after_a_write(writable):
    assert writable.post("/sparql", content="INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                         headers={"content-type": "application/sparql-update",
                                  "authorization": f"Bearer {TOKEN}"}).status_code == 204
    pool = writable.app.state.pool
    os.kill(pool._zygote_pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while writable.get("/health").status_code == 200 and time.monotonic() < deadline:
        time.sleep(0.1)
    health = writable.get("/health")
    assert health.status_code == 503
    assert health.json() == {"status": "broken", "reason": pool.broken}
    assert "died after 1 write(s)" in pool.broken
    answer = writable.get("/sparql", params={"query": "ASK {}"})
    assert answer.status_code in (502, 503)
