"""Validation: the SHACL shapes (pyshacl) and the SPARQL quality checks of shapes/sparql/,
gathered into one report of findings.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF

from kg.build.shacl_sparql import compile_shapes, rule_name
from kg.namespaces import SH, short
from kg.rdf import read_quads, to_graph


@dataclass(frozen=True, order=True)
class Finding:
    """One result: which rule, on which node (and path), how severe, and why."""

    severity: str
    rule: str
    focus: str
    path: str
    message: str
    source: str = ""
    """The data files that describe the focus node (graph/events.ttl ...), when known."""

    def line(self) -> str:
        where = self.focus + (f" {self.path}" if self.path else "")
        found_in = f" (in {self.source})" if self.source else ""
        return f"[{self.severity}] {self.rule}: {where}{found_in}: {self.message}"


@dataclass
class Report:
    """All findings of one validation; only violations fail a build."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def text(self) -> str:
        shown = [f for f in sorted(self.findings) if f.severity != "Info"]
        warnings = len(shown) - len(self.violations)
        head = f"validation: {len(self.violations)} violation(s), {warnings} warning(s)"
        return "\n".join([head, *(f.line() for f in shown)])


def locate(report: Report, files: list[Path], folder_name: str) -> Report:
    """The report with each finding naming the files that state its focus node as a subject:
    where a user goes to fix it. The files are read again, so only for a build that fails."""
    if report.conforms:
        return report
    focus = {f.focus for f in report.findings if f.severity != "Info"}
    where: dict[str, set[str]] = {}
    for path in files:
        display = f"{folder_name}/{path.name}"
        for quad in read_quads(path, display=display):
            if quad.subject.value in focus:
                where.setdefault(quad.subject.value, set()).add(display)
    return Report([replace(f, source=", ".join(sorted(where.get(f.focus, ())))) for f in report.findings])


def load_shapes(shapes_dir: Path) -> rdflib.Graph:
    """All *.shacl.ttl files of the shapes folder as one graph."""
    triples = []
    for path in sorted(shapes_dir.glob("*.shacl.ttl")):
        triples.extend(read_quads(path, display=f"shapes/{path.name}"))
    return to_graph(triples)


def run_shacl(data: rdflib.Graph, shapes: rdflib.Graph) -> list[Finding]:
    """pyshacl's results as findings; `data` must already hold the inferred types."""
    # pyshacl takes 30 ms to import: only the pyshacl engine pays for it, not `kg --help`.
    import pyshacl

    _, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, abort_on_first=False
    )
    findings = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(r, SH.resultSeverity)
        shape = results.value(r, SH.sourceShape)
        path = results.value(r, SH.resultPath)
        findings.append(
            Finding(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                rule=rule_name(shape, shapes),
                focus=str(results.value(r, SH.focusNode)),
                path=short(str(path)) if isinstance(path, rdflib.URIRef) else "",
                message=str(results.value(r, SH.resultMessage) or ""),
            )
        )
    return findings


def sparql_rules(shapes_dir: Path) -> list[Path]:
    """The SPARQL quality checks: *-violation.rq fail a build, *-warning.rq are printed, *-report.rq
    only inform."""
    return sorted((shapes_dir / "sparql").glob("*.rq"))


def run_sparql_checks(store: ox.Store, shapes_dir: Path) -> list[Finding]:
    """Each check is a SELECT of ?node ?reason over the union of ontology, asserted and inferred."""
    findings = []
    for path in sparql_rules(shapes_dir):
        rule = path.stem
        severity = {"violation": "Violation", "warning": "Warning"}.get(rule.rsplit("-", 1)[-1], "Info")
        for row in store.query(path.read_text(encoding="utf-8")):
            node, reason = row["node"], row["reason"]
            findings.append(
                Finding(severity, rule, node.value if node is not None else "", "", reason.value if reason else "")
            )
    return findings


def run_compiled_shacl(store: ox.Store, shapes_dir: Path) -> list[Finding]:
    """The shapes compiled to SPARQL and run inside the store: the path for large graphs."""
    findings = []
    for rule in compile_shapes(load_shapes(shapes_dir)):
        for row in store.query(rule.query):
            findings.append(Finding("Violation", rule.rule, row["node"].value, "", row["reason"].value))
    return findings


def validate(data: rdflib.Graph | None, store: ox.Store, shapes_dir: Path) -> Report:
    """SHACL and the SPARQL checks. With `data` (asserted + inferred + ontology as an rdflib graph)
    SHACL runs in pyshacl; with None, the compiled shapes run in `store`, which scales."""
    shacl = run_shacl(data, load_shapes(shapes_dir)) if data is not None else run_compiled_shacl(store, shapes_dir)
    return Report(sorted(set(shacl + run_sparql_checks(store, shapes_dir))))
