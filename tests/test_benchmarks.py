"""The scale benchmark's workload (the texts sent to every peer): each is SPARQL a store accepts,
with parameters bound. The benchmark itself is never run in the tests (figures, not asserts)."""
from __future__ import annotations

import json
import subprocess
import sys

import pyoxigraph as ox

from tests.conftest import ROOT


def workload() -> dict[str, str]:
    # A child process: benchmarks/scale.py puts the project first on sys.path when imported.
    code = "import json; from benchmarks.scale import workload; print(json.dumps(workload()))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_benchmark_query_parses_with_its_parameters_bound():
    texts = workload()
    assert {"events", "events, a month", "casualties, a month", "count-by-class"} <= set(texts)
    for name, text in texts.items():
        if "SERVICE" in text:
            continue
        list(ox.Store().query(text))  # raises SyntaxError on a text a peer would refuse
    assert '"2024-09-01"^^<http://www.w3.org/2001/XMLSchema#date>' in texts["events, a month"]
    assert "?from" not in texts["events, a month"] and "VALUES (?place ?day)" in texts["controller-on-date"]
