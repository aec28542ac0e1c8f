"""Token-level rewrites of SPARQL text that skip strings, IRIs and comments.

- The protocol's `using-graph-uri`/`using-named-graph-uri` become USING clauses of an update:
  pyoxigraph's `Store.update` takes no dataset, so the dataset goes into the text, before the
  top-level WHERE of each DELETE/INSERT operation.
- The endpoint of each SERVICE clause is found (and replaced by kg.sparql.policy with our relay's).
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
    >>> _where_positions("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")
    [20]
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
                previous_word = "}"  # DELETE { ... } WHERE is no DELETE WHERE
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


_TOKEN_PATTERNS = ((_LONG_STRING, "string"), (_STRING, "string"), (_COMMENT, "comment"), (_IRI, "iri"))
_PNAME = re.compile(r"([A-Za-z][\w\-.]*)?:([\w\-:%.]*)")
_KEYWORD = re.compile(r"[A-Za-z]+")
_VARIABLE = re.compile(r"[?$]\w+")


def _tokens(text: str):
    """(kind, start, end) of the tokens that matter here: strings, comments, IRIs, words.

    Everything else (punctuation, variables' '?', whitespace) comes back as "other" or is skipped.
    """
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
            continue
        if char in "'\"#<":
            for pattern, kind in _TOKEN_PATTERNS:
                match = pattern.match(text, i)
                if match:
                    yield kind, i, match.end()
                    i = match.end()
                    break
            else:
                yield "other", i, i + 1
                i += 1
            continue
        name = _PNAME.match(text, i)
        if name and name.end() > i + 1 or (name and char == ":"):
            end = name.end()
            while text[end - 1] == "." and end - 1 > i:  # a name never ends with '.'
                end -= 1
            yield "name", i, end
            i = end
            continue
        word = _KEYWORD.match(text, i) or _VARIABLE.match(text, i)
        if word:
            yield "word", i, word.end()
            i = word.end()
            continue
        yield "other", i, i + 1
        i += 1


def service_targets(query: str) -> list[tuple[int, int, str]]:
    """(start, end, endpoint IRI) of the endpoint written after each SERVICE [SILENT] keyword.

    Prefixed names are expanded with the query's own PREFIX declarations; a variable or anything
    else that is no IRI comes back as its text (the policy refuses it).

    >>> q = ('PREFIX w: <http://w/> SELECT * { ?s ?p "SERVICE <x:no>" # SERVICE <x:no>\\n'
    ...      '  SERVICE SILENT w:sparql { } SERVICE <http://a/> { } SERVICE ?e { } }')
    >>> [(q[start:end], endpoint) for start, end, endpoint in service_targets(q)]
    [('w:sparql', 'http://w/sparql'), ('<http://a/>', 'http://a/'), ('?e', '?e')]
    """
    prefixes: dict[str, str] = {}
    tokens = [t for t in _tokens(query) if t[0] != "comment"]
    targets: list[tuple[int, int, str]] = []
    for index, (kind, start, end) in enumerate(tokens):
        word = query[start:end].upper() if kind == "word" else ""
        if word == "PREFIX" and index + 2 < len(tokens):
            (_, ns, ne), (iri_kind, is_, ie) = tokens[index + 1], tokens[index + 2]
            if iri_kind == "iri":
                prefixes[query[ns:ne].rstrip(":")] = query[is_ + 1:ie - 1]
        if word != "SERVICE":
            continue
        following = tokens[index + 1:index + 3]
        if following and following[0][0] == "word" and query[following[0][1]:following[0][2]].upper() == "SILENT":
            following = following[1:]
        if not following:
            continue
        target_kind, target_start, target_end = following[0]
        written = query[target_start:target_end]
        if target_kind == "iri":
            endpoint = written[1:-1]
        elif target_kind == "name":
            prefix, _, local = written.partition(":")
            endpoint = prefixes[prefix] + local if prefix in prefixes else written
        else:
            endpoint = written
        targets.append((target_start, target_end, endpoint))
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
