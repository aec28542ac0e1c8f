"""The named queries of queries/: reading their header (description, parameters, network use),
binding parameters as SPARQL terms (never by pasting the text given), and running them.

Header syntax, in the leading comment lines of a .rq file:
    # @title The question the query answers?
    # One or more lines of description.
    # @param place iri: the place asked about (a full IRI or a prefixed name such as dzr:abu-kamal)
    # @param from date optional: a parameter that may be left out
    # @network   (the query calls SERVICE and needs the network)

The explorer's own queries (named explorer-*) serve its views: they run like any other but are left
out of the gallery that `kg query --list` and the query page offer.

Every value is first made a term of its kind (an IRI, a date, ...) by pyoxigraph, which checks it.
A required parameter is then bound as the query's initial value of its variable (pyoxigraph's
substitutions, or a VALUES block on a remote store): the query projects it, and its subqueries do
not see it. An optional parameter is written into the query's text, as that term's own
serialisation, wherever its variable occurs (subqueries too, so that each can narrow its own
pattern: a date window at a million triples answers in 0.7 s instead of 4.7). Left out, it stays
an unbound variable, so the query must let everything through then, for instance with
`FILTER(COALESCE(?date >= ?from, true))`; and it can only stand where a term can, in expressions
and patterns, not in a SELECT, GROUP BY or ORDER BY clause.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kg.errors import UsageError
from kg.formats import FORMATS, Holds, named
from kg.namespaces import PREFIXES, short
from kg.settings import Settings
from kg.sparql.text import bind_terms, syntax_message
from kg.rdf import used_prefixes

KINDS = ("iri", "date", "string", "integer")
EXPLORER_PREFIX = "explorer-"
_PARAM = re.compile(r"@param\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<kind>\w+)(?P<optional>\s+optional)?\s*:\s*(?P<doc>.*)")


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str
    description: str
    optional: bool = False


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    description: str
    text: str
    parameters: tuple[Parameter, ...]
    needs_network: bool
    title: str = ""
    """The question the query answers, as the gallery shows it (its name when it has none)."""

    @property
    def listed(self) -> bool:
        """Whether the gallery offers it: the explorer's own queries are not questions for users."""
        return not self.name.startswith(EXPLORER_PREFIX)


def parse_header(name: str, path: Path, text: str) -> NamedQuery:
    """A NamedQuery from the leading comment block of its text."""
    description, params, network, title = [], [], False, ""
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line.lstrip("#").strip()
        if body.startswith("@param"):
            m = _PARAM.match(body)
            if not m or m["kind"] not in KINDS:
                raise UsageError(f"{path}: malformed parameter line {line!r}; expected '# @param NAME KIND: text' "
                                 f"or '# @param NAME KIND optional: text' with KIND one of {', '.join(KINDS)}")
            params.append(Parameter(m["name"], m["kind"], m["doc"].strip(), bool(m["optional"])))
        elif body.startswith("@network"):
            network = True
        elif body.startswith("@title"):
            title = body.removeprefix("@title").strip()
        elif body:
            description.append(body)
    return NamedQuery(name, path, " ".join(description), text, tuple(params), network, title or name)


def list_queries(root: Path) -> list[NamedQuery]:
    """Every named query under root/queries, by name."""
    return [parse_header(p.stem, p, p.read_text(encoding="utf-8")) for p in sorted((root / "queries").glob("*.rq"))]


def gallery(root: Path) -> list[NamedQuery]:
    """The named queries offered to users, by name: all but the explorer's own."""
    return [q for q in list_queries(root) if q.listed]


def find(root: Path, name_or_file: str) -> NamedQuery:
    """A named query by name, or any .rq file by path."""
    path = Path(name_or_file)
    if path.suffix == ".rq":
        try:
            return parse_header(path.stem, path, path.read_text(encoding="utf-8"))
        except OSError as error:
            raise UsageError(f"cannot read the query file {name_or_file}: {error.strerror or error}") from None
    for q in list_queries(root):
        if q.name == name_or_file:
            return q
    names = ", ".join(q.name for q in list_queries(root))
    raise UsageError(f"no named query {name_or_file!r}; known: {names}")


def date_term(name: str, value: str) -> ox.Literal:
    """An xsd:date from a day written YYYY-MM-DD, which must exist.

    >>> date_term("from", "2024-02-30")
    Traceback (most recent call last):
    kg.errors.UsageError: parameter from: '2024-02-30' is not a day of the form YYYY-MM-DD (day is out of range for month)
    """
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise UsageError(f"parameter {name}: {value!r} is not a date of the form YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError as error:
        raise UsageError(f"parameter {name}: {value!r} is not a day of the form YYYY-MM-DD ({error})") from None
    return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))


def _term(param: Parameter, value: str):
    if param.kind == "iri":
        if value.startswith("<") and value.endswith(">"):  # as SPARQL writes it
            value = value[1:-1]
        elif ":" in value and not value.startswith(("http://", "https://", "urn:")):
            prefix, _, local = value.partition(":")
            if prefix not in PREFIXES:
                raise UsageError(f"parameter {param.name}: unknown prefix {prefix!r} in {value!r}; known: "
                                 f"{', '.join(sorted(PREFIXES))}, or a whole IRI")
            value = PREFIXES[prefix] + local
        try:
            return ox.NamedNode(value)
        except ValueError as e:
            raise UsageError(f"parameter {param.name}: {value!r} is not an IRI ({e})") from None
    if param.kind == "date":
        return date_term(param.name, value)
    if param.kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise UsageError(f"parameter {param.name}: {value!r} is not an integer")
        return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    return ox.Literal(value)


@dataclass(frozen=True)
class Bound:
    """A named query with its parameters bound: its text, optional parameters written in, and the
    initial values of its required ones."""

    text: str
    substitutions: dict[ox.Variable, ox.NamedNode | ox.Literal]


def bind(query: NamedQuery, values: dict[str, str]) -> Bound:
    """The query with its declared parameters bound; unknown or missing ones are errors."""
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        allowed = ", ".join(declared) or "none"
        raise UsageError(f"query {query.name!r} has no parameter {', '.join(unknown)} (it takes: {allowed})")
    missing = sorted(p.name for p in query.parameters if not p.optional and p.name not in values)
    if missing:
        name = missing[0]
        raise UsageError(f"query {query.name!r} needs the parameter {name} ({declared[name].description}): "
                         f"--param {name}=VALUE on the command line, ?{name}=VALUE over HTTP")
    terms = {name: _term(declared[name], v) for name, v in values.items()}
    if {"from", "to"} <= set(values) and declared["from"].kind == declared["to"].kind == "date" \
            and values["from"] > values["to"]:
        raise UsageError(f"the window starts ({values['from']}) after it ends ({values['to']}): it holds no day")
    optional = {name: term for name, term in terms.items() if declared[name].optional}
    return Bound(bind_terms(query.text, optional) if optional else query.text,
                 {ox.Variable(name): term for name, term in terms.items() if name not in optional})


def parse_params(pairs: list[str]) -> dict[str, str]:
    """name=value pairs from the command line.

    >>> parse_params(["place=dzr:abu-kamal"])
    {'place': 'dzr:abu-kamal'}
    """
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--param takes name=value, not {pair!r}")
        if name in out and out[name] != value:
            raise UsageError(f"--param {name} is given twice ({out[name]!r} and {value!r}); a parameter "
                             f"takes one value")
        out[name] = value
    return out


@dataclass
class Table:
    """A SELECT result: its variables in order and rows of terms (None when unbound)."""

    columns: list[str]
    rows: list[list[object]]


def absent(store: ox.Store, query: NamedQuery, values: dict[str, str]) -> list[str]:
    """The IRI parameters given a resource that occurs nowhere in the store (a misspelt name,
    most likely: the query would answer no rows and say nothing)."""
    missing = []
    for param in query.parameters:
        if param.kind == "iri" and param.name in values:
            node = _term(param, values[param.name])
            if not any(True for _ in store.quads_for_pattern(node, None, None)) and \
                    not any(True for _ in store.quads_for_pattern(None, None, node)):
                missing.append(f"{values[param.name]} (parameter {param.name})")
    return missing


Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


def run(
    store: ox.Store, query: NamedQuery, values: dict[str, str] | None = None, *, online: bool = False
) -> Result:
    """Run a named query (SELECT, ASK, CONSTRUCT or DESCRIBE) over the union of the store's
    graphs. A query marked @network runs only `online`, its SERVICE calls going out through the
    relay (allowlist, User-Agent, time limit)."""
    if query.needs_network and not online:
        raise UsageError(f"query {query.name!r} calls a remote SPARQL service (SERVICE); pass --online to run it")
    bound = bind(query, values or {})
    try:
        if query.needs_network:
            # The relay is an HTTP server: only @network queries import it, not every command.
            from kg.sparql.relay import query_online

            result = query_online(store, bound.text, Settings(), use_default_graph_as_union=True,
                                  substitutions=bound.substitutions)
        else:
            result = store.query(bound.text, use_default_graph_as_union=True, substitutions=bound.substitutions)
    except SyntaxError as e:
        written = [p.name for p in query.parameters if p.optional and p.name in (values or {})]
        hint = (f" (optional parameters are written into the text as terms, so ?{', ?'.join(written)} may only"
                " stand where a term can: not in SELECT, GROUP BY or ORDER BY)") if written else ""
        raise UsageError(f"query {query.name!r} is not valid SPARQL: {syntax_message(bound.text, e)}{hint}") from None
    return result


def table(solutions: ox.QuerySolutions) -> Table:
    """The solutions as a Table (consumes them)."""
    columns = [v.value for v in solutions.variables]
    return Table(columns, [[row[c] for c in columns] for row in solutions])


_WIDEST = 60
"""Characters a column of the text table shows; a longer value ends in an ellipsis."""


def _cell(term) -> str:
    """A value as the text table shows it: IRIs as prefixed names where the project has a prefix
    (what --param takes), anything longer than a column cut with an ellipsis, never silently."""
    if term is None:
        return ""
    text = short(term.value) if isinstance(term, ox.NamedNode) else term.value
    return text if len(text) <= _WIDEST else text[:_WIDEST - 1] + "\u2026"


RESULT_FORMATS = {f.name: f.oxigraph for f in FORMATS if f.queried and f.holds is Holds.RESULTS}
"""What a SELECT's or an ASK's answer may be written as besides the table, by pyoxigraph."""

GRAPH_FORMATS = tuple(f.name for f in FORMATS if f.queried and f.holds is Holds.GRAPH)
"""What a CONSTRUCT or DESCRIBE query's graph may be written as (the table's place: Turtle)."""


def render(result: Result, fmt: str) -> bytes:
    """Solutions as an aligned text table, or SPARQL results JSON, CSV or TSV (by pyoxigraph); an
    ASK's answer as true or false (or in those formats); a CONSTRUCT's or DESCRIBE's graph as
    Turtle (the table's place) or N-Triples."""
    if isinstance(result, ox.QueryTriples):
        if fmt not in (*GRAPH_FORMATS, "table"):
            raise UsageError(f"a CONSTRUCT or DESCRIBE query gives a graph, not a table: --format {fmt} does not "
                             f"apply; choose turtle (the default) or ntriples")
        triples = list(result)
        written = named("turtle" if fmt == "table" else fmt)
        return ox.serialize(triples, format=written.oxigraph, prefixes=used_prefixes(triples))
    if fmt in GRAPH_FORMATS:
        raise UsageError(f"--format {fmt} is for CONSTRUCT and DESCRIBE queries; choose table, "
                         f"{', '.join(RESULT_FORMATS)}")
    if fmt in RESULT_FORMATS:
        return result.serialize(format=RESULT_FORMATS[fmt])
    if fmt != "table":
        raise UsageError(f"unknown result format {fmt!r}; choose table, {', '.join(RESULT_FORMATS)}")
    if isinstance(result, ox.QueryBoolean):
        return b"true\n" if bool(result) else b"false\n"
    t = table(result)
    cells = [t.columns] + [[_cell(x) for x in row] for row in t.rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(t.columns))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return ("\n".join(lines) + f"\n({len(t.rows)} rows)\n").encode("utf-8")
