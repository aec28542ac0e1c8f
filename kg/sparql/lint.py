"""Help at the point of the mistake: a query that compares a variable bound to dates or numbers
with a plain string literal silently answers nothing; say so, naming the datatype to write."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from pyparsing import ParseException
from rdflib.paths import SequencePath
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from kg.namespaces import short

XSD = "http://www.w3.org/2001/XMLSchema#"
TYPED = {XSD + name for name in (
    "date", "dateTime", "gYear", "gYearMonth", "time", "integer", "decimal", "double", "float",
    "nonNegativeInteger", "positiveInteger", "int", "long", "short", "boolean")}
"""Datatypes whose values never equal a plain string: comparing them with one answers nothing."""
NUMBERS = {XSD + name for name in ("integer", "decimal", "double", "float", "nonNegativeInteger",
                                   "positiveInteger", "int", "long", "short")}


@dataclass(frozen=True)
class Comparison:
    """`?variable OP "text"` in a FILTER, and the predicates whose objects the variable takes."""

    variable: str
    text: str
    predicates: tuple[str, ...]


def _walk(node) -> Iterator[object]:
    yield node
    if isinstance(node, CompValue):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _walk(value)


def _object_predicate(path) -> str | None:
    """The predicate that gives a triple pattern's object its value: the last step of a path."""
    if isinstance(path, SequencePath):
        return _object_predicate(path.args[-1])
    return str(path) if isinstance(path, rdflib.URIRef) else None


def _plain(term) -> bool:
    return isinstance(term, rdflib.Literal) and term.datatype is None and term.language is None


def comparisons(text: str) -> list[Comparison]:
    """Every comparison of a variable with a plain string in the query; [] when rdflib cannot
    parse it (the endpoint reports its own syntax errors).

    >>> comparisons('SELECT * { ?e <http://x/date> ?d FILTER(?d >= "2024-12-01" && ?d < "2025") }')
    [Comparison(variable='d', text='2024-12-01', predicates=('http://x/date',)), \
Comparison(variable='d', text='2025', predicates=('http://x/date',))]
    >>> comparisons('SELECT * { ?e <http://x/date> ?d FILTER(STR(?d) = "2024") }')
    []
    """
    try:
        algebra = translateQuery(parseQuery(text)).algebra
    except (ParseException, RecursionError, ValueError, TypeError, AttributeError, KeyError):
        return []
    bound: dict[str, set[str]] = {}
    found: list[tuple[str, str]] = []
    for node in _walk(algebra):
        if not isinstance(node, CompValue):
            continue
        if node.name == "BGP":
            for _, path, obj in node.triples:
                predicate = _object_predicate(path)
                if isinstance(obj, rdflib.Variable) and predicate:
                    bound.setdefault(str(obj), set()).add(predicate)
        elif node.name == "RelationalExpression" and node.other is not None:
            for left, right in ((node.expr, node.other), (node.other, node.expr)):
                if isinstance(left, rdflib.Variable) and _plain(right):
                    found.append((str(left), str(right)))
    return [Comparison(var, value, tuple(sorted(bound[var]))) for var, value in dict.fromkeys(found)
            if var in bound]


def datatypes_query(predicates: set[str]) -> str:
    """A SELECT of ?p ?dt: the datatypes of the literal objects of each predicate."""
    values = " ".join(f"<{p}>" for p in sorted(predicates))
    return ("SELECT DISTINCT ?p ?dt WHERE { VALUES ?p { " + values + " } ?s ?p ?o "
            "FILTER(isLiteral(?o)) BIND(DATATYPE(?o) AS ?dt) }")


def warnings(found: list[Comparison], datatypes: dict[str, set[str]]) -> list[str]:
    """What to say of each comparison whose variable only ever holds typed values."""
    said = []
    for c in found:
        types = set().union(*(datatypes.get(p, set()) for p in c.predicates))
        if not types or not types <= TYPED:
            continue
        datatype = sorted(types)[0]
        written = c.text if datatype in NUMBERS else f'"{c.text}"^^{short(datatype)}'
        where = ", ".join(short(p) for p in c.predicates)
        kinds = ", ".join(short(t) for t in sorted(types))
        said.append(f'?{c.variable} is compared with the plain string "{c.text}", but {where} holds '
                    f'{kinds} values, which never equal a string: write {written}')
    return said


def read_datatypes(pairs) -> dict[str, set[str]]:
    """(predicate, datatype) pairs of the datatypes query's answer as predicate -> datatypes."""
    out: dict[str, set[str]] = {}
    for predicate, datatype in pairs:
        if datatype:
            out.setdefault(predicate, set()).add(datatype)
    return out


def check(store: ox.Store, text: str) -> list[str]:
    """The warnings for a query over an in-process store (the command line's)."""
    found = comparisons(text)
    if not found:
        return []
    predicates = {p for c in found for p in c.predicates}
    solutions = store.query(datatypes_query(predicates), use_default_graph_as_union=True)
    pairs = [(row["p"].value, row["dt"].value if row["dt"] is not None else None) for row in solutions]
    return warnings(found, read_datatypes(pairs))
