"""SPARQL as text: the one tokenizer, and what is done on its tokens, never inside a string, an
IRI or a comment: terms bound into a query (bind_terms, the one way), the VALUES block that binds
them on a remote store, USING clauses, SERVICE endpoints, and naming an undeclared prefix.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple

import pyoxigraph as ox

from kg.namespaces import PREFIXES

_LOCAL_CHAR = r"(?:[\w\-:%]|\\[_~.\-!$&'()*+,;=/?#@%])"
"""A character of a prefixed name's local part: a letter, digit, '-', ':', '%' or an escape."""

_TOKEN = re.compile("|".join((
    r"(?P<space>\s+)",
    r"(?P<comment>#[^\n\r]*)",
    r"(?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|"(?:[^"\\\n\r]|\\.)*")',
    r'(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)',
    r"(?P<var>[?$]\w+)",
    # A prefix (not ending in '.') and a colon, then a local part (not ending in '.' either).
    rf"(?P<name>(?:[^\W\d](?:[\w\-.]*[\w\-])?)?:(?:{_LOCAL_CHAR}(?:(?:{_LOCAL_CHAR}|\.)*{_LOCAL_CHAR})?)?)",
    r"(?P<keyword>[^\W\d]\w*)",
    r"(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)",
    r"(?P<open>\{)",
    r"(?P<close>\})",
    r"(?P<other>.)",
)), re.S)


class Token(NamedTuple):
    kind: str
    """comment, string, iri, var, name (a prefixed name, or a blank node's label), keyword (any
    bare word: SELECT, a, true), number, open ('{'), close ('}') or other (one character)."""
    start: int
    end: int
    text: str


def tokens(text: str) -> Iterator[Token]:
    """The tokens of a query or update, without the whitespace between them. What opens no token
    (an unterminated string's quote, a '<' that is a comparison) is one character of kind other.

    >>> [(t.kind, t.text) for t in tokens('SELECT ?s { ?s dzo:p "#{<" } # "x"\\n')]
    [('keyword', 'SELECT'), ('var', '?s'), ('open', '{'), ('var', '?s'), ('name', 'dzo:p'), ('string', '"#{<"'), ('close', '}'), ('comment', '# "x"')]
    """
    for match in _TOKEN.finditer(text):
        if match.lastgroup != "space":
            yield Token(match.lastgroup, match.start(), match.end(), match.group())


def bind_terms(text: str, terms: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """`text` with each variable named in `terms` written as its term wherever it stands outside
    strings, IRIs and comments: the one way a term goes into a query's text. Terms are written
    by pyoxigraph (N-Triples syntax), which checked them when they were made, never pasted.

    >>> day = ox.Literal("2024-12-08", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    >>> bind_terms('SELECT * WHERE { ?e <d> ?d FILTER(?d >= $from) } # ?from', {"from": day})
    'SELECT * WHERE { ?e <d> ?d FILTER(?d >= "2024-12-08"^^<http://www.w3.org/2001/XMLSchema#date>) } # ?from'
    >>> bind_terms('SELECT * WHERE { ?s ?p "?from" }', {"from": day})
    'SELECT * WHERE { ?s ?p "?from" }'
    """
    for name, term in terms.items():
        if not isinstance(term, (ox.NamedNode, ox.Literal)):
            raise TypeError(f"?{name} must be bound to an IRI or a literal, not {term!r}")
    return replace_spans(text, [(token.start, token.end, str(terms[token.text[1:]])) for token in tokens(text)
                                if token.kind == "var" and token.text[1:] in terms])


def where_brace(text: str) -> tuple[int, int | None]:
    """Index of the `{` opening the WHERE pattern of a query (skipping a CONSTRUCT template,
    strings, IRIs and comments), -1 when there is none; and for the short form CONSTRUCT WHERE
    { ... }, the index of that WHERE (else None).

    >>> q = 'CONSTRUCT { ?s ?p "{" } WHERE { ?s ?p ?o }'
    >>> q[where_brace(q)[0]:]
    '{ ?s ?p ?o }'
    >>> q = 'PREFIX x: <http://x/#> # {\\nSELECT * { ?s x:p ?o }'
    >>> q[where_brace(q)[0]:]
    '{ ?s x:p ?o }'
    >>> where_brace('CONSTRUCT WHERE { ?s ?p ?o }')
    (16, 10)
    """
    form, last_word, last_at, depth, skipped_template = None, None, 0, 0, False
    for token in tokens(text):
        if token.kind == "keyword" and depth == 0:
            last_word, last_at = token.text.lower(), token.start
            if form is None and last_word in ("select", "construct", "describe", "ask"):
                form = last_word
        elif token.kind == "open":
            if depth == 0:
                if form == "construct" and not skipped_template:
                    if last_word == "where":
                        return token.start, last_at
                    skipped_template = True
                else:
                    return token.start, None
            depth += 1
        elif token.kind == "close":
            depth -= 1
    return -1, None


def _closing(text: str, at: int) -> int:
    """Index of the `}` closing the group opened at `at`."""
    depth = 0
    for token in tokens(text[at:]):
        if token.kind == "open":
            depth += 1
        elif token.kind == "close":
            depth -= 1
            if depth == 0:
                return at + token.start
    raise SyntaxError("unbalanced braces in the query")


def with_values(text: str, substitutions: Mapping[ox.Variable, ox.NamedNode | ox.Literal]) -> str:
    """The query with pyoxigraph-style substitutions as a VALUES block opening its WHERE pattern
    (how a remote store binds them): bound before the rest of the pattern is evaluated, as
    pyoxigraph's substitutions are. The row's terms are written by bind_terms.

    >>> r = {ox.Variable("r"): ox.NamedNode("http://x/a")}
    >>> with_values("SELECT ?r ?o WHERE { ?r ?p ?o }", r)
    'SELECT ?r ?o WHERE { VALUES (?r) { (<http://x/a>) } ?r ?p ?o }'
    >>> with_values("CONSTRUCT WHERE { ?r ?p ?o }", r)
    'CONSTRUCT { ?r ?p ?o } WHERE { VALUES (?r) { (<http://x/a>) } ?r ?p ?o }'
    """
    if not substitutions:
        return text
    at, short_where = where_brace(text)
    if at < 0:
        raise SyntaxError("cannot bind parameters: the query has no WHERE pattern")
    if short_where is not None:  # CONSTRUCT WHERE { T } is CONSTRUCT { T } WHERE { T }
        template = text[at:_closing(text, at) + 1]
        text = f"{text[:short_where]}{template} {text[short_where:]}"
        at += len(template) + 1
    names = " ".join(str(variable) for variable in substitutions)
    row = bind_terms(names, {variable.value: term for variable, term in substitutions.items()})
    return f"{text[:at + 1]} VALUES ({names}) {{ ({row}) }}{text[at + 1:]}"


def _where_positions(update: str) -> list[int]:
    """Offsets of the WHERE keywords that open a DELETE/INSERT operation's pattern: those at the
    top level, except right after DELETE (DELETE WHERE takes no USING).

    >>> _where_positions('INSERT { ?s ?p "WHERE {" } WHERE { ?s ?p ?o }')
    [27]
    >>> _where_positions("DELETE WHERE { ?s ?p ?o }")
    []
    >>> _where_positions("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")
    [20]
    """
    positions: list[int] = []
    depth = 0
    previous = ""
    for token in tokens(update):
        if token.kind == "comment":
            continue
        if token.kind == "open":
            depth += 1
        elif token.kind == "close":
            depth -= 1
        elif depth == 0 and token.kind == "keyword" and token.text.upper() == "WHERE" and previous != "DELETE":
            positions.append(token.start)
        previous = token.text.upper()
    return positions


def add_using(update: str, default: list[str], named: list[str]) -> str:
    """The update with USING / USING NAMED clauses for the given graph IRIs: pyoxigraph's
    `Store.update` takes no dataset, so the protocol's `using-graph-uri`/`using-named-graph-uri`
    go into the text, before the top-level WHERE of each DELETE/INSERT operation.

    >>> add_using("INSERT { ?s a ?t } WHERE { ?s a ?t }", ["http://g/1"], ["http://g/2"])
    'INSERT { ?s a ?t } USING <http://g/1> USING NAMED <http://g/2> WHERE { ?s a ?t }'
    """
    clauses = "".join(f"USING <{iri}> " for iri in default)
    clauses += "".join(f"USING NAMED <{iri}> " for iri in named)
    if not clauses:
        return update
    pieces: list[str] = []
    start = 0
    for position in _where_positions(update):
        pieces.append(update[start:position])
        pieces.append(clauses)
        start = position
    pieces.append(update[start:])
    return "".join(pieces)


def service_targets(query: str) -> list[tuple[int, int, str]]:
    """(start, end, endpoint IRI) of the endpoint written after each SERVICE [SILENT] keyword
    (kg.sparql.policy replaces them with our relay's addresses).

    Prefixed names are expanded with the query's own PREFIX declarations; a variable or anything
    else that is no IRI comes back as its text (the policy refuses it).

    >>> q = ('PREFIX w: <http://w/> SELECT * { ?s ?p "SERVICE <x:no>" # SERVICE <x:no>\\n'
    ...      '  SERVICE SILENT w:sparql { } SERVICE <http://a/> { } SERVICE ?e { } }')
    >>> [(q[start:end], endpoint) for start, end, endpoint in service_targets(q)]
    [('w:sparql', 'http://w/sparql'), ('<http://a/>', 'http://a/'), ('?e', '?e')]
    """
    prefixes: dict[str, str] = {}
    significant = [token for token in tokens(query) if token.kind != "comment"]
    targets: list[tuple[int, int, str]] = []
    for index, token in enumerate(significant):
        word = token.text.upper() if token.kind == "keyword" else ""
        if word == "PREFIX" and index + 2 < len(significant):
            name, iri = significant[index + 1:index + 3]
            if iri.kind == "iri":
                prefixes[name.text.rstrip(":")] = iri.text[1:-1]
        if word != "SERVICE":
            continue
        following = significant[index + 1:index + 3]
        if following and following[0].kind == "keyword" and following[0].text.upper() == "SILENT":
            following = following[1:]
        if not following:
            continue
        target = following[0]
        if target.kind == "iri":
            endpoint = target.text[1:-1]
        elif target.kind == "name":
            prefix, _, local = target.text.partition(":")
            endpoint = prefixes[prefix] + local if prefix in prefixes else target.text
        else:
            endpoint = target.text
        targets.append((target.start, target.end, endpoint))
    return targets


def replace_spans(text: str, replacements: list[tuple[int, int, str]]) -> str:
    """`text` with each (start, end) span replaced by its new text; spans must not overlap.

    >>> replace_spans("SERVICE <a> { } SERVICE <b> { }", [(8, 11, "<x>"), (24, 27, "<y>")])
    'SERVICE <x> { } SERVICE <y> { }'
    """
    pieces: list[str] = []
    position = 0
    for start, end, new in sorted(replacements):
        pieces.append(text[position:start])
        pieces.append(new)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


_ERROR_AT = re.compile(r"error at (\d+):(\d+)")


def syntax_message(text: str, error: SyntaxError) -> str:
    """pyoxigraph's message for a query or update that does not parse; for a prefix the text
    never declares, one that names it (pyoxigraph lists every character it could have taken).

    >>> syntax_message("SELECT * WHERE { ?s a dzo:Event }", SyntaxError("error at 1:32: expected one of "
    ...                "Prefix not found, ['%']"))
    'error at 1:32: the prefix dzo: is not declared; add PREFIX dzo: <https://w3id.org/deir-ez-zor-2024/ontology#>'
    """
    message = str(error)
    at = _ERROR_AT.search(message)
    if "Prefix not found" not in message or at is None:
        return message
    line, column = int(at[1]), int(at[2])
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return message
    # pyoxigraph points at the character after the prefixed name (columns count characters).
    end = sum(len(before) + 1 for before in lines[:line - 1]) + column - 1
    name = next((token.text for token in tokens(text) if token.end == end and token.kind == "name"), None)
    if name is None:
        return message
    prefix = name.split(":", 1)[0]
    namespace = PREFIXES.get(prefix)
    fix = f"add PREFIX {prefix}: <{namespace}>" if namespace else f"declare it (PREFIX {prefix}: <namespace IRI>)"
    return f"error at {line}:{column}: the prefix {prefix}: is not declared; {fix}"
