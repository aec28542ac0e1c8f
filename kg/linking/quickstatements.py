"""QuickStatements (V1) commands for the offensive's facts that we can source to the Wikipedia
article: instance of, part of, start and end dates, location, participants and deaths, between
linked items.
Each statement carries Wikidata's convention for imported facts (S143 project, S4656 import URL).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

import pyoxigraph as ox

from kg.errors import NothingToSource
from kg.linking.review import EXPECTED_P31
from kg.namespaces import DZO, DZR, WD, sparql_prologue

OFFENSIVE = str(DZR["deir-ez-zor-offensive-2024"])
ENGLISH_WIKIPEDIA = "Q328"
WIKIPEDIA_PREFIX = "https://en.wikipedia.org/wiki/"
PRECISION = {str(DZO.DayPrecision): 11, str(DZO.MonthPrecision): 10, str(DZO.YearPrecision): 9}
"""Our date precisions as Wikidata time precisions; an approximate window has no equivalent."""
ROLE_ITEMS: dict[str, str] = {}
"""Our participant properties (agent, target, supportingActor) -> Wikidata item for P2868
(subject has role). Empty on purpose: no item for 'belligerent', 'target' or 'supporter' could be
confirmed in public material, and a wrong role is worse than none. Add pairs once confirmed."""
DEATHS_PARTY_QUALIFIER = "P710"
"""Whose deaths a P1120 counts. The older 'of' (P642) is being deprecated on Wikidata; participant
is the closest qualifier we could find, and a reviewer should check it before upload."""
ORDER = ["P31", "P361", "P580", "P582", "P276", "P710", "P1120"]

Key = tuple[str, str, str]
"""(item, property, value in QuickStatements form): one statement, for skipping present ones."""


@dataclass(frozen=True)
class Statement:
    prop: str
    value: str
    qualifiers: tuple[tuple[str, str], ...] = field(default=())

    def sort_key(self):
        number = int(self.value[1:]) if re.fullmatch(r"Q\d+", self.value) else 0
        return ORDER.index(self.prop), number, self.value, self.qualifiers


def time_value(date: str, precision: int) -> str:
    """A date in QuickStatements' time form; finer parts than the precision are zero, as Wikidata stores them.

    >>> time_value("2024-12-03", 11)
    '+2024-12-03T00:00:00Z/11'
    >>> time_value("2024-12-01", 10)
    '+2024-12-00T00:00:00Z/10'
    """
    year, month, day = date[:10].split("-")
    month = month if precision >= 10 else "00"
    day = day if precision >= 11 else "00"
    return f"+{year}-{month}-{day}T00:00:00Z/{precision}"


def string_value(text: str) -> str:
    """A quoted QuickStatements string; tabs and line breaks would split the command.

    >>> string_value("a\\tb")
    '"a b"'
    """
    return '"' + " ".join(text.split()) + '"'


def _rows(store: ox.Store, where: str, **bind: str) -> list[dict[str, str]]:
    text = sparql_prologue(["dzo", "rdfs", "skos", "schema"]) + f"SELECT DISTINCT * WHERE {{ {where} }}"
    subs = {ox.Variable(k): ox.NamedNode(v) for k, v in bind.items()}
    solutions = store.query(text, substitutions=subs, use_default_graph_as_union=True)
    names = solutions.variables
    return [{v.value: s[v].value for v in names if s[v] is not None} for s in solutions]


def _qid(iri: str) -> str:
    return iri.removeprefix(str(WD))


def _wikipedia_url(store: ox.Store, node: str) -> str | None:
    """The English Wikipedia article a resource cites, directly or through a reference of it."""
    rows = _rows(store, """
        ?node dzo:citation ?c .
        { ?c schema:url ?url } UNION { ?c dzo:referenceOf ?s . ?s schema:url ?url }
        FILTER(STRSTARTS(STR(?url), "https://en.wikipedia.org/wiki/"))""", node=node)
    return sorted(r["url"] for r in rows)[0] if rows else None


def _statements(store: ox.Store, offensive: str, roles: Mapping[str, str]) -> list[Statement]:
    found: list[Statement] = []
    if _rows(store, "?o a dzo:MilitaryOffensive", o=offensive):
        found += [Statement("P31", q) for q in sorted(EXPECTED_P31["MilitaryOffensive"])]
    # The nearest wholes only, as Wikidata states part of: not every war the campaign lies in.
    for r in _rows(store, """?o dzo:partOf ?c . ?c dzo:wikidataItem ?q
                             FILTER NOT EXISTS { ?o dzo:partOf ?mid . ?mid dzo:partOf ?c FILTER(?mid != ?c) }""",
                   o=offensive):
        found.append(Statement("P361", _qid(r["q"])))
    for r in _rows(store, "?o dzo:date ?d ; dzo:datePrecision ?p . OPTIONAL { ?o dzo:endDate ?e }", o=offensive):
        if r["p"] in PRECISION:
            found.append(Statement("P580", time_value(r["d"], PRECISION[r["p"]])))
            if "e" in r:
                found.append(Statement("P582", time_value(r["e"], PRECISION[r["p"]])))
    for r in _rows(store, "?o dzo:place ?p . ?p dzo:wikidataItem ?q", o=offensive):
        found.append(Statement("P276", _qid(r["q"])))
    by_actor: dict[str, set[str]] = {}
    for r in _rows(store, """VALUES ?role { dzo:participant dzo:agent dzo:target dzo:supportingActor }
                             ?o ?role ?a . ?a dzo:wikidataItem ?q""", o=offensive):
        by_actor.setdefault(_qid(r["q"]), set()).add(r["role"].removeprefix(str(DZO)))
    for actor, our_roles in by_actor.items():
        quals = tuple(sorted({("P2868", roles[r]) for r in our_roles if r in roles}))
        found.append(Statement("P710", actor, quals))
    for r in _rows(store, """?r dzo:totalFor ?o ; dzo:killed ?k ; dzo:figureQualifier dzo:Exact ;
                                dzo:casualtyParty ?party . ?party dzo:wikidataItem ?q .
                             FILTER NOT EXISTS { ?r dzo:epistemicStatus ?s FILTER(?s != dzo:Stated) }""",
                   o=offensive):
        if _wikipedia_url(store, r["r"]):
            found.append(Statement("P1120", str(int(r["k"])), ((DEATHS_PARTY_QUALIFIER, _qid(r["q"])),)))
    return sorted(set(found), key=Statement.sort_key)


def _create_block(store: ox.Store, offensive: str, url: str) -> list[str]:
    labels = _rows(store, '?o rdfs:label ?l . FILTER(LANGMATCHES(LANG(?l), "en"))', o=offensive)
    alts = _rows(store, '?o skos:altLabel ?l . FILTER(LANGMATCHES(LANG(?l), "en"))', o=offensive)
    lines = ["CREATE"]
    lines += [f"LAST\tLen\t{string_value(r['l'])}" for r in sorted(labels, key=lambda r: r["l"])[:1]]
    lines += [f"LAST\tAen\t{string_value(r['l'])}" for r in sorted(alts, key=lambda r: r["l"])]
    title = unquote(url.removeprefix(WIKIPEDIA_PREFIX)).replace("_", " ")
    lines.append(f"LAST\tSenwiki\t{string_value(title)}")
    return lines


def render(
    store: ox.Store,
    skip: Iterable[Key] = (),
    *,
    offensive: str = OFFENSIVE,
    roles: Mapping[str, str] = ROLE_ITEMS,
    held_back: list[str] | None = None,
) -> str:
    """The QuickStatements V1 batch, one command a line, ending in a newline; statements in `skip`
    (found present on Wikidata) are left out. Without a Q-id for the offensive it starts with CREATE.

    A statement with the value of one before it but other qualifiers (2 deaths of one party, 2 of
    another) is left out and described in `held_back`: QuickStatements adds a statement's
    qualifiers to one of the same value already there, which would make one claim of two facts."""
    url = _wikipedia_url(store, offensive)
    if url is None:
        raise NothingToSource(f"{offensive} cites no English Wikipedia article, so no statement can be sourced")
    items = sorted(_qid(r["q"]) for r in _rows(store, "?o dzo:wikidataItem ?q", o=offensive))
    item = items[0] if items else "LAST"
    lines = [] if items else _create_block(store, offensive, url)
    sources = f"S143\t{ENGLISH_WIKIPEDIA}\tS4656\t{string_value(url)}"
    skipped = set(skip)
    written: set[tuple[str, str]] = set()
    for s in _statements(store, offensive, roles):
        if (item, s.prop, s.value) in skipped:
            continue
        if (s.prop, s.value) in written:
            if held_back is not None:
                held_back.append(f"{item} {s.prop} {s.value} with " + ", ".join(f"{p} {v}" for p, v in s.qualifiers)
                                 + ": the batch has a statement of this value already, and QuickStatements "
                                   "would add these qualifiers to it; add it on Wikidata by hand")
            continue
        written.add((s.prop, s.value))
        quals = "".join(f"\t{p}\t{v}" for p, v in s.qualifiers)
        lines.append(f"{item}\t{s.prop}\t{s.value}{quals}\t{sources}")
    return "".join(line + "\n" for line in lines)


def present_statements(qid: str, entity: dict) -> set[Key]:
    """The statements of a wbgetentities entity as (item, property, value) keys in the forms
    `render` writes, so that statements Wikidata already has can be skipped."""
    keys = set()
    claims = entity.get("claims") or {}
    for prop, statements in (claims.items() if isinstance(claims, dict) else []):
        for st in statements:
            snak = st.get("mainsnak", {})
            if snak.get("snaktype") != "value":
                continue
            value = _qs_value(snak["datavalue"])
            if value is not None:
                keys.add((qid, prop, value))
    return keys


def _qs_value(datavalue: dict) -> str | None:
    kind, value = datavalue.get("type"), datavalue.get("value")
    if kind == "wikibase-entityid":
        return value["id"]
    if kind == "time":
        return f"{value['time']}/{value['precision']}"
    if kind == "quantity":
        return value["amount"].lstrip("+")
    if kind == "string":
        return string_value(value)
    return None
