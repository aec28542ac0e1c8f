"""The gazetteer linker on real Who's On First records (tests/data/gazetteer, 23 records copied
verbatim with their licence): ranking through the traps of place names, the review file, and
accepting reviewed rows into links with their evidence."""
from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import RDFS, SKOS

from kg import cli
from kg.errors import UsageError
from kg.linking import gazetteer, review
from kg.linking.gazetteer_accept import SOURCE, accept
from kg.linking.review import LinkReviewError
from kg.linking.whosonfirst import read_checkout
from kg.namespaces import DZO, DZR, GEO, GN, WD, WOF
from tests.conftest import DATA, ROOT

CHECKOUT = DATA / "gazetteer"
COMMIT = "2db0f03b9f9d24bd371f318759d3e56c816c333e"


def our_store() -> ox.Store:
    """The real ontology and a few of our places as the article names them, before linking."""
    s = ox.Store()
    s.load(path=str(ROOT / "ontology" / "dzo.ttl"), format=ox.RdfFormat.TURTLE)
    s.load(path=str(DATA / "gazetteer-graph" / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    return s


@pytest.fixture(scope="module")
def checkout():
    return read_checkout(CHECKOUT)


@pytest.fixture(scope="module")
def ranked(checkout) -> dict[str, list[gazetteer.Candidate]]:
    found: dict[str, list[gazetteer.Candidate]] = {}
    for c in gazetteer.rank(our_store(), [checkout]):
        found.setdefault(c.place.iri.removeprefix(str(DZR)), []).append(c)
    return found


def ids(candidates) -> list[int]:
    return [c.record.id for c in candidates]


@pytest.fixture()
def clone(tmp_path) -> Path:
    """The fixture records as a git clone of their own, so that a commit can be read."""
    folder = tmp_path / "whosonfirst-data-admin-sy"
    shutil.copytree(CHECKOUT, folder)
    git = ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "records"], check=True)
    return folder


def reviewed(tmp_path, checkout, choose: dict[str, int], edit=None) -> Path:
    """The review file with the rows of `choose` (slug -> record) marked yes, after `edit`."""
    path = tmp_path / "review.csv"
    gazetteer.write_review(gazetteer.rank(our_store(), [checkout]), [checkout], path)
    rows = read_rows(path)
    for row in rows:
        if choose.get(row["entity"].removeprefix(str(DZR))) == int(row["candidate"].removeprefix("wof:")):
            row["accepted"] = "yes"
            if edit:
                edit(row)
    write_rows(path, rows)
    return path


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def accepted_graph(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")


# Reading a checkout.

def test_a_checkout_reads_every_current_record_and_no_commit_inside_another_repository(checkout):
    assert len(checkout.records) == 23
    assert checkout.commit == ""  # the folder lies inside our repository, not at the top of a clone
    abu_kamal = checkout.records[890449891]
    assert (abu_kamal.path, abu_kamal.placetype, abu_kamal.label) == (
        "data/890/449/891/890449891.geojson", "locality", "Abu Kamal")
    assert abu_kamal.arabic == ("البو كمال", "أبو كمال", "البوكمال")


def test_a_latin_arabic_name_is_not_taken_for_arabic(checkout):
    assert "Khushām" not in checkout.records[1193158247].arabic
    assert all(not n.isascii() for n in checkout.records[1193158247].arabic)


def test_the_data_folder_itself_reads_the_same(checkout):
    assert read_checkout(CHECKOUT / "data").records.keys() == checkout.records.keys()


def test_a_clone_gives_its_commit(clone):
    head = subprocess.run(["git", "-C", str(clone), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert read_checkout(clone).commit == head and len(head) == 40


def test_a_folder_without_records_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="not a Who's On First checkout"):
        read_checkout(tmp_path)


# Ranking.

def test_the_town_ranks_before_its_same_named_district(ranked):
    found = ranked["abu-kamal"]
    assert ids(found)[0] == 890449891
    district = next(c for c in found if c.record.id == 1108779185)
    assert "a county (district), not a City" in district.reasons
    assert "GeoNames 174448 is ours too" in found[0].reasons


def test_of_villages_of_one_name_the_one_by_our_placed_neighbour_ranks_first(ranked):
    found = ranked["al-salihiyah"]
    assert ids(found)[0] == 1259680749
    assert {421190391, 1226434157} <= set(ids(found[1:]))
    assert any(r.startswith("2.") and r.endswith("km from Hatla") for r in found[0].reasons)


def test_a_name_spelled_three_ways_finds_its_records(ranked):
    # Diban, Dhiban and Dībān: both records of the town are found, spelt as the gazetteer spells them.
    assert set(ids(ranked["diban"])[:2]) == {1242967673, 1327330569}
    # Al-Quriyah, Al-Qoriya and Al Qurayya.
    assert ids(ranked["al-quriyah"])[0] == 1193158247


def test_east_and_west_villages_both_rank_for_the_reviewer_to_choose(ranked):
    assert {1343949817, 1276647979} <= set(ids(ranked["al-jurthi"]))


def test_a_name_without_its_qualifier_ranks_its_three_records(ranked):
    assert {1310522687, 1293092821, 1242967701} <= set(ids(ranked["tabiyet-jazira"]))


def test_a_record_in_another_governorate_is_marked_down(ranked):
    found = {c.record.id: c for c in ranked["palmyra"]}
    assert "in region Homs (Hims), named as our Homs Governorate" in found[421197935].reasons
    assert ids(ranked["palmyra"])[0] == 421197935


def test_a_place_with_a_record_is_not_ranked_again(ranked):
    assert "deir-ez-zor-governorate" not in ranked


def test_the_review_file_has_the_columns_of_kg_link_then_the_record(tmp_path, checkout, ranked):
    path = tmp_path / "review.csv"
    gazetteer.write_review(ranked["abu-kamal"], [checkout], path)
    rows = read_rows(path)
    assert list(rows[0])[:7] == review.COLUMNS[:7] and list(rows[0])[-1] == "accepted"
    first = rows[0]
    assert (first["candidate"], first["record"], first["wikidata"], first["accepted"]) == (
        "wof:890449891", "whosonfirst-data-admin-sy:data/890/449/891/890449891.geojson", "Q152828", "")
    assert "ar: البو كمال | أبو كمال | البوكمال" in first["names"]
    assert first["parents"].startswith("county 1108779185 Abu-Kamal; region 85678381 Dayr az Zawr")
    assert first["point"] == "34.45,40.91861 (point)"


# Accepting.

def test_accept_writes_the_link_with_its_evidence_and_what_the_record_carries(tmp_path, clone):
    checkout = read_checkout(clone)
    out = tmp_path / "accepted.ttl"
    added = accept(reviewed(tmp_path, checkout, {"abu-kamal": 890449891, "al-quriyah": 1193158247}), out,
                   store=our_store(), checkouts=[checkout])
    g = accepted_graph(out)
    abu_kamal, quriyah = DZR["abu-kamal"], DZR["al-quriyah"]
    assert added == 2
    assert (abu_kamal, DZO.whosOnFirstRecord, WOF["890449891"]) in g
    evidence = DZR["link-abu-kamal-whos-on-first"]
    seen = str(g.value(evidence, DZO.seenAt))
    assert f"whosonfirst-data/whosonfirst-data-admin-sy at commit {checkout.commit}: " \
           "data/890/449/891/890449891.geojson" in seen
    assert (evidence, DZO.citation, SOURCE) in g
    assert (abu_kamal, RDFS.label, rdflib.Literal("البو كمال", lang="ar")) in g
    assert set(g.objects(abu_kamal, SKOS.altLabel)) == {rdflib.Literal("أبو كمال", lang="ar"),
                                                          rdflib.Literal("البوكمال", lang="ar")}
    assert (abu_kamal, DZO.wikidataItem, WD.Q152828) in g
    # Abu Kamal keeps its own point and GeoNames feature; Al-Quriyah gets both from the record.
    assert g.value(abu_kamal, GEO.hasGeometry) is None and g.value(abu_kamal, DZO.geonamesFeature) is None
    wkt = g.value(g.value(quriyah, GEO.hasGeometry), GEO.asWKT)
    assert str(wkt) == "POINT(40.54139 34.95629)" and wkt.datatype == GEO.wktLiteral
    assert (quriyah, DZO.geonamesFeature, rdflib.URIRef(str(GN["173327/"]))) in g
    # We held no governorate for Al-Quriyah: the record's region is our linked governorate.
    assert (quriyah, DZO.locatedIn, DZR["deir-ez-zor-governorate"]) in g
    assert g.value(abu_kamal, DZO.locatedIn) is None


def test_accept_cites_the_sources_with_their_licences(tmp_path, checkout):
    out = tmp_path / "accepted.ttl"
    accept(reviewed(tmp_path, checkout, {"hatla": 1226640425}), out, store=our_store(), checkouts=[checkout])
    g = accepted_graph(out)
    licences = {str(x) for x in g.objects(SOURCE, rdflib.URIRef("http://purl.org/dc/terms/license"))}
    assert "https://creativecommons.org/publicdomain/zero/1.0/" in licences
    assert "Data from Who's On First" in str(g.value(SOURCE, rdflib.URIRef("http://purl.org/dc/terms/bibliographicCitation")))
    assert str(g.value(DZR["source-geonames"], rdflib.URIRef("http://purl.org/dc/terms/license"))) == \
        "https://creativecommons.org/licenses/by/4.0/"
    assert "commit unknown" in str(g.value(DZR["link-hatla-whos-on-first"], DZO.seenAt))


def test_a_cleared_wikidata_column_links_no_item(tmp_path, checkout):
    out = tmp_path / "accepted.ttl"
    path = reviewed(tmp_path, checkout, {"palmyra": 421197935}, edit=lambda row: row.update(wikidata=""))
    accept(path, out, store=our_store(), checkouts=[checkout])
    g = accepted_graph(out)
    assert (DZR.palmyra, DZO.whosOnFirstRecord, WOF["421197935"]) in g
    assert g.value(DZR.palmyra, DZO.wikidataItem) is None
    assert (DZR.palmyra, RDFS.label, rdflib.Literal("تدمر", lang="ar")) in g


def test_a_reviewer_note_goes_into_the_evidence(tmp_path, checkout):
    out = tmp_path / "accepted.ttl"
    path = reviewed(tmp_path, checkout, {"tabiyet-jazira": 1310522687},
                    edit=lambda row: row.update(note="the east-bank one"))
    accept(path, out, store=our_store(), checkouts=[checkout])
    description = accepted_graph(out).value(DZR["link-tabiyet-jazira-whos-on-first"],
                                            rdflib.URIRef("http://purl.org/dc/terms/description"))
    assert str(description).endswith("Reviewer's note: the east-bank one")


def test_rejected_rows_write_nothing(tmp_path, checkout):
    out = tmp_path / "accepted.ttl"
    assert accept(reviewed(tmp_path, checkout, {}), out, store=our_store(), checkouts=[checkout]) == 0
    assert not out.exists()


@pytest.mark.parametrize("edit, message", [
    (lambda row: row.update(accepted="maybe"), "accepted is 'maybe'"),
    (lambda row: row.update(wikidata="Q1"), "wikidata 'Q1' is not the record's (Q152828)"),
    (lambda row: row.update(candidate="wof:42"), "wof:42 is not in the gazetteer given"),
    (lambda row: row.update(entity=str(DZR["nowhere"])), "unknown entity"),
    (lambda row: row.update(commit="0" * 40), "rank again"),
    (lambda row: row.update(candidate="Q152828"), "is not a Who's On First record"),
])
def test_bad_rows_are_named_and_nothing_is_written(tmp_path, clone, edit, message):
    checkout = read_checkout(clone)
    out = tmp_path / "accepted.ttl"
    path = reviewed(tmp_path, checkout, {"abu-kamal": 890449891}, edit=edit)
    with pytest.raises(LinkReviewError, match=r"review\.csv row \d+: .*" + message.replace("(", r"\(").replace(")", r"\)")):
        accept(path, out, store=our_store(), checkouts=[checkout])
    assert not out.exists()


def test_two_records_for_one_place_are_refused(tmp_path, checkout):
    path = reviewed(tmp_path, checkout, {"diban": 1242967673})
    rows = read_rows(path)
    for row in rows:
        if row["candidate"] == "wof:1327330569":
            row["accepted"] = "x"
    write_rows(path, rows)
    with pytest.raises(LinkReviewError, match="a second record"):
        accept(path, tmp_path / "out.ttl", store=our_store(), checkouts=[checkout])


def test_a_kg_link_review_file_is_refused_with_the_columns_it_lacks(tmp_path, checkout):
    path = tmp_path / "wikidata.csv"
    path.write_text(",".join(review.COLUMNS) + "\n", encoding="utf-8")
    with pytest.raises(LinkReviewError, match="lacks the column"):
        accept(path, tmp_path / "out.ttl", store=our_store(), checkouts=[checkout])


# The command.

def test_the_command_ranks_then_accepts(tmp_path, capsys):
    from tests.linking.test_review import write_dist_of

    dist = tmp_path / "dist"
    write_dist_of(our_store(), dist)
    parser = cli.parser()
    out = tmp_path / "review.csv"
    args = parser.parse_args(["--root", str(ROOT), "--dist", str(dist), "link", "--gazetteer", str(CHECKOUT),
                              "-o", str(out)])
    assert args.func(args) == 0
    assert "mark the right ones yes" in capsys.readouterr().err
    assert "wof:890449891" in out.read_text(encoding="utf-8")
    args = parser.parse_args(["--root", str(ROOT), "--dist", str(dist), "link", "--gazetteer", str(CHECKOUT),
                              "--verify"])
    with pytest.raises(UsageError, match="does not go with --verify"):
        args.func(args)
