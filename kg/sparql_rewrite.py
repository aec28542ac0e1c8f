"""Adds the protocol's `using-graph-uri`/`using-named-graph-uri` to an update as USING clauses.

pyoxigraph's `Store.update` takes no dataset, so the dataset goes into the text, before the
top-level WHERE of each DELETE/INSERT operation; strings, IRIs and comments are skipped.
"""
from __future__ import annotations

import re

_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_LONG_STRING = re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\"", re.S)
_STRING = re.compile(r"'(?:[^'\\\n\r]|\\.)*'|\"(?:[^\"\\\n\r]|\\.)*\"")
_COMMENT = re.compile(r"#[^\n\r]*")
_WORD = re.compile(r"[A-Za-z0-9_:?$\-.]+")


def _where_positions(update: str) -> list[int]:
    """Offsets of the WHERE keywords that open a DELETE/INSERT operation's pattern.

    >>> _where_positions('INSERT { ?s ?p "WHERE {" } WHERE { ?s ?p ?o }')
    [27]
    >>> _where_positions("DELETE WHERE { ?s ?p ?o }")
    []
    """
    positions: list[int] = []
    depth = 0
    previous_word = ""
    i = 0
    while i < len(update):
        for pattern in (_LONG_STRING, _STRING, _COMMENT, _IRI):
            match = pattern.match(update, i)
            if match and update[i] in "'\"#<":
                i = match.end()
                break
        else:
            char = update[i]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            word = _WORD.match(update, i) if depth == 0 else None
            if word:
                text = word.group().upper()
                if text == "WHERE" and previous_word != "DELETE":
                    positions.append(i)
                previous_word = text
                i = word.end()
                continue
            i += 1
    return positions


def add_using(update: str, default: list[str], named: list[str]) -> str:
    """The update with USING / USING NAMED clauses for the given graph IRIs.

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
