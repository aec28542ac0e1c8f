"""Turtle and SPARQL files declare prefixes that agree with kg.namespaces.PREFIXES."""
from __future__ import annotations

import re

import pytest

from kg.namespaces import PREFIXES
from tests.conftest import ROOT

TTL_PREFIX = re.compile(r"@prefix\s+([\w-]*):\s*<([^>]*)>", re.I)
RQ_PREFIX = re.compile(r"^\s*PREFIX\s+([\w-]*):\s*<([^>]*)>", re.I | re.M)

FILES = sorted(
    [*ROOT.glob("ontology/*.ttl"), *ROOT.glob("graph/*.ttl"), *ROOT.glob("shapes/*.ttl"),
     *ROOT.glob("shapes/sparql/*.rq"), *ROOT.glob("queries/*.rq"), *ROOT.glob("tests/data/**/*.ttl")]
)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_declared_prefixes_agree_with_the_map(path):
    text = path.read_text(encoding="utf-8")
    pattern = RQ_PREFIX if path.suffix == ".rq" else TTL_PREFIX
    for prefix, iri in pattern.findall(text):
        if prefix in PREFIXES:
            assert iri == PREFIXES[prefix], f"{path.name}: {prefix}: is <{iri}>, the map says <{PREFIXES[prefix]}>"
        else:
            assert iri not in PREFIXES.values(), f"{path.name}: <{iri}> is bound to {prefix}: here but has another prefix in the map"


def test_the_map_has_no_namespace_twice():
    assert len(set(PREFIXES.values())) == len(PREFIXES)
