"""Shared fixtures: the real build of graph/, made once per test session, and services over the
tiny dataset of tests/data/service (tests/service_fixtures.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from collections.abc import Iterator

from fastapi.testclient import TestClient

from kg.build import pipeline as build_mod
from kg.settings import Settings
from tests.service_fixtures import TOKEN, app_client

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built():
    """The article graph, parsed, reasoned over and validated (not written)."""
    return build_mod.build(ROOT)


@pytest.fixture(scope="session")
def dist(built, tmp_path_factory) -> Path:
    """The article graph written as a dist/ folder of its own."""
    out = tmp_path_factory.mktemp("build") / "dist"
    build_mod.write_dist(built, out)
    return out


@pytest.fixture(scope="session")
def store(dist):
    """The built dataset in the embedded store, as `kg serve` and `kg query` load it."""
    from kg.store.datasets import open_store

    return open_store(dist)


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
