"""What a store serves: the build's dataset.nq and any other RDF files, each file in a named
graph of its own (`kg serve --load`, `kg query --load`), in memory or in a reused on-disk store.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import ParseError, UsageError
from kg.namespaces import GRAPH_ASSERTED, GRAPH_ONTOLOGY
from kg.rdf import format_for

log = logging.getLogger(__name__)

STAMP_FILE = "kg-source.sha256"
"""In an on-disk store, the digest of the files it was loaded from: a later start reuses it."""

OWNER_FILE = "kg-store.txt"
"""In an on-disk store, the mark that we made it, so that it is ours to clear and reload."""


DATASET_FILE = "dataset.nq"


def graph_iri(path: Path) -> str:
    """The named graph a loaded file goes into: its absolute file URI.

    >>> graph_iri(Path("/data/conflicts/acled.ttl"))
    'file:///data/conflicts/acled.ttl'
    """
    return path.resolve().as_uri()


@dataclass(frozen=True)
class Source:
    """One file to load: the build's N-Quads keep their graphs (graph None), others get one."""

    path: Path
    graph: str | None
    ours: bool = False
    """The build's own output: its IRIs and literals were checked when it was written, so they
    are not checked again (a fifth faster on 2M quads); syntax is checked all the same."""

    def load_into(self, store: ox.Store) -> None:
        """Bulk-load the file; a syntax error becomes a ParseError naming file, line and column."""
        fmt = format_for(self.path)
        target = ox.NamedNode(self.graph) if self.graph else None
        try:
            store.bulk_load(path=str(self.path), format=fmt, to_graph=target,
                            base_iri=self.path.resolve().as_uri(), lenient=self.ours)
        except SyntaxError as error:
            raise ParseError(str(self.path), error.lineno, error.offset, error.msg) from None
        except (OSError, ValueError) as error:
            raise ParseError(str(self.path), None, None, str(error)) from None


def sources(dist_dir: Path | None, files: list[Path] | tuple[Path, ...] = ()) -> list[Source]:
    """The build (unless `dist_dir` is None) and each file in its own graph, checked to exist.

    Triples of a file go into the file's graph; the named graphs of an N-Quads or TriG file keep
    their names and only its default-graph triples go into the file's graph.
    """
    found = []
    if dist_dir is not None:
        found.append(Source(dist_dir / DATASET_FILE, None, ours=True))
    for path in files:
        if not Path(path).is_file():
            raise UsageError(f"--load {path}: no such file")
        format_for(Path(path))  # an unknown extension is reported before anything loads
        found.append(Source(Path(path), graph_iri(Path(path))))
    if not found:
        raise UsageError("nothing to serve: --no-build-data needs at least one --load FILE")
    return found


def _fingerprint(found: list[Source]) -> str:
    sha = hashlib.sha256()
    for source in found:
        sha.update(f"{source.path.resolve()}\0{source.graph}\0".encode())
        with source.path.open("rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                sha.update(chunk)
    return sha.hexdigest()


def _in_memory(found: list[Source]) -> ox.Store:
    """An in-memory store of the sources, loaded on a thread of its own.

    glibc gives that thread its own malloc arena, so the store's memory (and the holes loading
    leaves in it) sits apart from the main thread's arena, where the forked query workers
    allocate: a worker then writes only to the store pages a query really touches, instead of
    filling those holes and copying their pages on every query (at 2M quads, 50 runs of a light
    query in a fresh worker: 1.2 ms each and 18,000 page faults that way, 0.2 ms and 500 this way).
    """
    store = ox.Store()
    failed: list[BaseException] = []

    def load() -> None:
        try:
            for source in found:
                source.load_into(store)
        except BaseException as error:  # noqa: BLE001 - raised again on the calling thread
            failed.append(error)

    loader = threading.Thread(target=load, name="kg-load", daemon=True)
    loader.start()
    loader.join()
    if failed:
        raise failed[0]
    return store


def _claim(store_dir: Path) -> None:
    """Make `store_dir` ours, or refuse it: loading clears the store, so a folder is only used when
    it is new, empty, or a store we made (it holds OWNER_FILE)."""
    if store_dir.exists() and not store_dir.is_dir():
        raise UsageError(f"--store-dir {store_dir} is not a folder; name a new or empty folder, or a "
                         f"store an earlier start made")
    ours = (store_dir / OWNER_FILE).exists() or (store_dir / STAMP_FILE).exists()  # (stores made before the mark)
    if store_dir.is_dir() and not ours and any(store_dir.iterdir()):
        raise UsageError(f"--store-dir {store_dir} holds files of something else: loading would clear "
                         f"them; name a new or empty folder, or a store an earlier start made")
    store_dir.mkdir(parents=True, exist_ok=True)
    owner = store_dir / OWNER_FILE
    if not owner.exists():
        owner.write_text("An on-disk store made by `kg serve --store-dir`; it is cleared and reloaded "
                         "whenever its sources change.\n", encoding="utf-8")


def open_dataset(found: list[Source], store_dir: Path | None = None) -> ox.Store:
    """A store holding every source: in memory, or on disk and reused while they are unchanged."""
    if store_dir is None:
        return _in_memory(found)
    _claim(store_dir)
    stamp = store_dir / STAMP_FILE
    digest = _fingerprint(found)
    store = ox.Store(str(store_dir))
    if not stamp.exists() or stamp.read_text().strip() != digest:
        log.info("loading %d file(s) into the on-disk store %s", len(found), store_dir)
        stamp.unlink(missing_ok=True)
        store.clear()
        for source in found:
            source.load_into(store)
        store.flush()
        stamp.write_text(digest + "\n")
    # Compacted and flushed, RocksDB's background threads stay idle when workers are forked.
    store.optimize()
    return store


def open_store(dist_dir: Path, store_dir: Path | None = None) -> ox.Store:
    """The built dataset in a store: in memory, or on disk reused while the build is unchanged
    (the dataset file is loaded as any other file beside it would be)."""
    return open_dataset(sources(dist_dir), store_dir)


def empty_parts(store: ox.Store, found: list[Source]) -> list[str]:
    """What should hold triples and holds none: the build's asserted and ontology graphs (an
    empty or cut-short dataset.nq, a build of nothing), and the graph of each loaded file."""
    said = []
    for source in found:
        if source.ours:
            graphs = [GRAPH_ASSERTED, GRAPH_ONTOLOGY]
        elif format_for(source.path) in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
            continue  # its triples go to the graphs it names, which may be any
        else:
            graphs = [source.graph]
        for graph in graphs:
            if not store.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"):
                said.append(f"{source.path} gives the graph <{graph}> no triple")
    return said
