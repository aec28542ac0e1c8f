"""Other RDF files beside the build (`--load`, `--no-build-data`): each in the named graph of its
file URI, every format by extension, and bad files named with their line."""
from __future__ import annotations

import gc
import os
import subprocess
import sys

import pyoxigraph as ox
import pytest

from kg.store import datasets
from kg.sparql import named as queries
from kg.errors import ParseError, UsageError
from tests.conftest import ROOT

EX = "http://example.org/"
TRIPLES = [ox.Triple(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("o", language="en")),
           ox.Triple(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "q"), ox.NamedNode(EX + "t"))]
TRIPLE_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES,
                  ".rdf": ox.RdfFormat.RDF_XML, ".jsonld": ox.RdfFormat.JSON_LD}
QUAD_FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}


def graph(store: ox.Store, iri: str) -> set[ox.Triple]:
    return {q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))}


@pytest.mark.parametrize("suffix", sorted(TRIPLE_FORMATS))
def test_a_file_of_triples_goes_into_the_graph_of_its_file_uri(tmp_path, suffix):
    path = tmp_path / f"data{suffix}"
    path.write_bytes(ox.serialize(TRIPLES, format=TRIPLE_FORMATS[suffix]))
    store = datasets.open_dataset(datasets.sources(None, [path]))
    assert graph(store, path.resolve().as_uri()) == set(TRIPLES)
    assert len(store) == len(TRIPLES)


@pytest.mark.parametrize("suffix", sorted(QUAD_FORMATS))
def test_a_quads_file_keeps_its_graphs_and_puts_its_default_graph_in_the_file_graph(tmp_path, suffix):
    path = tmp_path / f"data{suffix}"
    quads = [ox.Quad(*TRIPLES[0], ox.NamedNode(EX + "g")), ox.Quad(*TRIPLES[1], ox.DefaultGraph())]
    path.write_bytes(ox.serialize(quads, format=QUAD_FORMATS[suffix]))
    store = datasets.open_dataset(datasets.sources(None, [path]))
    assert graph(store, EX + "g") == {TRIPLES[0]}
    assert graph(store, datasets.graph_iri(path)) == {TRIPLES[1]}


def test_loaded_files_sit_beside_the_build(dist, tmp_path):
    path = tmp_path / "extra.ttl"
    path.write_bytes(ox.serialize(TRIPLES, format=ox.RdfFormat.TURTLE))
    store = datasets.open_dataset(datasets.sources(dist, [path]))
    names = {g.value for g in store.named_graphs()}
    assert names >= {"https://w3id.org/deir-ez-zor-2024/graph/asserted", path.resolve().as_uri()}
    assert list(queries.run(store, queries.find(ROOT, "who-supported-whom")))


def test_syntax_error_names_file_and_line(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"
                    "<http://example.org/a> <http://example.org/b> \"unclosed .\n")
    with pytest.raises(ParseError) as raised:
        datasets.open_dataset(datasets.sources(None, [path]))
    assert raised.value.path == str(path) and raised.value.line == 2
    assert f"{path}:2:" in str(raised.value)


def test_the_builds_own_dataset_skips_term_checks_but_not_syntax(tmp_path):
    # dist/dataset.nq was checked when the build wrote it: loading it again leaves IRIs alone
    # (faster), but a damaged file still stops the start with its name and line.
    dataset = tmp_path / "dataset.nq"
    dataset.write_text("<http://example.org/a> <http://example.org/b> <not-absolute> <http://example.org/g> .\n")
    (source,) = datasets.sources(tmp_path)
    assert source.ours
    assert len(datasets.open_dataset([source])) == 1
    with pytest.raises(ParseError):  # the same line from a --load file is refused
        datasets.open_dataset(datasets.sources(None, [dataset]))
    dataset.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"
                       "<http://example.org/a> <http://example.org/b> \"x\" <http://example.org/g>\n")
    with pytest.raises(ParseError) as raised:
        datasets.open_dataset(datasets.sources(tmp_path))
    assert raised.value.path == str(dataset) and raised.value.line in (2, 3)


def test_unknown_extension_is_refused_before_loading(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,b\n")
    with pytest.raises(ParseError, match="unknown RDF file extension '.csv'"):
        datasets.sources(None, [path])


def test_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        datasets.sources(None, [tmp_path / "none.ttl"])


def test_no_build_data_without_files_is_a_usage_error():
    with pytest.raises(UsageError, match="--no-build-data needs at least one --load"):
        datasets.sources(None, [])


def test_on_disk_store_is_reused_until_a_file_changes(tmp_path):
    path = tmp_path / "data.nt"
    path.write_bytes(ox.serialize(TRIPLES[:1], format=ox.RdfFormat.N_TRIPLES))
    store_dir = tmp_path / "store"
    store = datasets.open_dataset(datasets.sources(None, [path]), store_dir)
    assert len(store) == 1
    stamp = (store_dir / "kg-source.sha256").stat().st_mtime_ns
    del store
    gc.collect()
    store = datasets.open_dataset(datasets.sources(None, [path]), store_dir)
    assert (store_dir / "kg-source.sha256").stat().st_mtime_ns == stamp
    del store
    gc.collect()
    path.write_bytes(ox.serialize(TRIPLES, format=ox.RdfFormat.N_TRIPLES))
    assert len(datasets.open_dataset(datasets.sources(None, [path]), store_dir)) == 2



def test_a_store_dir_of_other_files_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "data.nt"
    path.write_bytes(ox.serialize(TRIPLES[:1], format=ox.RdfFormat.N_TRIPLES))
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "CURRENT").write_text("someone else's database\n")
    with pytest.raises(UsageError, match="holds files of something else"):
        datasets.open_dataset(datasets.sources(None, [path]), theirs)
    assert [p.name for p in theirs.iterdir()] == ["CURRENT"]
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine\n")
    with pytest.raises(UsageError, match="is not a folder"):
        datasets.open_dataset(datasets.sources(None, [path]), a_file)
    assert a_file.read_text() == "mine\n"


def test_an_empty_store_dir_is_taken_and_marked_as_ours(tmp_path):
    path = tmp_path / "data.nt"
    path.write_bytes(ox.serialize(TRIPLES[:1], format=ox.RdfFormat.N_TRIPLES))
    (tmp_path / "store").mkdir()
    store = datasets.open_dataset(datasets.sources(None, [path]), tmp_path / "store")
    assert len(store) == 1 and (tmp_path / "store" / datasets.OWNER_FILE).is_file()

def kg(*args):
    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def test_kg_query_runs_over_loaded_files_only(tmp_path):
    path = tmp_path / "data.ttl"
    path.write_bytes(ox.serialize(TRIPLES, format=ox.RdfFormat.TURTLE))
    rq = tmp_path / "graphs.rq"
    rq.write_text("# Graphs and their sizes.\nSELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g\n")
    result = kg("query", str(rq), "--no-build-data", "--load", str(path), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["g,n", f"{path.resolve().as_uri()},2"]


def test_kg_serve_names_the_bad_file_and_line(tmp_path):
    path = tmp_path / "bad.nt"
    path.write_text("<http://example.org/a> <http://example.org/b> .\n")
    result = subprocess.run([sys.executable, "-m", "kg.service.server", str(tmp_path), "--no-build-data",
                             "--load", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"{path}:1:" in result.stderr
