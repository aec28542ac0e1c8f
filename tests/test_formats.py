"""The one format table: it agrees with pyoxigraph, and every consumer reads it (content
negotiation, the service description, `kg query --format`, `kg export`, the files of dist/)."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg import cli, formats
from kg.build import export
from kg.build import pipeline
from kg.errors import NotAcceptable
from kg.rdf import format_for
from kg.service import describe
from kg.settings import Settings

NAMED = [f for f in formats.FORMATS if f.name]


def _format_option(command: str):
    """The --format option of a `kg` subcommand, as argparse holds it."""
    sub = next(a for a in cli.parser()._actions if a.dest == "command").choices[command]
    return next(a for a in sub._actions if a.dest == "format")


def test_names_are_unique():
    names = [f.name for f in NAMED]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("fmt", NAMED, ids=lambda f: f.name)
def test_a_named_format_agrees_with_pyoxigraph_on_media_type_and_extension(fmt):
    assert fmt.oxigraph.media_type.split(";")[0] == fmt.media_type
    assert "." + fmt.oxigraph.file_extension == fmt.extension


@pytest.mark.parametrize("fmt", NAMED, ids=lambda f: f.name)
def test_a_named_format_has_its_w3c_iri(fmt):
    # pyoxigraph names JSON-LD by a newer IRI (https://www.w3.org/ns/formats/data/JSON-LD); the
    # service description keeps the one of the namespace its other formats come from.
    expected = "http://www.w3.org/ns/formats/JSON-LD" if fmt.name == "jsonld" else fmt.oxigraph.iri
    assert fmt.iri == expected


def test_the_service_description_lists_the_served_formats_of_the_table():
    listed = {t.object.value for t in describe.service_description("http://x/sparql", Settings())
              if t.predicate.value.endswith("#resultFormat")}
    assert listed == {f.iri for f in formats.FORMATS if f.served and f.iri}
    assert describe.RESULT_FORMATS == tuple(f.iri for f in formats.FORMATS if f.served and f.iri)


def test_kg_export_offers_the_rdf_formats_of_the_table():
    assert list(export.FORMATS) == [f.name for f in formats.RDF]
    assert all(f.holds in (formats.Holds.GRAPH, formats.Holds.DATASET) for f in export.FORMATS.values())


def test_kg_query_format_choices_are_the_table_and_the_queried_formats():
    queried = [f.name for f in formats.FORMATS if f.queried]
    assert _format_option("query").choices == ["table", *queried]


def test_kg_export_names_its_formats_from_the_table():
    assert ", ".join(f.name for f in formats.RDF) in _format_option("export").help


def test_the_files_of_dist_carry_their_formats_extensions():
    for name, (_, fmt) in pipeline.DIST_FILES.items():
        assert name.endswith(formats.named(fmt).extension)


@pytest.mark.parametrize("fmt", formats.RDF, ids=lambda f: f.name)
def test_an_rdf_file_is_read_in_the_format_of_its_extension(fmt, tmp_path):
    assert format_for(tmp_path / f"data{fmt.extension}") == fmt.oxigraph


@pytest.mark.parametrize("kind", list(formats.Kind))
def test_each_offer_is_chosen_when_asked_for(kind):
    for offer in formats.OFFERS[kind]:
        assert formats.negotiate(kind, offer.media_type) is offer


def test_what_is_not_served_is_not_acceptable():
    assert not formats.named("nquads").served
    with pytest.raises(NotAcceptable, match="offered: text/turtle, application/n-triples"):
        formats.negotiate(formats.Kind.GRAPH, "application/n-quads")


def test_csv_and_tsv_carry_no_boolean():
    offered = {f.name for f in formats.OFFERS[formats.Kind.BOOLEAN]}
    assert {"csv", "tsv"}.isdisjoint(offered) and {"json", "xml"} <= offered


def test_a_query_result_that_is_not_acceptable_says_its_kind():
    with pytest.raises(NotAcceptable, match="this graph result is offered as: text/turtle"):
        formats.negotiate(formats.Kind.GRAPH, "text/csv", result=True)


def test_the_pyoxigraph_format_writes_what_the_media_type_says():
    triple = ox.Triple(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal("v"))
    for fmt in formats.RDF:
        written = ox.serialize([triple], format=fmt.oxigraph)
        parsed = ox.parse(written, format=ox.RdfFormat.from_media_type(fmt.media_type))
        assert [q.triple if isinstance(q, ox.Quad) else q for q in parsed] == [triple]
