"""Arabic names on the pages of the article's build: label search finds them, resource pages show
them beside the English label."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kg.service.app import create_app
from kg.settings import Settings

R = "https://w3id.org/deir-ez-zor-2024/resource/"
BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def client(store) -> Iterator[TestClient]:
    with TestClient(create_app(store, Settings(query_timeout=20.0))) as test_client:
        yield test_client


def test_searching_the_arabic_name_finds_abu_kamal(client):
    response = client.get("/search", params={"q": "البوكمال"}, headers={"accept": "application/json"})
    hits = response.json()["results"]
    assert [hit["iri"] for hit in hits] == [R + "abu-kamal"]
    assert hits[0]["label"] == "Abu Kamal" and "البوكمال" in hits[0]["matched"]


def test_searching_part_of_an_arabic_name_finds_the_places_that_have_it(client):
    response = client.get("/search", params={"q": "دير الزور"}, headers={"accept": "application/json"})
    assert {R + "deir-ez-zor", R + "deir-ez-zor-governorate"} <= {hit["iri"] for hit in response.json()["results"]}


def test_resource_page_shows_the_arabic_name_beside_the_english_one(client):
    text = client.get("/resource/abu-kamal", headers=BROWSER).text
    assert '<h1>Abu Kamal <span class="arabic" lang="ar" dir="rtl">البو كمال</span></h1>' in text
    assert '<span lang="ar" dir="rtl">البوكمال</span>' in text
