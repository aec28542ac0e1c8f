"""The service over a remote store (`kg serve --sparql-endpoint`): a representative subset of the
service's own tests, run unchanged against an app whose store is a real Oxigraph server on
127.0.0.1. The `client` and `writable` fixtures below replace those of tests/service_fixtures.py
for the tests imported here (pytest resolves fixtures in the module that collects a test).
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kg.store.remote import RemoteStore
from kg.service.app import create_app
from kg.settings import Settings
from tests.service_fixtures import HEAVY, SERVICE_DATA, TOKEN
from tests.servers import free_port
from tests.store.test_remote import build_endpoint, oxigraph_server, service_endpoint  # noqa: F401
from tests.service.test_conneg import (  # noqa: F401
    test_ask_as_json,
    test_construct_in_each_rdf_format,
    test_describe_is_a_graph,
    test_select_as_csv,
    test_select_as_json,
    test_select_as_xml,
)
from tests.pages.test_resource import (  # noqa: F401
    test_graph_store_default_is_the_union,
    test_graph_store_put_then_get,
    test_graph_store_serves_a_named_graph,
    test_graph_store_unknown_graph_is_404,
    test_ontology_page_documents_classes_and_acled_mapping,
    test_resource_as_turtle_has_outgoing_and_incoming,
    test_resource_page_lists_events_in_date_order,
    test_resource_page_shows_label_and_kind,
    test_search_matches_alt_labels_as_json,
    test_unknown_resource_is_404,
    test_void_counts_triples_per_graph,
)
from tests.service.test_protocol import (  # noqa: F401
    test_default_graph_is_the_union_of_named_graphs,
    test_default_graph_uri_selects_one_graph,
    test_from_selects_a_graph_by_name,
    test_get_query_answers_rows,
    test_load_is_403,
    test_named_graph_uri_limits_graph_patterns,
    test_post_direct_query_answers_rows,
    test_post_form_query_answers_rows,
    test_service_outside_the_allowlist_is_403,
    test_syntax_error_is_400_with_the_parser_message,
    test_update_is_seen_by_the_next_query,
    test_update_on_a_read_only_service_is_403,
    test_update_without_token_is_401,
)


@pytest.fixture(scope="module")
def client(service_endpoint) -> Iterator[TestClient]:
    """A read-only service whose store is the Oxigraph server holding tests/data/service."""
    store = RemoteStore(service_endpoint + "/query", timeout=10.0)
    with TestClient(create_app(store, Settings(query_timeout=10.0))) as test_client:
        yield test_client


@pytest.fixture()
def writable(tmp_path) -> Iterator[TestClient]:
    """A writable service over its own Oxigraph server (writes go to its update endpoint)."""
    with oxigraph_server(tmp_path / "db", SERVICE_DATA / "dataset.nq") as url:
        store = RemoteStore(url + "/query", url + "/update")
        settings = Settings(allow_update=True, update_token=TOKEN)
        with TestClient(create_app(store, settings)) as test_client:
            yield test_client


def test_deadline_bounds_the_remote_call(service_endpoint):
    store = RemoteStore(service_endpoint + "/query", timeout=0.5)
    with TestClient(create_app(store, Settings(workers=1, query_timeout=0.5))) as slow:
        response = slow.get("/sparql", params={"query": HEAVY})
    assert response.status_code == 504


def test_unreachable_store_is_502_naming_it():
    url = f"http://127.0.0.1:{free_port()}/query"
    with TestClient(create_app(RemoteStore(url), Settings())) as offline:
        response = offline.get("/sparql", params={"query": "ASK {}"})
    assert response.status_code == 502
    assert url in response.text


def test_a_page_over_an_unreachable_store_is_502_naming_it():
    url = f"http://127.0.0.1:{free_port()}/query"
    with TestClient(create_app(RemoteStore(url), Settings())) as offline:
        response = offline.get("/resource/sdf", headers={"accept": "text/html"})
    assert response.status_code == 502
    assert url in response.text


@pytest.mark.parametrize("path", ["/timeline?from=2024-11-27&to=2024-12-03", "/casualties?from=2024-12-01",
                                  "/map?to=2024-12-06"])
def test_an_explorer_window_draws_the_same_data_from_a_remote_store(store, build_endpoint, path):
    from tests.pages.test_explorer import BROWSER, embedded

    with TestClient(create_app(store, Settings(query_timeout=20.0))) as local:
        expected = embedded(local.get(path, headers=BROWSER).text)
    remote = RemoteStore(build_endpoint + "/query", timeout=20.0)
    with TestClient(create_app(remote, Settings(query_timeout=20.0))) as served:
        response = served.get(path, headers=BROWSER)
    assert response.status_code == 200
    found = embedded(response.text)
    assert set(found) == set(expected)
    for name in expected:
        rows = sorted(map(repr, expected[name]["results"]["bindings"]))
        assert sorted(map(repr, found[name]["results"]["bindings"])) == rows and (rows or name == "explorer-event-places")
