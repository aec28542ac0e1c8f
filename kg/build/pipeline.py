"""The build: ontology/ + graph/ -> parse -> reason -> validate -> the files of dist/.

Deterministic (same sources, same bytes) and atomic (a failed build leaves dist/ as it was).
"""
from __future__ import annotations

import contextlib
import gc
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.build import export
from kg.build import reasoning
from kg.build import validate
from kg.linking import labels as wikidata_labels
from kg.errors import BuildError, UsageError, ValidationFailed
from kg.formats import named
from kg.namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY
from kg.rdf import read_quads, to_graph

DIST_FILES = {
    stem + named(fmt).extension: (graph, fmt)
    for stem, graph, fmt in (
        ("ontology", "ontology", "turtle"),
        ("graph", "asserted", "turtle"),
        ("inferred", "inferred", "turtle"),
        ("dataset", "all", "trig"),
        ("dataset", "all", "nquads"),
        ("graph", "asserted", "jsonld"),
    )
}
"""File of dist/ -> (graph it holds, format); the file's extension is its format's (kg.formats)."""

BUILT_FROM = "built-from.txt"
"""The file of dist/ naming the data folder the build was made of: a build of other data is never
rebuilt over by a command that builds when dist/ is out of date."""

log = logging.getLogger(__name__)


def dist_file(graph: str, fmt: str) -> str | None:
    """The file of dist/ that holds `graph` in `fmt`, byte for byte as `kg export` writes it.

    >>> dist_file("asserted", "turtle"), dist_file("asserted", "ntriples")
    ('graph.ttl', None)
    """
    return next((name for name, held in DIST_FILES.items() if held == (graph, fmt)), None)


Progress = Callable[[str, float], None]

LARGE = 200_000
"""Above this many asserted triples the build validates inside the store (compiled SHACL) and
skips HermiT: pyshacl and HermiT do not finish on a million triples."""


@dataclass
class Built:
    """The outcome of a build before it is written: the three graphs and the validation report."""

    ontology: list[ox.Triple]
    asserted: list[ox.Triple]
    inferred: list[ox.Triple]
    report: validate.Report
    timings: dict[str, float] = field(default_factory=dict)
    fetched: list[ox.Quad] = field(default_factory=list)
    """Quads fetched from outside (Wikidata's labels), in named graphs of their own."""
    graph_dir: Path | None = None
    """The data folder it was built from (written to dist/ as BUILT_FROM)."""

    def quads(self) -> list[ox.Quad]:
        return (
            export.quads_of(self.ontology, GRAPH_ONTOLOGY)
            + export.quads_of(self.asserted, GRAPH_ASSERTED)
            + export.quads_of(self.inferred, GRAPH_INFERRED)
            + self.fetched
        )


def source_files(root: Path) -> list[Path]:
    """Every file whose change calls for a new build."""
    files = sorted((root / "ontology").glob("*.ttl")) + sorted((root / "graph").glob("*.ttl"))
    files += sorted((root / "shapes").glob("*.shacl.ttl")) + sorted((root / "shapes" / "sparql").glob("*.rq"))
    labels = root / wikidata_labels.LABELS_FILE
    return files + ([labels] if labels.exists() else [])


def _read_dir(folder: Path) -> list[ox.Triple]:
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise BuildError(f"no Turtle files in {folder.name}/")
    triples = []
    for path in files:
        for q in read_quads(path, display=f"{folder.name}/{path.name}"):
            triples.append(ox.Triple(q.subject, q.predicate, q.object))
    return sorted(set(triples), key=str)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block, back as it was after it.

    A build holds millions of terms, triples and tuples of them, none in a reference cycle, so
    the collector frees nothing there; but as they pile up it walks them again and again (at 1M
    triples 12 s of writing dist/, and a quarter of the whole build: 141 s with it, 105 s
    without). Reference counting still frees everything that is not in a cycle, so memory does
    not grow (the same peak, 3.4 GB, either way); what cycles rdflib and pyshacl leave on the
    article-sized path wait for the collector's next run after the block.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@collector_paused()
def build(
    root: Path,
    *,
    progress: Progress | None = None,
    reasoner: bool = True,
    graph_dir: Path | None = None,
    engine: str = "auto",
) -> Built:
    """Run every stage over the sources under `root`; raises BuildError naming the cause.

    `reasoner=False` skips the HermiT consistency check (materialisation still runs);
    `graph_dir` replaces root/graph as the data (tests validate fixtures this way);
    `engine` picks SHACL's engine: "pyshacl", "store" (compiled to SPARQL), or "auto" (pyshacl
    up to LARGE asserted triples, the store above, where HermiT is skipped too).
    """
    timings: dict[str, float] = {}

    def stage(name: str, started: float) -> None:
        timings[name] = time.perf_counter() - started
        if progress:
            progress(name, timings[name])

    t = time.perf_counter()
    ontology = _read_dir(root / "ontology")
    asserted = _read_dir(graph_dir or root / "graph")
    stage("parse", t)

    t = time.perf_counter()
    onto_graph = to_graph(ontology)
    inferred = reasoning.materialise(asserted, reasoning.rules_from_ontology(onto_graph))
    stage("materialise", t)

    large = engine == "store" or (engine == "auto" and len(asserted) > LARGE)
    if reasoner and not (engine == "auto" and len(asserted) > LARGE):
        t = time.perf_counter()
        reasoning.check_consistency(onto_graph, to_graph(asserted))
        stage("consistency (HermiT)", t)

    t = time.perf_counter()
    store = ox.Store()
    store.bulk_extend([ox.Quad(x.subject, x.predicate, x.object) for x in ontology + asserted + inferred])
    # The ontology goes in too: sh:class follows rdfs:subClassOf in the data graph, and the
    # controlled values (dzo:DayPrecision ...) are typed there.
    data = None if large else to_graph(ontology + asserted + inferred)
    report = validate.validate(data, store, root / "shapes")
    data_dir = graph_dir or root / "graph"
    report = validate.locate(report, sorted(data_dir.glob("*.ttl")), data_dir.name)
    stage("validate", t)
    built = Built(ontology, asserted, inferred, report, timings, wikidata_labels.read(root),
                  (graph_dir or root / "graph").resolve())
    if not report.conforms:
        raise ValidationFailed(report)
    return built


def _ours(folder: Path) -> bool:
    """A folder a build wrote: nothing in it but files of DIST_FILES and BUILT_FROM."""
    return all(p.name in DIST_FILES or p.name == BUILT_FROM for p in folder.iterdir())


def check_target(dist: Path) -> None:
    """Refuse to build into a path that is not ours to replace: a file, a link, or a folder that
    holds anything but an earlier build. A new or empty folder is fine."""
    if dist.is_symlink() or (dist.exists() and not dist.is_dir()):
        raise UsageError(f"{dist} is not a folder: the build replaces its --dist folder whole, so it "
                         f"must be a new or empty folder or an earlier build")
    if dist.is_dir() and not _ours(dist):
        others = sorted(p.name for p in dist.iterdir() if p.name not in DIST_FILES and p.name != BUILT_FROM)
        shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
        raise UsageError(f"{dist} holds files that are not a build ({shown}): the build replaces its "
                         f"--dist folder whole, so name a new or empty folder, or an earlier build")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clear_interrupted(dist: Path) -> None:
    """What a build killed midway left beside dist/: its half-written folder is removed, and the
    build it had moved aside is put back when nothing replaced it. Only folders named as
    write_dist names them, of a process that is gone, holding nothing but build files."""
    for kind in ("tmp", "old"):
        for leftover in sorted(dist.parent.glob(f".{dist.name}.{kind}-*")):
            pid = leftover.name.rsplit("-", 1)[-1]
            if not pid.isdigit() or _alive(int(pid)) or not leftover.is_dir() or not _ours(leftover):
                continue
            if kind == "old" and not dist.exists():
                log.warning("putting back the build that an interrupted build had moved to %s", leftover)
                leftover.rename(dist)
            else:
                shutil.rmtree(leftover, ignore_errors=True)


@collector_paused()
def write_dist(built: Built, dist: Path, *, progress: Progress | None = None) -> None:
    """Write every file of DIST_FILES into `dist`, replacing it only once all are written."""
    check_target(dist)
    _clear_interrupted(dist)
    t = time.perf_counter()
    quads = export.canonical_quads(built.quads())
    tmp = dist.with_name(f".{dist.name}.tmp-{os.getpid()}")
    old = dist.with_name(f".{dist.name}.old-{os.getpid()}")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for name, (graph, fmt) in DIST_FILES.items():
            (tmp / name).write_bytes(export.serialize(export.select(quads, graph), fmt, canonical=True))
        if built.graph_dir is not None:
            (tmp / BUILT_FROM).write_text(f"{built.graph_dir}\n", encoding="utf-8")
        if dist.exists():
            dist.rename(old)
        tmp.rename(dist)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not dist.exists():
            old.rename(dist)
        raise BuildError(f"cannot write the build to {dist}: {e.strerror or e}") from None
    shutil.rmtree(old, ignore_errors=True)
    built.timings["serialise"] = time.perf_counter() - t
    if progress:
        progress("serialise", built.timings["serialise"])


def is_stale(root: Path, dist: Path) -> bool:
    """True when dist/ lacks a file or is older than any source."""
    files = [dist / name for name in DIST_FILES]
    if not all(f.exists() for f in files):
        return True
    built_at = min(f.stat().st_mtime for f in files)
    return any(src.stat().st_mtime > built_at for src in source_files(root))


def built_from(dist: Path) -> Path | None:
    """The data folder dist/ was built from; None when it does not say (or is not there)."""
    try:
        return Path((dist / BUILT_FROM).read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError):
        return None


def ensure_built(root: Path, dist: Path | None = None, *, progress: Progress | None = None) -> Path:
    """The dist folder, building it first when it is missing or older than the sources.

    A dist/ built from another data folder (another --root, a benchmark's synthetic data) is used
    as it is, never rebuilt over with this project's data; if it is incomplete, that is an error.
    """
    dist = dist or root / "dist"
    check_target(dist)
    source, ours = built_from(dist), (root / "graph").resolve()
    if source is not None and source != ours:
        if all((dist / name).is_file() for name in DIST_FILES):
            log.warning("%s holds a build of %s, not of %s: used as it is (`kg --root PROJECT build` "
                        "rebuilds it)", dist, source, ours)
            return dist
        raise BuildError(f"{dist} holds an incomplete build of {source}, not of {ours}; it is not rebuilt "
                         f"over: run `kg --root PROJECT --dist {dist} build` for that project, or pick "
                         f"another --dist")
    if is_stale(root, dist):
        write_dist(build(root, progress=progress), dist, progress=progress)
    return dist


def load_dist(dist: Path) -> list[ox.Quad]:
    """The quads of a build (its dataset.nq)."""
    path = dist / "dataset.nq"
    try:
        return export.read_nquads(path.read_bytes())
    except OSError as e:
        raise BuildError(f"cannot read the build at {path}: {e.strerror or e}") from None
