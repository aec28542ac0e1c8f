"""The build: deterministic, atomic, and clear about bad input."""
from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys

import pytest

from kg.build import pipeline as build_mod
from kg.errors import ParseError, UsageError
from tests.conftest import ROOT


def test_build_writes_every_dist_file(dist):
    assert sorted(p.name for p in dist.iterdir()) == sorted([*build_mod.DIST_FILES, build_mod.BUILT_FROM])
    assert build_mod.built_from(dist) == (ROOT / "graph").resolve()


def test_two_builds_are_byte_identical(built, dist, tmp_path):
    again = tmp_path / "dist"
    build_mod.write_dist(build_mod.build(ROOT, reasoner=False), again)
    for name in build_mod.DIST_FILES:
        assert (again / name).read_bytes() == (dist / name).read_bytes(), name


def test_builds_in_processes_with_other_hash_seeds_are_identical(tmp_path):
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"dist-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "kg", "--root", str(ROOT), "--dist", str(out), "build", "--no-reasoner"],
                       check=True, env=env, capture_output=True)
        outputs.append({n: (out / n).read_bytes() for n in build_mod.DIST_FILES})
    assert outputs[0] == outputs[1]


def copy_project(tmp_path):
    project = tmp_path / "project"
    for folder in ("ontology", "graph", "shapes", "queries"):
        shutil.copytree(ROOT / folder, project / folder)
    return project


def test_a_syntax_error_names_file_and_line_and_writes_nothing(tmp_path, dist):
    project = copy_project(tmp_path)
    out = project / "dist"
    shutil.copytree(dist, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with (project / "graph" / "broken.ttl").open("w") as f:
        f.write("@prefix dzr: <https://w3id.org/deir-ez-zor-2024/resource/> .\n\ndzr:a dzr:b \"unterminated .\n")
    with pytest.raises(ParseError) as failure:
        build_mod.write_dist(build_mod.build(project), out)
    assert failure.value.path == "graph/broken.ttl" and failure.value.line == 3
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_the_cyclic_collector_is_off_during_the_build_and_back_after(tmp_path):
    seen = []
    progress = lambda stage, seconds: seen.append((stage, gc.isenabled()))  # noqa: E731
    build_mod.write_dist(build_mod.build(ROOT, reasoner=False, progress=progress), tmp_path / "dist", progress=progress)
    assert [stage for stage, _ in seen] == ["parse", "materialise", "validate", "serialise"]
    assert not any(enabled for _, enabled in seen)
    assert gc.isenabled()
    # Back after a failed build too; and a caller that had it off finds it off.
    graph = tmp_path / "graph"
    graph.mkdir()
    (graph / "broken.ttl").write_text("this is not turtle\n")
    with pytest.raises(ParseError):
        build_mod.build(ROOT, graph_dir=graph)
    assert gc.isenabled()
    gc.disable()
    try:
        build_mod.build(ROOT, reasoner=False)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cli_exit_codes_data_error_1_usage_error_2(tmp_path):
    project = copy_project(tmp_path)
    (project / "graph" / "broken.ttl").write_text("this is not turtle\n")
    run = lambda *a: subprocess.run([sys.executable, "-m", "kg", "--root", str(project), *a],  # noqa: E731
                                    capture_output=True, text=True)
    bad = run("validate", "--no-reasoner")
    assert bad.returncode == 1 and "graph/broken.ttl:1" in bad.stderr
    assert run("export", "--format", "nonsense").returncode == 2
    assert run("no-such-command").returncode == 2


def test_an_unwritable_output_folder_is_a_clear_error(built, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the build's parent folder should be\n")
    with pytest.raises(build_mod.BuildError, match="cannot write the build"):
        build_mod.write_dist(built, blocker / "dist")
    assert blocker.read_text().startswith("a file")


def test_stale_detection_follows_source_changes(tmp_path, built):
    project = copy_project(tmp_path)
    build_mod.write_dist(built, project / "dist")
    assert not build_mod.is_stale(project, project / "dist")
    source = project / "graph" / "actors.ttl"
    later = (project / "dist" / "dataset.nq").stat().st_mtime + 10
    os.utime(source, (later, later))
    assert build_mod.is_stale(project, project / "dist")


def _foreign_dist(tmp_path, dist):
    """A project whose dist/ holds a build of other data (another project's), older than its sources."""
    project = copy_project(tmp_path)
    out = project / "dist"
    shutil.copytree(dist, out)
    later = max(p.stat().st_mtime for p in out.iterdir()) + 10
    os.utime(project / "graph" / "actors.ttl", (later, later))
    assert build_mod.is_stale(project, out)
    return project, out


def test_a_build_of_other_data_is_used_as_it_is_not_rebuilt_over(tmp_path, dist, caplog):
    project, out = _foreign_dist(tmp_path, dist)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert build_mod.ensure_built(project, out) == out
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert f"holds a build of {(ROOT / 'graph').resolve()}, not of {(project / 'graph').resolve()}" in caplog.text


def test_an_incomplete_build_of_other_data_is_an_error_that_writes_nothing(tmp_path, dist):
    project, out = _foreign_dist(tmp_path, dist)
    (out / "graph.jsonld").unlink()
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(build_mod.BuildError, match="holds an incomplete build of .*; it is not rebuilt over"):
        build_mod.ensure_built(project, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_stale_build_of_this_projects_data_is_rebuilt(tmp_path, built):
    project = copy_project(tmp_path)
    out = project / "dist"
    build_mod.write_dist(build_mod.build(project, reasoner=False), out)
    earlier = (project / "graph" / "actors.ttl").stat().st_mtime - 100
    for written in out.iterdir():
        os.utime(written, (earlier, earlier))
    assert build_mod.is_stale(project, out)
    build_mod.ensure_built(project, out)
    assert not build_mod.is_stale(project, out)
    assert build_mod.built_from(out) == (project / "graph").resolve()


def test_export_of_a_build_of_other_data_exports_that_build(tmp_path, dist):
    project, out = _foreign_dist(tmp_path, dist)
    done = subprocess.run([sys.executable, "-m", "kg", "--root", str(project), "--dist", str(out), "export",
                           "--format", "turtle"], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (out / "graph.ttl").read_bytes()
    assert b"used as it is" in done.stderr


def test_dist_naming_a_file_is_refused_and_the_file_left_as_it_was(tmp_path, built):
    target = tmp_path / "important.txt"
    target.write_text("mine\n")
    done = subprocess.run([sys.executable, "-m", "kg", "--root", str(ROOT), "--dist", str(target), "stats"],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "important.txt is not a folder" in done.stderr
    assert target.read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["important.txt"]


def test_dist_naming_a_folder_of_other_files_is_refused_and_nothing_moved(tmp_path, built):
    target = tmp_path / "papers"
    target.mkdir()
    (target / "notes.md").write_text("mine\n")
    with pytest.raises(UsageError, match=r"holds files that are not a build \(notes\.md\)"):
        build_mod.write_dist(built, target)
    assert [p.name for p in target.iterdir()] == ["notes.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["papers"]


def test_a_new_or_empty_folder_and_an_earlier_build_are_written(tmp_path, built):
    (tmp_path / "empty").mkdir()
    for target in (tmp_path / "empty", tmp_path / "new" / "dist", tmp_path / "empty"):
        build_mod.write_dist(built, target)
        assert sorted(p.name for p in target.iterdir()) == sorted([*build_mod.DIST_FILES, build_mod.BUILT_FROM])


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_what_an_interrupted_build_left_is_cleared_by_the_next(tmp_path, built):
    dist = tmp_path / "dist"
    build_mod.write_dist(built, dist)
    pid = _dead_pid()
    half = tmp_path / f".dist.tmp-{pid}"
    half.mkdir()
    (half / "graph.ttl").write_text("half written")
    build_mod.write_dist(built, dist)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_a_build_an_interrupted_build_moved_aside_is_put_back(tmp_path, built, caplog):
    dist = tmp_path / "dist"
    build_mod.write_dist(built, dist)
    before = {p.name: p.read_bytes() for p in dist.iterdir()}
    moved = tmp_path / f".dist.old-{_dead_pid()}"
    dist.rename(moved)
    with caplog.at_level("WARNING"):
        build_mod.write_dist(built, dist)
    assert "putting back the build" in caplog.text
    assert {p.name: p.read_bytes() for p in dist.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_leftovers_of_a_running_build_or_with_other_files_are_not_touched(tmp_path, built):
    dist = tmp_path / "dist"
    running = tmp_path / f".dist.tmp-{os.getppid()}"  # a process that is alive: the test's parent
    running.mkdir()
    foreign = tmp_path / f".dist.old-{_dead_pid()}"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("mine")
    build_mod.write_dist(built, dist)
    assert running.is_dir() and (foreign / "thesis.tex").read_text() == "mine"
    # gone, so that the fault tests' search for leftovers of real builds finds none of these
    shutil.rmtree(running)
    shutil.rmtree(foreign)
