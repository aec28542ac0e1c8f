"""The one SPARQL tokenizer on tricky input, and the rewrites that rely on it."""
from __future__ import annotations

from kg.sparql.text import add_using, service_targets, tokens


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
