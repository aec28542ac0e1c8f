"""`python -m kg --root <copy of a project> build` under faults: each one exits 1 with its cause
named (2 for usage) and leaves the last good dist/ byte for byte as it was.

The project is small (the ontology, shapes and the sources file) so that a build takes seconds;
the faulty builds run side by side. (tests/build/test_pipeline.py checks the build's own API; this file
checks the command.)
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import DATA, ROOT

SYNTAX_ERROR = '@prefix dzr: <https://w3id.org/deir-ez-zor-2024/resource/> .\n\ndzr:a dzr:b "unterminated .\n'


@dataclass
class Outcome:
    returncode: int
    stderr: str
    before: dict[str, bytes]
    after: dict[str, bytes]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


@pytest.fixture(scope="module")
def good_project(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("good") / "project"
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / folder, project / folder)
    (project / "graph").mkdir()
    shutil.copy(ROOT / "graph" / "sources.ttl", project / "graph")
    subprocess.run([sys.executable, "-m", "kg", "--root", str(project), "build"], check=True, capture_output=True)
    return project


def _path_without_java() -> str:
    keep = [folder for folder in os.environ.get("PATH", "").split(os.pathsep)
            if folder and not (Path(folder) / "java").exists()]
    return os.pathsep.join([str(Path(sys.executable).parent), *keep])


def _cases(project_of) -> dict[str, tuple[Path, tuple[list[str], list[str]], dict]]:
    """name -> (project, (kg options, build options), environment) of each faulty build."""
    env = dict(os.environ)
    cases = {}

    project = project_of("malformed")
    (project / "graph" / "broken.ttl").write_text(SYNTAX_ERROR)
    cases["malformed-turtle"] = (project, ([], []), env)

    project = project_of("violation")
    shutil.copy(DATA / "broken" / "support.ttl", project / "graph" / "support.ttl")
    cases["shape-violation"] = (project, ([], []), env)

    project = project_of("inconsistent")
    shutil.copy(DATA / "inconsistent" / "graph.ttl", project / "graph" / "inconsistent.ttl")
    cases["inconsistent"] = (project, ([], []), env)

    project = project_of("nojava")
    (project / "graph" / "extra.ttl").write_text("")  # a change, so the build runs
    cases["no-java"] = (project, ([], []), {**env, "PATH": _path_without_java(), "JAVA_HOME": ""})

    project = project_of("blocked")
    (project / "blocker").write_text("a file where the output's parent folder should be\n")
    cases["output-under-a-file"] = (project, (["--dist", str(project / "blocker" / "dist")], []), env)

    project = project_of("procfs")
    cases["output-on-a-read-only-filesystem"] = (project, (["--dist", "/proc/kg-test-dist"], []), env)

    project = project_of("usage")
    cases["usage-error"] = (project, ([], ["--shacl", "nonsense"]), env)
    return cases


@pytest.fixture(scope="module")
def outcomes(good_project, tmp_path_factory) -> dict[str, Outcome]:
    base = tmp_path_factory.mktemp("faults")

    def project_of(name: str) -> Path:
        copy = base / name
        shutil.copytree(good_project, copy)
        return copy

    running = {}
    for name, (project, extra, env) in _cases(project_of).items():
        before = _files(project / "dist")
        options, build_options = extra
        process = subprocess.Popen([sys.executable, "-m", "kg", "--root", str(project), *options, "build", *build_options],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        running[name] = (process, project, before)
    results = {}
    for name, (process, project, before) in running.items():
        _, stderr = process.communicate(timeout=120)
        results[name] = Outcome(process.returncode, stderr, before, _files(project / "dist"))
    return results


@pytest.mark.parametrize("name, exit_code, cause", [
    ("malformed-turtle", 1, r"syntax error in graph/broken\.ttl:3"),
    ("shape-violation", 1, r"\[Violation\] dzs:SupportRelationShape/dzo:supporter: .*resource/s "),
    ("inconsistent", 1, r"the ontology and data are inconsistent:\n  - \S"),
    ("no-java", 1, r"no Java runtime"),
    ("output-under-a-file", 1, r"cannot write the build to .*blocker/dist"),
    ("output-on-a-read-only-filesystem", 1, r"cannot write the build to /proc/kg-test-dist"),
    ("usage-error", 2, r"nonsense"),
])
def test_faulty_build_names_its_cause_and_keeps_the_last_good_dist(outcomes, name, exit_code, cause):
    import re

    outcome = outcomes[name]
    assert outcome.returncode == exit_code, outcome.stderr[-2000:]
    assert re.search(cause, outcome.stderr), outcome.stderr[-2000:]
    assert "Traceback" not in outcome.stderr
    assert outcome.before and outcome.after == outcome.before


def test_no_build_leaves_temporary_folders_behind(outcomes, tmp_path_factory):
    base = tmp_path_factory.getbasetemp()
    leftovers = [p for p in base.rglob(".dist.*") if p.is_dir()]
    assert leftovers == []
