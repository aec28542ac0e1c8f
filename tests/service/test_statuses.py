"""The one table from error kinds to HTTP statuses: every kind has its status, and the answer
built from it carries the headers and the body its kind calls for."""
from __future__ import annotations

from http import HTTPStatus

import pytest
from starlette.requests import Request

from kg import errors
from kg.service import statuses

SAMPLES = {
    "BadRequest": errors.BadRequest("name exactly one graph"),
    "BadQuery": errors.BadQuery("query syntax error: error at 1:10"),
    "Unauthorized": errors.Unauthorized("updates need the header Authorization"),
    "Forbidden": errors.Forbidden("LOAD is not allowed here"),
    "NotFound": errors.NotFound("no graph <urn:g> in this store"),
    "NotAcceptable": errors.NotAcceptable("no acceptable format; offered: text/turtle"),
    "TooLarge": errors.TooLarge("the result is larger than the limit"),
    "SlowRequest": errors.SlowRequest("the request body did not arrive within 10 s"),
    "UnsupportedMediaType": errors.UnsupportedMediaType("cannot read 'image/png' as RDF"),
    "Busy": errors.Busy("all 2 workers are busy; retry later", retry_after=3),
    "TimedOut": errors.TimedOut("query exceeded the time limit of 0.5 s"),
    "WorkerLost": errors.WorkerLost("the worker running this query (pid 1) died"),
    "WorkerFailed": errors.WorkerFailed("Traceback (most recent call last):\nValueError: boom"),
    "RemoteFailed": errors.RemoteFailed("cannot reach http://127.0.0.1:9/sparql"),
    "RemoteTimedOut": errors.RemoteTimedOut("http://127.0.0.1:9/sparql did not answer within 1 s"),
}
"""One error of every kind (a test below checks that no kind is missing)."""

EXPECTED = {
    "BadRequest": 400, "BadQuery": 400, "Unauthorized": 401, "Forbidden": 403, "NotFound": 404,
    "NotAcceptable": 406, "TooLarge": 413, "SlowRequest": 408, "UnsupportedMediaType": 415, "WorkerFailed": 500,
    "WorkerLost": 502, "RemoteFailed": 502, "Busy": 503, "TimedOut": 504, "RemoteTimedOut": 504,
}


def _request() -> Request:
    return Request({"type": "http", "method": "GET", "path": "/sparql", "headers": [], "query_string": b""})


def test_the_samples_cover_every_kind_of_request_error():
    assert set(SAMPLES) == set(errors.request_errors())


def test_every_kind_has_a_status_of_its_own_in_the_table():
    assert set(statuses.STATUSES) == set(errors.request_errors().values())


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_each_kind_answers_its_status(kind):
    assert statuses.answer(_request(), SAMPLES[kind]).status_code == EXPECTED[kind]


@pytest.mark.parametrize("kind", sorted(set(SAMPLES) - {"WorkerFailed"}))
def test_the_answer_is_the_message_as_plain_text(kind):
    response = statuses.answer(_request(), SAMPLES[kind])
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.body.decode() == SAMPLES[kind].message


def test_a_bug_is_logged_and_its_traceback_kept_from_the_client(caplog):
    response = statuses.answer(_request(), SAMPLES["WorkerFailed"])
    assert response.body == b"internal error (logged)"
    assert "ValueError: boom" in caplog.text and "GET /sparql" in caplog.text


def test_busy_says_when_to_retry():
    assert statuses.answer(_request(), SAMPLES["Busy"]).headers["retry-after"] == "3"


def test_unauthorized_names_the_scheme():
    assert statuses.answer(_request(), SAMPLES["Unauthorized"]).headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_every_error_answer_varies_with_accept(kind):
    assert statuses.answer(_request(), SAMPLES[kind]).headers["vary"] == "Accept"


def test_every_status_of_the_table_is_an_error_status():
    assert all(status >= HTTPStatus.BAD_REQUEST for status in statuses.STATUSES.values())
