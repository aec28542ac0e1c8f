"""Shared fixtures: the real build of graph/, made once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import pipeline as build_mod

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
