"""Errors cross the worker socket as data: a worker process sends an error's kind and fields, and
the server raises the same typed error; anything else a worker raises comes back as a bug."""
from __future__ import annotations

import asyncio
import multiprocessing

import pytest

from kg import errors
from kg.settings import Settings
from kg.store import workers
from kg.store.datasets import open_store
from tests.service_fixtures import SERVICE_DATA
from tests.test_errors import KINDS, sample


def _raise_the_named_kind(job: str, payload: object) -> object:
    """A worker's job handler that fails with an error of the kind its payload names."""
    if payload == "a bug":
        raise ValueError("boom")
    raise sample(errors.request_errors()[payload])


def _worker(ours, theirs) -> None:
    ours.close()  # so that the worker reads EOF, and ends, when the test closes its end
    workers._serve(theirs, _raise_the_named_kind)


def _ask_a_worker(payload: object) -> object:
    """Send one job to a forked process serving `_raise_the_named_kind`; what its answer raises."""
    ours, theirs = multiprocessing.Pipe()
    worker = multiprocessing.get_context("fork").Process(target=_worker, args=(ours, theirs))
    worker.start()
    theirs.close()
    try:
        ours.send(("job", payload))
        status, result = ours.recv()
    finally:
        ours.close()
        worker.join(5)
    assert worker.exitcode == 0
    with pytest.raises(errors.RequestError) as raised:
        workers._outcome(status, result)
    return raised.value


@pytest.mark.parametrize("name", KINDS)
def test_each_kind_a_worker_raises_is_raised_again_in_the_server(name):
    received = _ask_a_worker(name)
    assert type(received) is errors.request_errors()[name]
    assert received.fields() == sample(type(received)).fields()


def test_anything_else_a_worker_raises_is_a_bug_with_its_traceback():
    received = _ask_a_worker("a bug")
    assert type(received) is errors.WorkerFailed
    assert "ValueError: boom" in received.message and "Traceback" in received.message


def test_the_pool_raises_a_bug_of_a_real_worker_as_worker_failed():
    pool = workers.WorkerPool(open_store(SERVICE_DATA), Settings(workers=1))

    async def run_a_job_no_worker_knows() -> None:
        pool.start()  # on the loop, as the app's lifespan does
        try:
            await pool.run("nonsense", None)
        finally:
            pool.close()

    with pytest.raises(errors.WorkerFailed, match="unknown job 'nonsense'"):
        asyncio.run(run_a_job_no_worker_knows())
