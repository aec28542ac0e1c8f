"""The request errors travel between processes as data: a kind's name and plain fields."""
from __future__ import annotations

import pytest

from kg import errors


def sample(kind: type[errors.RequestError]) -> errors.RequestError:
    """An error of `kind` with every field set."""
    if kind is errors.Busy:
        return errors.Busy("all 2 workers are busy; retry later", retry_after=2)
    return kind(f"a {kind.__name__} happened")


KINDS = sorted(errors.request_errors())


@pytest.mark.parametrize("name", KINDS)
def test_each_kind_comes_back_as_the_same_error(name):
    sent = sample(errors.request_errors()[name])
    received = errors.from_wire(*errors.to_wire(sent))
    assert type(received) is type(sent)
    assert received.fields() == sent.fields()
    assert str(received) == str(sent)


@pytest.mark.parametrize("name", KINDS)
def test_the_wire_holds_plain_values_only(name):
    kind, fields = errors.to_wire(sample(errors.request_errors()[name]))
    assert kind == name
    assert all(isinstance(value, (str, int, float)) for value in fields.values())


def test_an_unknown_kind_is_a_bug_naming_it():
    received = errors.from_wire("Gremlins", {"message": "?"})
    assert isinstance(received, errors.WorkerFailed)
    assert "Gremlins" in received.message


def test_every_request_error_is_a_kg_error_for_the_commands():
    assert all(issubclass(kind, errors.KgError) for kind in errors.request_errors().values())
