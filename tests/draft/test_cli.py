"""`kg draft` and `kg draft --accept` on the command line; loading the draft beside the build."""
from __future__ import annotations

import shutil

import pyoxigraph as ox

from kg.draft.write import graph_iri
from kg.store import datasets
from tests.conftest import ROOT
from tests.test_cli import kg


def test_draft_writes_the_three_files_into_a_new_nested_folder(article_path, tmp_path):
    out = tmp_path / "a" / "b"
    done = kg("draft", str(article_path), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert {p.name for p in out.iterdir()} == {"draft.trig", "review.csv", "review.html"}
    assert "0 violation(s)" in done.stderr


def test_a_draft_that_breaks_a_kept_rule_fails_as_an_error_with_its_files_written(article_path, tmp_path):
    root = tmp_path / "project"
    for folder in ("ontology", "graph", "shapes"):
        shutil.copytree(ROOT / folder, root / folder)
    with (root / "shapes" / "dzo.shacl.ttl").open("a", encoding="utf-8") as f:
        f.write("\ndzs:SourcedEventShape a sh:NodeShape ; sh:targetClass dzo:Event ;\n"
                "    sh:property [ sh:path dzo:outcome ; sh:minCount 1 ; sh:message \"needs an outcome\" ] .\n")
    out = tmp_path / "out"
    done = kg("--root", str(root), "draft", str(article_path), "-o", str(out))
    assert done.returncode == 1
    assert "error: the draft in" in done.stderr and "needs an outcome" in done.stderr
    assert (out / "review.csv").is_file()


def test_a_missing_article_is_said_and_fails(tmp_path):
    done = kg("draft", str(tmp_path / "none.txt"), "-o", str(tmp_path / "o"))
    assert done.returncode == 1 and "no such article file" in done.stderr


def test_an_empty_article_is_said_and_fails(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n", encoding="utf-8")
    done = kg("draft", str(empty), "-o", str(tmp_path / "o"))
    assert done.returncode == 1 and "is empty" in done.stderr


def test_an_article_and_accept_together_or_neither_is_a_usage_error(tmp_path):
    assert kg("draft").returncode == 2
    assert kg("draft", "a.txt", "--accept", "r.csv").returncode == 2


def test_accept_writes_turtle_to_a_file(written, tmp_path):
    out = tmp_path / "accepted.ttl"
    done = kg("draft", "--accept", str(written.csv), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "dzr:event-2024-11-23-islamic-state-ambush-al-bushri-desert" in out.read_text(encoding="utf-8")


def test_a_bad_review_row_fails_naming_the_line(tmp_path):
    bad = tmp_path / "review.csv"
    bad.write_text("id,date\nx,2024-01-01\n", encoding="utf-8")
    done = kg("draft", "--accept", str(bad))
    assert done.returncode == 1 and "missing column" in done.stderr


def test_kg_query_load_reads_the_draft_graph(written, tmp_path):
    query = tmp_path / "drafted.rq"
    query.write_text("PREFIX dzo: <https://w3id.org/deir-ez-zor-2024/ontology#>\n"
                     f"SELECT (COUNT(?e) AS ?n) WHERE {{ GRAPH <{graph_iri('deir-ez-zor-offensive-2024')}> "
                     "{ ?e dzo:datePrecision ?p } }\n", encoding="utf-8")
    done = kg("query", str(query), "--no-build-data", "--load", str(written.graph), "--format", "csv")
    assert done.returncode == 0, done.stderr
    with written.csv.open(encoding="utf-8") as f:
        rows = len(f.readlines()) - 1
    assert int(done.stdout.split()[-1]) == rows


def test_the_draft_loads_beside_the_build_as_kg_serve_loads_it(dist, written, drafted):
    store = datasets.open_dataset(datasets.sources(dist, [written.graph]))
    draft_graph = ox.NamedNode(str(graph_iri(drafted.slug)))
    assert draft_graph in set(store.named_graphs())
    ask = ("PREFIX dzo: <https://w3id.org/deir-ez-zor-2024/ontology#> "
           "PREFIX dzr: <https://w3id.org/deir-ez-zor-2024/resource/> "
           "ASK { ?drafted dzo:agent dzr:islamic-state ; dzo:datePrecision ?p . "
           "dzr:islamic-state a dzo:NonStateArmedGroup }")
    assert store.query(ask, use_default_graph_as_union=True)
