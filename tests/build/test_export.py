"""Export: every file of dist/ is valid for an independent parser and round-trips to the same
triples; `kg export` writes each format and graph."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.build import pipeline as build_mod
from kg.build import export
from kg.namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY
from tests.conftest import ROOT

RAPPER = shutil.which("rapper")


def canonical(triples) -> list[str]:
    quads = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    return sorted(str(q) for q in export.canonical_quads(quads))


def expected(built, graph: str):
    return {"ontology": built.ontology, "asserted": built.asserted, "inferred": built.inferred}[graph]


@pytest.mark.skipif(RAPPER is None, reason="rapper (raptor2-utils) is not installed; `make setup` installs it")
@pytest.mark.parametrize("name", ["ontology.ttl", "graph.ttl", "inferred.ttl"])
def test_turtle_files_parse_with_rapper_and_round_trip(dist, built, name):
    result = subprocess.run([RAPPER, "-q", "-i", "turtle", "-o", "ntriples", str(dist / name)],
                            capture_output=True, check=True)
    parsed = list(ox.parse(io.BytesIO(result.stdout), format=ox.RdfFormat.N_TRIPLES))
    graph = build_mod.DIST_FILES[name][0]
    assert canonical(parsed) == canonical(expected(built, graph))


@pytest.mark.skipif(RAPPER is None, reason="rapper (raptor2-utils) is not installed; `make setup` installs it")
def test_rdfxml_export_parses_with_rapper(built, tmp_path):
    path = tmp_path / "graph.rdf"
    path.write_bytes(export.serialize(export.quads_of(built.asserted, GRAPH_ASSERTED), "rdfxml"))
    result = subprocess.run([RAPPER, "-q", "-i", "rdfxml", "-o", "ntriples", str(path)], capture_output=True, check=True)
    parsed = list(ox.parse(io.BytesIO(result.stdout), format=ox.RdfFormat.N_TRIPLES))
    assert canonical(parsed) == canonical(built.asserted)


def test_dataset_files_keep_the_three_named_graphs(dist, built):
    for name, fmt in (("dataset.nq", ox.RdfFormat.N_QUADS), ("dataset.trig", ox.RdfFormat.TRIG)):
        quads = list(ox.parse(path=str(dist / name), format=fmt))
        for graph, triples in ((GRAPH_ASSERTED, built.asserted), (GRAPH_INFERRED, built.inferred),
                               (GRAPH_ONTOLOGY, built.ontology)):
            in_graph = [q.triple for q in quads if q.graph_name == ox.NamedNode(str(graph))]
            assert canonical(in_graph) == canonical(triples), (name, graph)


def test_jsonld_file_round_trips(dist, built):
    json.loads((dist / "graph.jsonld").read_text())
    parsed = list(ox.parse(path=str(dist / "graph.jsonld"), format=ox.RdfFormat.JSON_LD))
    assert canonical(parsed) == canonical(built.asserted)


@pytest.mark.parametrize("fmt", sorted(export.FORMATS))
def test_kg_export_writes_each_format_that_parses_back(dist, built, fmt, tmp_path):
    out = tmp_path / f"out{export.FORMATS[fmt].extension}"
    subprocess.run([sys.executable, "-m", "kg", "--root", str(ROOT), "--dist", str(dist), "export",
                    "--format", fmt, "--graph", "inferred", "-o", str(out)], check=True, capture_output=True)
    ox_format = ox.RdfFormat.from_media_type(export.FORMATS[fmt].media_type)
    parsed = [q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(path=str(out), format=ox_format)]
    assert canonical(parsed) == canonical(built.inferred)


def test_kg_export_to_stdout_is_the_dist_turtle(dist):
    result = subprocess.run([sys.executable, "-m", "kg", "--root", str(ROOT), "--dist", str(dist), "export"],
                            check=True, capture_output=True)
    assert result.stdout == (dist / "graph.ttl").read_bytes()


def _export(dist, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", "--root", str(ROOT), "--dist", str(dist), "export", *argv],
                          capture_output=True, text=True, timeout=120)


def test_without_a_format_the_output_files_extension_names_it(dist, tmp_path):
    out = tmp_path / "graph.nt"
    assert _export(dist, "-o", str(out)).returncode == 0
    assert out.read_bytes() == export.serialize(export.select(build_mod.load_dist(dist), "asserted"), "ntriples",
                                                canonical=True)


def test_a_format_the_extension_contradicts_is_refused_and_nothing_written(dist, tmp_path):
    out = tmp_path / "graph.jsonld"
    result = _export(dist, "--format", "turtle", "-o", str(out))
    assert result.returncode == 2 and not out.exists()
    assert f"--format turtle would write turtle into {out}, whose extension means jsonld" in result.stderr


def test_an_empty_graph_is_written_and_said(dist, tmp_path):
    out = tmp_path / "labels.ttl"
    result = _export(dist, "--graph", "wikidata-labels", "-o", str(out))
    assert result.returncode == 0 and out.read_bytes() == b""
    assert "the wikidata-labels graph of this build is empty (`kg link --labels` fills it)" in result.stderr


def test_export_of_an_unknown_graph_is_a_usage_error(dist):
    result = subprocess.run([sys.executable, "-m", "kg", "--root", str(ROOT), "--dist", str(dist), "export",
                             "--graph", "everything"], capture_output=True, text=True)
    assert result.returncode == 2 and "invalid choice: 'everything'" in result.stderr


def _whole_dataset_canonical(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The reference: RDFC-1.0 over every quad, then sorted by (graph, subject, predicate, object)."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(set(dataset), key=lambda q: tuple(map(str, (q.graph_name, q.subject, q.predicate, q.object))))


_IRIS = st.sampled_from(["http://ex/a", "http://ex/a/b", "http://ex/ab", "http://ex/b"])
_TERMS = st.one_of(
    _IRIS.map(ox.NamedNode),
    st.sampled_from(["b1", "b2", "b10"]).map(ox.BlankNode),
    st.sampled_from(["x", "x y", "", "x\n"]).map(ox.Literal),
    st.sampled_from(["x", "xy"]).map(lambda v: ox.Literal(v, language="en")),
    st.sampled_from(["1", "10"]).map(lambda v: ox.Literal(v, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
)
_SUBJECTS = st.one_of(_IRIS.map(ox.NamedNode), st.sampled_from(["b1", "b2", "b10"]).map(ox.BlankNode))
_GRAPHS = st.one_of(st.just(ox.DefaultGraph()), _IRIS.map(ox.NamedNode))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.builds(ox.Quad, _SUBJECTS, _IRIS.map(ox.NamedNode), _TERMS, _GRAPHS), max_size=25))
def test_canonical_quads_match_canonicalising_the_whole_dataset(quads):
    # Only the quads with blank nodes are canonicalised, and the sort keys on each quad's text:
    # both must give exactly what canonicalising everything and sorting by terms gives.
    assert export.canonical_quads(quads) == _whole_dataset_canonical(quads)


def test_canonical_order_where_one_term_is_a_prefix_of_another():
    # The cases where text order and term order could part: a literal and the same literal with
    # a language or datatype, and blank-node labels c14n1 and c14n10 (eleven blank nodes).
    s, p, g = ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p"), ox.NamedNode("http://ex/g")
    quads = [ox.Quad(s, p, ox.Literal("x"), g), ox.Quad(s, p, ox.Literal("x", language="en"), g),
             ox.Quad(s, p, ox.Literal("x", datatype=ox.NamedNode("http://ex/t")), g),
             ox.Quad(s, p, ox.Literal("x"), ox.DefaultGraph()),
             ox.Quad(s, p, ox.Literal("x", language="en"), ox.DefaultGraph())]
    quads += [ox.Quad(ox.BlankNode(f"n{i}"), p, ox.Literal(str(i)), g) for i in range(12)]
    quads += [ox.Quad(s, p, ox.BlankNode(f"n{i}"), g) for i in range(12)]
    assert export.canonical_quads(quads) == _whole_dataset_canonical(quads)


@pytest.mark.parametrize("name", sorted(build_mod.DIST_FILES))
def test_kg_export_of_what_dist_holds_is_that_file(dist, name, tmp_path):
    graph, fmt = build_mod.DIST_FILES[name]
    out = tmp_path / name
    subprocess.run([sys.executable, "-m", "kg", "--root", str(ROOT), "--dist", str(dist), "export",
                    "--format", fmt, "--graph", graph, "-o", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == (dist / name).read_bytes()


def test_kg_export_keeps_the_blank_node_labels_of_the_build(dist):
    # The ontology has blank nodes (restrictions, lists): an export in a format dist/ does not
    # hold names them as dataset.nq does (it takes the build's canonical quads as they are).
    result = subprocess.run([sys.executable, "-m", "kg", "--root", str(ROOT), "--dist", str(dist), "export",
                             "--format", "ntriples", "--graph", "ontology"], check=True, capture_output=True)
    exported = {q.triple for q in ox.parse(result.stdout, format=ox.RdfFormat.N_TRIPLES)}
    assert any(isinstance(t.subject, ox.BlankNode) for t in exported)
    ontology = ox.NamedNode(str(GRAPH_ONTOLOGY))
    in_dist = {q.triple for q in ox.parse(path=str(dist / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
               if q.graph_name == ontology}
    assert exported == in_dist


def test_export_to_an_unwritable_place_is_a_clear_error(dist, tmp_path):
    for fmt in ("turtle", "ntriples"):  # copied from dist/, and written out
        result = subprocess.run([sys.executable, "-m", "kg", "--root", str(ROOT), "--dist", str(dist), "export",
                                 "--format", fmt, "-o", str(tmp_path / "missing" / "out")], capture_output=True, text=True)
        assert result.returncode == 1
        assert f"cannot write {tmp_path / 'missing' / 'out'}: No such file or directory" in result.stderr
        assert "Traceback" not in result.stderr
