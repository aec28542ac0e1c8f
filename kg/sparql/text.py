"""SPARQL as text: the one tokenizer, and the rewrites done on its tokens, never inside a string,
an IRI or a comment (USING clauses for the protocol's dataset, SERVICE endpoints for the relay).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

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
