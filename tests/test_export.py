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

from kg import build as build_mod
from kg import export
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
    out = tmp_path / f"out{export.FORMATS[fmt][1]}"
    subprocess.run([sys.executable, "-m", "kg", "--root", str(ROOT), "--dist", str(dist), "export",
                    "--format", fmt, "--graph", "inferred", "-o", str(out)], check=True, capture_output=True)
    ox_format = ox.RdfFormat.from_media_type(export.FORMATS[fmt][0])
    parsed = [q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(path=str(out), format=ox_format)]
    assert canonical(parsed) == canonical(built.inferred)


def test_kg_export_to_stdout_is_the_dist_turtle(dist):
    result = subprocess.run([sys.executable, "-m", "kg", "--root", str(ROOT), "--dist", str(dist), "export"],
                            check=True, capture_output=True)
    assert result.stdout == (dist / "graph.ttl").read_bytes()


def test_export_of_an_unknown_graph_is_a_usage_error(dist):
    result = subprocess.run([sys.executable, "-m", "kg", "--root", str(ROOT), "--dist", str(dist), "export",
                             "--graph", "everything"], capture_output=True, text=True)
    assert result.returncode == 2 and "invalid choice: 'everything'" in result.stderr
