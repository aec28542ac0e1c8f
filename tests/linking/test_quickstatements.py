"""QuickStatements export of the offensive's facts, checked against the documented V1 grammar."""
from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from kg.errors import NothingToSource
from kg.linking import quickstatements as qs
from kg.namespaces import DZO, DZR, WD
from tests.linking.test_wikidata import recorded, recorded_store

URL = '"https://en.wikipedia.org/wiki/Deir_ez-Zor_offensive_(2024)"'
SOURCES = ["S143", "Q328", "S4656", URL]

# The V1 grammar as QuickStatements documents it (Help:QuickStatements) and parses it
# (importDataFromV1/parseValueV1): commands are tab-separated, one a line.
ENTITY = r"(?:Q\d+|LAST)"
VALUE = "|".join([
    r"[PQ]\d+",                                                # item or property
    r'"[^"\t]*"',                                              # string
    r'[a-z_-]+:"[^"\t]*"',                                     # monolingual text
    r"[+-]?\d+-\d\d-\d\dT\d\d:\d\d:\d\dZ(?:/\d+)?",            # time/precision
    r"@\s*[+-]?[0-9.]+\s*/\s*[+-]?[0-9.]+",                    # coordinates @lat/lon
    r"[+-]?\d+(?:\.\d+)?(?:U\d+)?",                            # quantity, optional unit
    r"[+-]?\d+(?:\.\d+)?\s*~\s*[+-]?\d+(?:\.\d+)?(?:U\d+)?",   # quantity with error
])
STATEMENT = re.compile(rf"^{ENTITY}\tP\d+\t(?:{VALUE})(?:\t[PS]\d+\t(?:{VALUE}))*$")
TERM = re.compile(rf'^{ENTITY}\t[LADS][a-z_-]+\t"[^"\t]*"$')


def valid_v1(line: str) -> bool:
    return line == "CREATE" or bool(STATEMENT.match(line) or TERM.match(line))


@pytest.fixture
def store() -> ox.Store:
    return recorded_store()


def link(store: ox.Store, qid: str) -> None:
    store.add(ox.Quad(ox.NamedNode(qs.OFFENSIVE), ox.NamedNode(str(DZO.wikidataItem)), ox.NamedNode(str(WD[qid]))))


def test_the_validator_rejects_what_v1_does_not_accept():
    assert valid_v1('Q1\tP580\t+2024-12-03T00:00:00Z/11\tS143\tQ328')
    assert not valid_v1("Q1\tP580\t2024-12-03")
    assert not valid_v1("Q1\tP710\tQ2\tS143")


def test_every_line_follows_the_v1_grammar(store):
    lines = qs.render(store).splitlines()
    assert lines and all(valid_v1(line) for line in lines), [x for x in lines if not valid_v1(x)]


def test_without_a_qid_the_offensive_is_created_first(store):
    lines = qs.render(store).splitlines()
    assert lines[:3] == ["CREATE", 'LAST\tLen\t"Deir ez-Zor offensive (2024)"',
                         'LAST\tSenwiki\t"Deir ez-Zor offensive (2024)"']
    assert all(line.startswith("LAST\t") for line in lines[1:])


def test_each_statement_is_sourced_as_imported_from_english_wikipedia(store):
    statements = [line.split("\t") for line in qs.render(store).splitlines() if "\tP" in line]
    assert statements and all(cells[-4:] == SOURCES for cells in statements)
    assert not any("S854" in cells for cells in statements)


def test_the_linked_offensive_gets_dates_place_participants_and_deaths(store):
    link(store, "Q999999910")
    assert [tuple(line.split("\t")[:-4]) for line in qs.render(store).splitlines()] == [
        ("Q999999910", "P31", "Q2001676"),
        ("Q999999910", "P580", "+2024-12-03T00:00:00Z/11"),
        ("Q999999910", "P582", "+2024-12-11T00:00:00Z/11"),
        ("Q999999910", "P276", "Q232387"),
        ("Q999999910", "P710", "Q30"),
        ("Q999999910", "P710", "Q2429253"),
        ("Q999999910", "P1120", "2", "P710", "Q2429253"),
    ]


def test_a_second_statement_of_the_same_value_is_held_back_not_merged(store):
    # Two parties with 2 deaths each: QuickStatements would put both qualifiers on one claim.
    link(store, "Q999999910")
    record, graph = ox.NamedNode(str(DZR["casualties-united-states"])), ox.DefaultGraph()
    for p, o in [(DZO.totalFor, ox.NamedNode(qs.OFFENSIVE)), (DZO.casualtyParty, ox.NamedNode(str(DZR["united-states"]))),
                 (DZO.killed, ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger"))),
                 (DZO.figureQualifier, ox.NamedNode(str(DZO.Exact))), (DZO.citation, ox.NamedNode(str(DZR["reference-11"])))]:
        store.add(ox.Quad(record, ox.NamedNode(str(p)), o, graph))
    held_back: list[str] = []
    deaths = [line.split("\t")[:5] for line in qs.render(store, held_back=held_back).splitlines() if "\tP1120\t" in line]
    assert deaths == [["Q999999910", "P1120", "2", "P710", "Q2429253"]]
    assert held_back == ["Q999999910 P1120 2 with P710 Q30: the batch has a statement of this value already, "
                         "and QuickStatements would add these qualifiers to it; add it on Wikidata by hand"]


def test_a_role_is_added_only_when_it_is_mapped(store):
    link(store, "Q999999910")
    lines = qs.render(store, roles={"supportingActor": "Q999999920"}).splitlines()
    assert "Q999999910\tP710\tQ30\tP2868\tQ999999920\t" + "\t".join(SOURCES) in lines
    assert "Q999999910\tP710\tQ2429253\t" + "\t".join(SOURCES) in lines


def test_statements_present_on_wikidata_are_skipped(store):
    """Present statements are read from a recorded wbgetentities answer (the live service replayed)."""
    link(store, "Q999999910")
    entity = recorded("wbgetentities-recorded.json")["entities"]["Q999999910"]
    present = qs.present_statements("Q999999910", entity)
    assert present == {("Q999999910", "P580", "+2024-12-03T00:00:00Z/11"), ("Q999999910", "P710", "Q2429253")}
    kept = {tuple(line.split("\t")[1:3]) for line in qs.render(store, present).splitlines()}
    assert ("P580", "+2024-12-03T00:00:00Z/11") not in kept and ("P710", "Q2429253") not in kept
    assert ("P582", "+2024-12-11T00:00:00Z/11") in kept


def test_the_output_is_the_same_every_time(store):
    assert qs.render(store) == qs.render(store)


def test_an_offensive_without_a_wikipedia_citation_cannot_be_exported(store):
    store.remove(ox.Quad(ox.NamedNode(qs.OFFENSIVE), ox.NamedNode(str(DZO.citation)), ox.NamedNode(str(DZR.article))))
    with pytest.raises(NothingToSource):
        qs.render(store)


def test_the_offensive_is_part_of_the_campaign_linked_since(dist):
    """On the article's build: the 2024 opposition offensives, linked to their item, become P361."""
    from kg.store.datasets import open_store

    lines = qs.render(open_store(dist)).splitlines()
    assert f"LAST\tP361\tQ131342170\t{SOURCES[0]}\t{SOURCES[1]}\t{SOURCES[2]}\t{SOURCES[3]}" in lines
    assert all(valid_v1(line) for line in lines)
    assert not any("\tP361\tQ178810\t" in line for line in lines), "the civil war is a whole of the campaign, not its nearest"
