"""The tiny dataset in tests/data/service, apps over it, and what the service tests share.

The fixtures made of these (client, writable, impatient) are in tests/conftest.py.
"""
from __future__ import annotations

import time
from pathlib import Path

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
