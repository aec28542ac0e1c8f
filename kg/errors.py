"""Every error type of the package. The commands turn them into exit codes (1 for wrong data or a
failed step, 2 for usage); the service turns the RequestError kinds into HTTP statuses."""
from __future__ import annotations


class KgError(Exception):
    """Base of our errors; `exit_code` is what the CLI returns for it."""

    exit_code = 1


class UsageError(KgError):
    """The command was called wrongly (unknown query, parameter or format)."""

    exit_code = 2


class BuildError(KgError):
    """The build could not produce a valid dataset; the message names the cause."""


class ParseError(BuildError):
    """A source file is not valid RDF."""

    def __init__(self, path: str, line: int | None, column: int | None, message: str):
        self.path, self.line, self.column, self.message = path, line, column, message
        where = path if line is None else f"{path}:{line}:{column or 1}"
        super().__init__(f"syntax error in {where}: {message}")


class ValidationFailed(BuildError):
    """SHACL shapes or SPARQL quality checks found violations; `report` holds them."""

    def __init__(self, report):
        self.report = report
        super().__init__(report.text())


class InconsistentError(BuildError):
    """The reasoner found the ontology and data inconsistent; `culprits` explains why."""

    def __init__(self, culprits: list[str]):
        self.culprits = culprits
        lines = "\n".join(f"  - {c}" for c in culprits) or "  (no single axiom found; see the reasoner's output)"
        super().__init__(f"the ontology and data are inconsistent:\n{lines}")


class ReasonerUnavailable(BuildError):
    """The OWL reasoner could not run (for example no Java runtime)."""


class DraftError(KgError):
    """An article could not be drafted (missing or empty file, no prose); the message says why."""


class DraftInvalid(DraftError):
    """A draft breaks rules the draft profile keeps; its files are written for review, `report`
    holds the findings."""

    def __init__(self, folder: str, report):
        self.report = report
        super().__init__(f"the draft in {folder} breaks rules the draft profile keeps:\n{report.text()}")


class ReviewFileError(DraftError):
    """A review file cannot be accepted: a missing column, or a row whose value is wrong (named
    by its line)."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path, self.line = path, line
        where = path if line is None else f"{path}, line {line}"
        super().__init__(f"{where}: {message}")


class WikidataError(KgError):
    """Wikidata answered, but not with what we asked for (an API error, or retries ran out)."""


class WikidataUnreachable(WikidataError):
    """No answer from Wikidata at all (offline, DNS, refused or timed out)."""


class LinkReviewError(KgError):
    """A reviewed candidate file has rows that cannot become links; nothing was written."""


class LinksDisagree(KgError):
    """Wikidata disagrees with some of our links (`kg link --verify` lists them)."""


class NothingToSource(KgError):
    """The offensive cites no English Wikipedia article, so no statement can carry a source."""


class PushError(KgError):
    """The other store refused or failed a request; the message names the URL and the status."""


class FederationError(KgError):
    """A remote SPARQL service failed or was refused while running a query offline tools asked for."""


class RequestError(KgError):
    """A request (a query, an update, a page, a Graph Store read or write) that gets no result.

    The store, the workers and the pages raise these; the service answers each kind with its
    HTTP status from one table (kg.service.statuses). Across the worker socket an error travels
    as data: its kind and its fields (`to_wire`, `from_wire`).
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def fields(self) -> dict[str, str | int | float]:
        """What rebuilds this error in another process: plain values only."""
        return {"message": self.message}


class BadRequest(RequestError):
    """The request itself is malformed: its parameters, their encoding, a graph's name."""


class BadQuery(RequestError):
    """A query, an update or RDF data that does not parse; the message is the parser's."""


class Unauthorized(RequestError):
    """A write without the right bearer token."""


class Forbidden(RequestError):
    """What this service does not do: writes when read-only, LOAD, SERVICE off the allowlist."""


class NotFound(RequestError):
    """No such graph, resource, named query or file."""


class NotAcceptable(RequestError):
    """None of the formats offered is one the client accepts; the message lists them."""


class SlowRequest(RequestError):
    """A request body that did not arrive whole within the body timeout."""


class TooLarge(RequestError):
    """A request body, a query, a search text or a result over its limit."""


class UnsupportedMediaType(RequestError):
    """A body in a media type we cannot read."""


class Busy(RequestError):
    """Every worker stayed busy for the whole queue wait; try again in `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    def fields(self) -> dict[str, str | int | float]:
        return {"message": self.message, "retry_after": self.retry_after}


class TimedOut(RequestError):
    """The query outlived its deadline, and its worker was killed."""


class WorkerLost(RequestError):
    """The worker running the job died (killed from outside, or crashed)."""


class WorkerFailed(RequestError):
    """A worker raised something that is not a RequestError: a bug. The message is the
    worker's traceback, for the log and not for the client."""


class RemoteFailed(RequestError):
    """A remote store or a SERVICE endpoint failed: unreachable, or answering an error or
    something unreadable."""


class RemoteTimedOut(RemoteFailed):
    """A remote store did not answer within its timeout."""


def request_errors() -> dict[str, type[RequestError]]:
    """Every kind of RequestError by its name (the wire's word for it)."""
    kinds: dict[str, type[RequestError]] = {}
    pending = [RequestError]
    while pending:
        for kind in pending.pop().__subclasses__():
            kinds[kind.__name__] = kind
            pending.append(kind)
    return kinds


def to_wire(error: RequestError) -> tuple[str, dict[str, str | int | float]]:
    """An error as data for another process: its kind's name and its fields.

    >>> to_wire(Busy("all 2 workers are busy", retry_after=2))
    ('Busy', {'message': 'all 2 workers are busy', 'retry_after': 2})
    """
    return type(error).__name__, error.fields()


def from_wire(kind: str, fields: dict[str, str | int | float]) -> RequestError:
    """The error `to_wire` described; an unknown kind is a WorkerFailed naming it.

    >>> from_wire("NotFound", {"message": "no graph <urn:g>"})
    NotFound('no graph <urn:g>')
    """
    known = request_errors().get(kind)
    if known is None:
        return WorkerFailed(f"a worker sent an error of unknown kind {kind!r}: {fields!r}")
    return known(**fields)
