"""Shared fixtures: the real article drafted once, written into a folder of its own."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.draft.files import save
from kg.draft.match import Gazetteer
from kg.draft.pipeline import draft
from tests.conftest import ROOT

ARTICLE = ROOT.parent / "shared" / "sources" / "000_fe1c7054a3912c6b.txt"


@pytest.fixture(scope="session")
def article_path() -> Path:
    if not ARTICLE.is_file():
        pytest.skip(f"the source article is not at {ARTICLE}")
    return ARTICLE


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_project(ROOT)


@pytest.fixture(scope="session")
def drafted(article_path, gazetteer):
    return draft(article_path, ROOT, gazetteer=gazetteer)


@pytest.fixture(scope="session")
def written(drafted, tmp_path_factory):
    return save(drafted, tmp_path_factory.mktemp("draft") / "out" / "deep", ROOT)
