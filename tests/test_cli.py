"""The command line: the README's CLI section is the real --help, and usage errors exit 2."""
from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.conftest import ROOT


def kg(*args, **kw):
    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, env=env, cwd=ROOT, **kw)


def test_readme_cli_section_matches_help():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- kg --help -->\n```text\n(.*?)```\n<!-- end kg --help -->", readme, re.S)
    assert block, "README.md lost its kg --help block"
    assert block.group(1) == kg("--help").stdout


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S).group(1)
    assert [line.split()[:2] for line in first_block.splitlines()] == [["make", "run"], ["make", "test"]]


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_query_list_names_every_named_query_but_the_explorers_own():
    out = kg("query", "--list").stdout
    for path in (ROOT / "queries").glob("*.rq"):
        listed = re.search(rf"^{re.escape(path.stem)}\b", out, re.M)
        assert bool(listed) != path.stem.startswith("explorer-"), path.stem


def test_unknown_query_is_a_usage_error_naming_the_known_ones():
    result = kg("query", "no-such-query")
    assert result.returncode == 2 and "who-supported-whom" in result.stderr


def test_unknown_parameter_is_a_usage_error():
    result = kg("query", "events-of-actor", "--param", "colour=red")
    assert result.returncode == 2 and "has no parameter colour" in result.stderr


def test_missing_parameter_is_a_usage_error():
    result = kg("query", "controller-on-date", "--param", "place=dzr:abu-kamal")
    assert result.returncode == 2 and "needs the parameter day" in result.stderr and "--param day=VALUE" in result.stderr


def test_malformed_date_parameter_is_a_usage_error():
    result = kg("query", "controller-on-date", "--param", "place=dzr:abu-kamal", "--param", "day=yesterday")
    assert result.returncode == 2 and "not a date" in result.stderr


def test_allow_update_without_token_refuses_to_start():
    env_free = {k: v for k, v in os.environ.items() if k != "KG_UPDATE_TOKEN"}
    result = subprocess.run([sys.executable, "-m", "kg", "serve", "--allow-update"], capture_output=True,
                            text=True, cwd=ROOT, env=env_free, timeout=60)
    assert result.returncode == 2 and "--update-token" in result.stderr


def test_link_missing_lists_unlinked_entities_offline(tmp_path):
    result = kg("--dist", str(tmp_path / "dist"), "link", "--missing")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert any(line.startswith("https://w3id.org/deir-ez-zor-2024/resource/abu-hamam\t") for line in lines)
    assert not any("/resource/deir-ez-zor-governorate\t" in line for line in lines), "a linked entity is listed"


def test_export_quickstatements_carries_the_wikipedia_import_convention(tmp_path):
    result = kg("--dist", str(tmp_path / "dist"), "export", "--format", "quickstatements")
    assert result.returncode == 0
    statements = [line for line in result.stdout.splitlines() if "\tP" in line]
    assert statements and all("\tS143\tQ328\tS4656\t" in line for line in statements)
    # The article's offensive has no item in the graph: the batch creates one, and says so.
    assert result.stdout.startswith("CREATE\n") and "look its English Wikipedia article up on Wikidata" in result.stderr
    again = kg("--dist", str(tmp_path / "dist"), "export", "--format", "quickstatements", "--graph", "all")
    assert again.returncode == 2 and "--graph does not apply to quickstatements" in again.stderr


def test_a_resource_that_occurs_nowhere_is_said_and_a_whole_iri_is_taken(dist):
    typo = kg("--dist", str(dist), "query", "controller-on-date", "--param", "place=dzr:abu-kamall",
              "--param", "day=2024-12-08")
    assert typo.returncode == 0 and "(0 rows)" in typo.stdout
    assert "dzr:abu-kamall (parameter place) occurs nowhere in the graph; check the spelling" in typo.stderr
    whole = kg("--dist", str(dist), "query", "controller-on-date", "--param",
               "place=<https://w3id.org/deir-ez-zor-2024/resource/abu-kamal>", "--param", "day=2024-12-08")
    assert whole.returncode == 0 and "dzr:syrian-democratic-forces" in whole.stdout and whole.stderr == ""


def test_a_query_file_may_ask_or_construct(dist, tmp_path):
    import pyoxigraph as ox

    construct = tmp_path / "iran.rq"
    construct.write_text("PREFIX dzo: <https://w3id.org/deir-ez-zor-2024/ontology#>\n"
                         "PREFIX dzr: <https://w3id.org/deir-ez-zor-2024/resource/>\n"
                         "CONSTRUCT { dzr:iran dzo:supports ?x } WHERE { dzr:iran dzo:supports ?x }\n")
    graph = kg("--dist", str(dist), "query", str(construct))
    assert graph.returncode == 0, graph.stderr
    assert graph.stdout.startswith("@prefix dzo: ")
    triples = set(ox.parse(graph.stdout.encode(), format=ox.RdfFormat.TURTLE))
    supported = {t.object.value.rsplit("/", 1)[1] for t in triples}
    assert {"syrian-arab-republic", "pro-iranian-militias"} <= supported
    assert kg("--dist", str(dist), "query", str(construct), "--format", "csv").returncode == 2
    ask = tmp_path / "ask.rq"
    ask.write_text("ASK { ?s a <https://w3id.org/deir-ez-zor-2024/ontology#SupportRelation> }\n")
    assert kg("--dist", str(dist), "query", str(ask)).stdout == "true\n"


def test_a_query_file_that_is_not_there_is_named(dist, tmp_path):
    result = kg("--dist", str(dist), "query", str(tmp_path / "nope.rq"))
    assert result.returncode == 2
    assert f"cannot read the query file {tmp_path / 'nope.rq'}: No such file or directory" in result.stderr


def test_query_warns_of_a_date_compared_with_a_plain_string(tmp_path):
    query = tmp_path / "on-a-day.rq"
    query.write_text('PREFIX dzo: <https://w3id.org/deir-ez-zor-2024/ontology#>\n'
                     'SELECT ?e WHERE { ?e dzo:date ?date . FILTER(?date = "2024-12-08") }\n')
    result = kg("query", str(query))
    assert result.returncode == 0
    assert ('kg query: ?date is compared with the plain string "2024-12-08", but dzo:date holds xsd:date '
            'values, which never equal a string: write "2024-12-08"^^xsd:date') in result.stderr


def test_a_parameter_given_twice_is_a_usage_error_naming_both_values():
    result = kg("query", "controller-on-date", "--param", "place=dzr:abu-kamal", "--param", "day=2024-12-01",
                "--param", "day=2024-12-08")
    assert result.returncode == 2 and "--param day is given twice ('2024-12-01' and '2024-12-08')" in result.stderr


def test_a_window_that_starts_after_it_ends_is_a_usage_error_as_over_http():
    result = kg("query", "events", "--param", "from=2024-12-10", "--param", "to=2024-12-01")
    assert result.returncode == 2 and "the window starts (2024-12-10) after it ends (2024-12-01)" in result.stderr
