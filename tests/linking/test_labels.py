"""Names of linked items from Wikidata: fetched into their own named graph with its source,
added by the build, shown on resource pages. The live Wikidata service is out of reach here:
its answers are replayed from a response in Wikidata's own wbgetentities format."""
from __future__ import annotations

import shutil
from datetime import date

import httpx
import pyoxigraph as ox
from fastapi.testclient import TestClient

from kg.build import pipeline as build_mod
from kg.build import export
from kg.linking import labels as wikidata_labels
from kg.namespaces import WD
from kg.service.app import create_app
from kg.settings import Settings
from kg.store.datasets import open_store
from kg.linking.wikidata import WikidataClient
from tests.conftest import ROOT

ARABIC = {"Q232387": "محافظة دير الزور", "Q858": "سوريا"}


def wikidata_answers(requests: list) -> httpx.MockTransport:
    """wbgetentities answers: Arabic and English labels for two of our linked items."""
    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        ids = request.url.params["ids"].split("|")
        entities = {
            qid: ({"type": "item", "id": qid, "labels": {
                "ar": {"language": "ar", "value": ARABIC[qid]},
                "en": {"language": "en", "value": f"English {qid}"}}} if qid in ARABIC
                  else {"id": qid, "missing": ""})
            for qid in ids
        }
        return httpx.Response(200, json={"entities": entities, "success": 1})
    return httpx.MockTransport(answer)


def fetched(store) -> list[ox.Quad]:
    requests: list = []
    client = WikidataClient(httpx.Client(transport=wikidata_answers(requests)), min_interval=0.0,
                            sleep=lambda seconds: None)
    quads = wikidata_labels.fetch(client, store, date(2025, 1, 31))
    assert all(r.url.params["props"] == "labels" for r in requests)
    return quads


def test_fetch_asks_for_every_linked_item_and_keeps_their_graph_and_source(store):
    quads = fetched(store)
    assert {q.graph_name.value for q in quads} == {str(wikidata_labels.LABELS_GRAPH)}
    labels = {(q.subject.value, q.object.value) for q in quads if q.predicate.value.endswith("#label")}
    assert (str(WD["Q232387"]), ARABIC["Q232387"]) in labels
    assert any(q.predicate.value.endswith("wasDerivedFrom") for q in quads)


def test_the_build_adds_fetched_labels_as_a_named_graph_and_pages_show_them(store, built, tmp_path):
    project = tmp_path / "project"
    for folder in ("ontology", "graph", "shapes", "queries"):
        shutil.copytree(ROOT / folder, project / folder)
    labels = project / wikidata_labels.LABELS_FILE
    labels.parent.mkdir()
    labels.write_bytes(export.serialize(fetched(store), "nquads"))
    dist = project / "dist"
    build_mod.write_dist(build_mod.build(project, reasoner=False), dist)
    graphs = {q.graph_name.value for q in build_mod.load_dist(dist)}
    assert str(wikidata_labels.LABELS_GRAPH) in graphs
    with TestClient(create_app(open_store(dist), Settings())) as client:
        page = client.get("/resource/deir-ez-zor-governorate", headers={"accept": "text/html"})
    assert page.status_code == 200 and ARABIC["Q232387"] in page.text
