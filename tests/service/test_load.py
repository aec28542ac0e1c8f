"""The load test's smoke run: benchmarks/load.py with a few clients for a few seconds over the
article build (zero errors, memory flat); the real run is 16 clients for 60 s (benchmarks/README.md)."""
from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_load_smoke_run_has_no_errors_and_flat_memory(dist):
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "load.py"), "--dist", str(dist),
                          "--clients", "4", "--duration", "2"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 errors" in run.stdout
    assert "p50 ms" in run.stdout and "resident memory of" in run.stdout
