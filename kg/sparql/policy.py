"""What a query or update may do here, decided on rdflib's parse before the store sees it.

Caps the length first, then refuses LOAD, SERVICE outside the allowlist and dataset conflicts,
and points each allowed SERVICE at the federation relay (kg.sparql.relay), when one runs.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parser import expandUnicodeEscapes, parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef

from kg.errors import BadQuery, BadRequest, Forbidden, TooLarge
from kg.settings import Settings
from kg.sparql.text import add_using, replace_spans, service_targets


@dataclass(frozen=True)
class CheckedQuery:
    text: str
    has_dataset_clause: bool
    """FROM / FROM NAMED in the query: it then picks its own graphs, no union default."""


def _check_length(text: str, settings: Settings) -> None:
    if len(text) > settings.max_query_length:
        raise TooLarge(f"query longer than the limit of {settings.max_query_length} characters")


def _parse(parser, text: str, what: str):
    try:
        return parser(text)
    except ParseException as error:
        raise BadQuery(f"{what} syntax error: {error}") from error
    except RecursionError as error:
        raise BadQuery(f"{what} nested too deeply to parse") from error


def _nodes(tree: object) -> Iterator[CompValue]:
    """Every CompValue in a parse tree, without recursion (trees can be deep)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)


def _check_services(tree: object, prologue, settings: Settings) -> list[str]:
    """The endpoints the SERVICE clauses call, each on the allowlist (else Forbidden)."""
    endpoints = []
    for node in _nodes(tree):
        if node.name != "ServiceGraphPattern":
            continue
        term = node["term"]
        endpoint = prologue.absolutize(term) if isinstance(term, CompValue) else term
        if not isinstance(endpoint, URIRef) or str(endpoint) not in settings.service_allow:
            allowed = ", ".join(settings.service_allow) or "none"
            shown = endpoint.n3() if hasattr(endpoint, "n3") else str(endpoint)
            raise Forbidden(f"SERVICE {shown} is not allowed here (allowed: {allowed})")
        endpoints.append(str(endpoint))
    return endpoints


def _route(text: str, endpoints: list[str], relay, parser) -> str:
    """`text` with every SERVICE endpoint replaced by the relay's address standing for it.

    The endpoints are found token by token (never in strings or comments) and must be exactly
    those rdflib's parse found; the rewritten text is parsed again and may call the relay only.
    """
    if not endpoints or relay is None:
        return text
    expanded = expandUnicodeEscapes(text)
    targets = service_targets(expanded)
    if Counter(endpoint for _, _, endpoint in targets) != Counter(endpoints):
        raise BadRequest("cannot route the SERVICE clauses of this query; "
                         "write their endpoints as full IRIs (<https://...>)")
    routed = replace_spans(expanded, [(start, end, f"<{relay.url_for(endpoint)}>")
                                      for start, end, endpoint in targets])
    for node in _nodes(parser(routed)):
        if node.name == "ServiceGraphPattern" and not relay.is_relay_url(str(node["term"])):
            raise BadRequest("cannot route the SERVICE clauses of this query")
    return routed


SAFE_DEPTH = 200
"""Bracket depth below which pyoxigraph's parser is safe (it overflows its stack near 10,000)."""


def _needs_inspection(text: str) -> bool:
    """Whether the query could hold SERVICE, FROM or deep nesting; only then is rdflib's slow
    parse (10-100 ms for our named queries) needed, and pyoxigraph reports syntax errors.

    >>> _needs_inspection("SELECT * WHERE { ?s ?p ?o }")
    False
    >>> _needs_inspection("SELECT * WHERE { SERV\\u0049CE <http://x/> { ?s ?p ?o } }")
    True
    """
    lowered = expandUnicodeEscapes(text).lower()
    # Words, not tokens: this errs towards the full parse, so no slip of a lexer can ever let a
    # SERVICE through unchecked (a "from" in a string costs one parse).
    if "service" in lowered or "from" in lowered:
        return True
    depth = deepest = 0
    for char in lowered:  # brackets in strings count too: an overestimate, so a safe one
        if char in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")}]":
            depth -= 1
    return deepest > SAFE_DEPTH


def check_query(text: str, settings: Settings, base_iri: str | None, relay=None) -> CheckedQuery:
    """Refuse what the query may not do; tell whether it names its own dataset.

    With a running kg.sparql.relay.Relay, the checked text calls it instead of the SERVICE endpoints.
    """
    _check_length(text, settings)
    if not _needs_inspection(text):
        return CheckedQuery(text, False)
    return _inspected(text, settings, base_iri, relay)


@lru_cache(maxsize=256)
def _inspected(text: str, settings: Settings, base_iri: str | None, relay) -> CheckedQuery:
    """rdflib's parse, remembered for the queries clients repeat (the named ones above all)."""
    tree = _parse(parseQuery, text, "query")
    prologue = translatePrologue(tree[0], base_iri)
    endpoints = _check_services(tree[1], prologue, settings)
    routed = _route(text, endpoints, relay, lambda routed: _parse(parseQuery, routed, "query")[1])
    # CompValue.get answers a missing key with the key's name: ask membership instead.
    return CheckedQuery(routed, "datasetClause" in tree[1])


def check_update(
    text: str, settings: Settings, base_iri: str, using: list[str], using_named: list[str], relay=None
) -> str:
    """The update to run, with the protocol's dataset as USING clauses; refuse LOAD and the like."""
    _check_length(text, settings)
    tree = _parse(parseUpdate, text, "update")
    prologue = None
    endpoints: list[str] = []
    for declarations, operation in zip(tree.prologue, tree.request):
        prologue = translatePrologue(declarations, base_iri, None, prologue)
        if operation.name == "Load":
            raise Forbidden("LOAD is not allowed here: the service never fetches data")
        if (using or using_named) and ("withClause" in operation or "using" in operation):
            raise BadRequest("using-graph-uri/using-named-graph-uri conflict with USING/WITH")
        endpoints += _check_services(operation, prologue, settings)
    routed = _route(text, endpoints, relay, lambda routed: _parse(parseUpdate, routed, "update").request)
    return add_using(routed, using, using_named)
