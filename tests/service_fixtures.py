"""Fixtures of the service tests: a tiny dataset in tests/data/service and apps over it.

Imported by the service, pages and store tests (tests/conftest.py holds the session's build).
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kg.service.app import create_app
from kg.settings import Settings
from kg.store.datasets import open_store

SERVICE_DATA = Path(__file__).resolve().parent / "data" / "service"
TOKEN = "s3cret-test-token"
DZR = "https://w3id.org/deir-ez-zor-2024/resource/"
HEAVY = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"VALUES ?x{i} {{ 1 2 3 4 5 6 7 8 9 10 }}" for i in range(12))
    + " }"
)
"""10^12 rows to count: never finishes within a test's deadline."""


def wait_until_no_worker_is_idle(pool, seconds: float = 5.0) -> None:
    """Sleeping a fixed time is not enough on a loaded machine: wait until the heavy query sent
    just before holds every worker."""
    deadline = time.monotonic() + seconds
    while pool.idle and time.monotonic() < deadline:
        time.sleep(0.01)


def app_client(settings: Settings) -> TestClient:
    """A client of a fresh app over a fresh in-memory copy of the tiny dataset."""
    return TestClient(create_app(open_store(SERVICE_DATA), settings))


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """A read-only service with the default settings (the workers start with the client)."""
    with app_client(Settings(query_timeout=10.0)) as test_client:
        yield test_client


@pytest.fixture()
def writable() -> Iterator[TestClient]:
    """A service that accepts updates with the bearer token TOKEN, over its own store."""
    with app_client(Settings(allow_update=True, update_token=TOKEN)) as test_client:
        yield test_client


@pytest.fixture()
def impatient() -> Iterator[TestClient]:
    """One worker, a half-second deadline and a short queue wait: timeouts and 503s."""
    with app_client(Settings(workers=1, query_timeout=0.5, queue_wait=0.2)) as test_client:
        yield test_client
