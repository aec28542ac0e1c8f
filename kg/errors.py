"""The exceptions the commands turn into exit codes: 1 for wrong data or a failed step, 2 for usage."""
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


class ReviewFileError(DraftError):
    """A review file cannot be accepted: a missing column, or a row whose value is wrong (named
    by its line)."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path, self.line = path, line
        where = path if line is None else f"{path}, line {line}"
        super().__init__(f"{where}: {message}")
