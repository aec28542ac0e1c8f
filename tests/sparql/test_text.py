"""The one SPARQL tokenizer on tricky input, the rewrites that rely on it, and the one way a term
is bound into a query's text."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.pages.resource import resource_jobs
from kg.sparql import named
from kg.sparql.text import add_using, bind_terms, service_targets, syntax_message, tokens, with_values
from tests.conftest import ROOT


def kinds(text: str) -> list[tuple[str, str]]:
    return [(token.kind, token.text) for token in tokens(text)]


def test_a_string_holding_a_hash_a_brace_and_a_bracket_is_one_string():
    assert kinds('?s ?p "a # b { c < d" .') == [
        ("var", "?s"), ("var", "?p"), ("string", '"a # b { c < d"'), ("other", ".")]


def test_long_strings_hold_quotes_and_newlines():
    assert kinds('"""say "hi" \n # not a comment"""') == [("string", '"""say "hi" \n # not a comment"""')]
    assert kinds("'''it's'''") == [("string", "'''it's'''")]


def test_escaped_quotes_stay_inside_their_string():
    assert kinds(r'"a \" { b" }') == [("string", r'"a \" { b"'), ("close", "}")]


def test_a_comment_holding_quotes_ends_at_the_line_and_opens_no_string():
    assert kinds('# it\'s "open\n{ ?s }') == [
        ("comment", "# it's \"open"), ("open", "{"), ("var", "?s"), ("close", "}")]


def test_an_iri_holding_a_hash_is_one_iri_not_a_comment():
    assert kinds("<http://x/ns#a> <http://y/>") == [("iri", "<http://x/ns#a>"), ("iri", "<http://y/>")]


def test_a_less_than_sign_opens_no_iri():
    assert kinds("FILTER(?a < ?b)")[2:5] == [("var", "?a"), ("other", "<"), ("var", "?b")]


def test_prefixed_names_keep_escapes_and_leave_a_final_dot_out():
    assert kinds(r"dzr:abu-kamal. ex:a\#b :x dzo: _:b1") == [
        ("name", "dzr:abu-kamal"), ("other", "."), ("name", r"ex:a\#b"), ("name", ":x"), ("name", "dzo:"),
        ("name", "_:b1")]


def test_keywords_variables_numbers_and_braces():
    assert kinds("SELECT $x { ?y a 1.5 }") == [
        ("keyword", "SELECT"), ("var", "$x"), ("open", "{"), ("var", "?y"), ("keyword", "a"),
        ("number", "1.5"), ("close", "}")]


def test_an_unterminated_string_is_a_lone_quote():
    assert kinds('"abc')[0] == ("other", '"')


def test_tokens_cover_the_text_in_order_with_only_whitespace_between():
    text = 'PREFIX x: <http://x/#> SELECT * { ?s x:p "}" ; x:q \'{\' } # }\n'
    position = 0
    for token in tokens(text):
        assert token.start >= position and text[position:token.start].strip() == ""
        assert text[token.start:token.end] == token.text
        position = token.end
    assert text[position:].strip() == ""


def test_service_in_a_string_or_comment_is_no_service_clause():
    query = 'SELECT * { ?s ?p "SERVICE <http://a/>" # SERVICE <http://b/>\n SERVICE <http://c/#q> { } }'
    assert [endpoint for _, _, endpoint in service_targets(query)] == ["http://c/#q"]


def test_using_goes_before_the_pattern_not_into_strings_or_comments():
    update = 'INSERT { ?s ?p "} WHERE {" } # WHERE\nWHERE { ?s ?p ?o }'
    assert add_using(update, ["http://g/"], []) == (
        'INSERT { ?s ?p "} WHERE {" } # WHERE\nUSING <http://g/> WHERE { ?s ?p ?o }')


def test_bind_terms_writes_variables_outside_strings_iris_and_comments():
    text = 'SELECT ?s { ?s <http://x/?day> "?day" ; <http://x/d> $day } # ?day'
    day = ox.Literal("2024-12-08", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    assert bind_terms(text, {"day": day}) == (
        'SELECT ?s { ?s <http://x/?day> "?day" ; <http://x/d> '
        '"2024-12-08"^^<http://www.w3.org/2001/XMLSchema#date> } # ?day')


def test_bind_terms_escapes_a_literal_and_takes_no_text():
    assert bind_terms("?q", {"q": ox.Literal('say "hi" } #\n')}) == '"say \\"hi\\" } #\\n"'
    with pytest.raises(TypeError, match="IRI or a literal"):
        bind_terms("?q", {"q": "<http://x/> } DROP ALL #"})


def test_named_queries_pages_and_remote_stores_write_a_term_alike():
    iri = "https://w3id.org/deir-ez-zor-2024/resource/abu-kamal"
    written = bind_terms("?x", {"x": ox.NamedNode(iri)})
    assert written == f"<{iri}>"
    assert all(written in job.text and "?r " not in job.text for job in resource_jobs(iri))
    values = with_values("SELECT * { ?place ?p ?o }", {ox.Variable("place"): ox.NamedNode(iri)})
    assert f"VALUES (?place) {{ ({written}) }}" in values
    bound = named.bind(named.find(ROOT, "events"), {"from": "2024-12-01"})
    assert bind_terms("?d", {"d": named.date_term("from", "2024-12-01")}) in bound.text


def test_no_module_but_the_tokenizer_lexes_sparql_strings():
    # A second lexer would disagree with this one on some input (a '#' in a string, a quote in a
    # comment): every module reads SPARQL text through kg.sparql.text.tokens.
    lexers = [path.relative_to(ROOT).as_posix() for path in sorted((ROOT / "kg").rglob("*.py"))
              if "(?!'')" in path.read_text() or '(?!"")' in path.read_text()]
    assert lexers == ["kg/sparql/text.py"]


def test_an_undeclared_prefix_after_a_long_string_on_another_line_is_named():
    query = 'SELECT * WHERE { ?s ?p """a\nb: c""" ;\n  a dzo:Event }'
    with pytest.raises(SyntaxError) as raised:
        ox.Store().query(query)
    assert syntax_message(query, raised.value) == (
        "error at 3:14: the prefix dzo: is not declared; add PREFIX dzo: <https://w3id.org/deir-ez-zor-2024/ontology#>")
