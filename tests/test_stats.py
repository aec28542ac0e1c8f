"""`kg stats`: the coverage figures count what the graph links to the world."""
from __future__ import annotations

import pyoxigraph as ox

from kg.stats import coverage_lines, stats_text
from tests.conftest import ROOT

TTL = """
@prefix dzo: <https://w3id.org/deir-ez-zor-2024/ontology#> .
@prefix dzr: <https://w3id.org/deir-ez-zor-2024/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix wd: <http://www.wikidata.org/entity/> .
dzr:town a dzo:Town ; rdfs:label "Town"@en , "بلدة"@ar ; geo:hasGeometry dzr:town-geometry ; dzo:wikidataItem wd:Q1 .
dzr:town-geometry geo:asWKT "POINT(40 35)"^^geo:wktLiteral .
dzr:village a dzo:Village ; rdfs:label "Village"@en ; geo:hasGeometry dzr:village-geometry .
dzr:village-geometry geo:asWKT "POINT(41 35)"^^geo:wktLiteral .
dzr:desert a dzo:Desert ; rdfs:label "Desert"@en .
dzr:base a dzo:MilitaryBase ; rdfs:label "Base"@en .
dzr:group a dzo:Militia ; rdfs:label "Group"@en ; dzo:wikidataItem wd:Q2 .
dzr:war a dzo:Conflict ; rdfs:label "War"@en .
"""


def store_of(ttl: str) -> ox.Store:
    s = ox.Store()
    s.load(path=str(ROOT / "ontology" / "dzo.ttl"), format=ox.RdfFormat.TURTLE)
    s.load(ttl.encode(), format=ox.RdfFormat.TURTLE)
    # What reasoning would add: every kind of ours is also its family.
    s.update("""PREFIX dzo: <https://w3id.org/deir-ez-zor-2024/ontology#>
                PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
                INSERT { ?x a ?family } WHERE { ?x a ?kind . ?kind rdfs:subClassOf+ ?family }""")
    return s


def test_coverage_counts_items_points_and_arabic_names():
    lines = [" ".join(line.split()) for line in coverage_lines(store_of(TTL))]
    assert "actors with a Wikidata item 1 (100%) of 1" in lines
    assert "conflicts with a Wikidata item 0 (0%) of 1" in lines
    assert "places with a Wikidata item 1 (25%) of 4" in lines
    assert "places with a point 2 (50%) of 4" in lines
    assert "places with an Arabic name 1 (25%) of 4" in lines
    # Settlements and areas (a base only once it has a point): the town has both, the village no Arabic name.
    assert "settlements and areas with both 1 (50%) of 2" in lines


def test_the_article_graph_has_nine_in_ten_settlements_and_areas_placed(store):
    text = stats_text(store)
    assert "linked to the world:" in text
    points = next(line for line in text.splitlines() if "places with a point" in line)
    assert int(points.split()[4]) >= 28
