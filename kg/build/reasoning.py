"""OWL reasoning: entailment rules generated from the ontology's axioms, materialised in a store,
and a HermiT (owlready2) consistency check whose failures we explain with SPARQL ourselves.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.collection import Collection

from kg.errors import InconsistentError, ReasonerUnavailable
from kg.namespaces import DZO, short, sparql_prologue
from kg.rdf import graph_triples


@dataclass(frozen=True)
class Rule:
    """One entailment the ontology defines, as a SPARQL CONSTRUCT over the data."""

    axiom: str
    construct: str

    @cached_property
    def triggers(self) -> frozenset[str]:
        """The IRIs in the rule's body: it can only fire again when a triple using one is new."""
        body = self.construct.split(" WHERE ", 1)[1]
        return frozenset(re.findall(r"<([^>]+)>", body))


_RDF_TYPE = str(RDF.type)


def _iri(term) -> str:
    return f"<{term}>"


def _chain_pattern(steps: list[tuple[str, bool]]) -> str:
    """Triple patterns ?x0 -> ?xn for a chain of (property, inverted) steps."""
    parts = []
    for i, (prop, inverted) in enumerate(steps):
        a, b = f"?x{i}", f"?x{i + 1}"
        parts.append(f"{b} {_iri(prop)} {a} ." if inverted else f"{a} {_iri(prop)} {b} .")
    return " ".join(parts)


def _chain_steps(onto: rdflib.Graph, head) -> list[tuple[str, bool]] | None:
    steps = []
    for item in Collection(onto, head):
        if isinstance(item, rdflib.URIRef):
            steps.append((str(item), False))
            continue
        inverse = onto.value(item, OWL.inverseOf)
        if not isinstance(inverse, rdflib.URIRef):
            return None  # a chain step we cannot express; HermiT still checks it
        steps.append((str(inverse), True))
    return steps


def _rule(axiom: str, head: str, body: str) -> Rule:
    return Rule(axiom, f"CONSTRUCT {{ {head} }} WHERE {{ {body} }}")


def rules_from_ontology(onto: rdflib.Graph) -> list[Rule]:
    """The rules for sub-classes, sub-properties, inverses, symmetry, transitivity and chains.

    Sorted, so that materialisation does the same work in the same order every time.
    """
    rules: list[Rule] = []

    def add(axiom: str, head: str, body: str) -> None:
        rules.append(_rule(axiom, head, body))

    def named(*terms) -> bool:
        return all(isinstance(t, rdflib.URIRef) for t in terms)

    for c, d in onto.subject_objects(RDFS.subClassOf):
        if named(c, d):
            add(f"{c} subClassOf {d}", f"?x a {_iri(d)}", f"?x a {_iri(c)}")
    for c, d in onto.subject_objects(OWL.equivalentClass):
        if named(c, d):
            add(f"{c} equivalentClass {d}", f"?x a {_iri(d)}", f"?x a {_iri(c)}")
            add(f"{d} equivalentClass {c}", f"?x a {_iri(c)}", f"?x a {_iri(d)}")
    for p, q in onto.subject_objects(RDFS.subPropertyOf):
        if named(p, q):
            add(f"{p} subPropertyOf {q}", f"?s {_iri(q)} ?o", f"?s {_iri(p)} ?o")
    for p, q in onto.subject_objects(OWL.equivalentProperty):
        if named(p, q):
            add(f"{p} equivalentProperty {q}", f"?s {_iri(q)} ?o", f"?s {_iri(p)} ?o")
            add(f"{q} equivalentProperty {p}", f"?s {_iri(p)} ?o", f"?s {_iri(q)} ?o")
    for p, q in onto.subject_objects(OWL.inverseOf):
        if named(p, q):
            add(f"{p} inverseOf {q}", f"?o {_iri(q)} ?s", f"?s {_iri(p)} ?o")
            add(f"{q} inverseOf {p}", f"?o {_iri(p)} ?s", f"?s {_iri(q)} ?o")
    for p in onto.subjects(RDF.type, OWL.SymmetricProperty):
        if named(p):
            add(f"{p} a SymmetricProperty", f"?o {_iri(p)} ?s", f"?s {_iri(p)} ?o")
    for p in onto.subjects(RDF.type, OWL.TransitiveProperty):
        if named(p):
            add(f"{p} a TransitiveProperty", f"?a {_iri(p)} ?c", f"?a {_iri(p)} ?b . ?b {_iri(p)} ?c")
    for p, head in onto.subject_objects(OWL.propertyChainAxiom):
        steps = _chain_steps(onto, head)
        if named(p) and steps:
            shown = " o ".join(("inverse " if inv else "") + s for s, inv in steps)
            add(f"{p} propertyChain {shown}", f"?x0 {_iri(p)} ?x{len(steps)}", _chain_pattern(steps))
    unique = {r.construct: r for r in rules}
    return sorted(unique.values(), key=lambda r: r.axiom)


def materialise(asserted: list[ox.Triple], rules: list[Rule]) -> list[ox.Triple]:
    """The triples the rules entail beyond `asserted`, to a fixpoint, sorted for determinism."""
    store = ox.Store()
    store.bulk_extend([ox.Quad(t.subject, t.predicate, t.object) for t in asserted])
    known = {(t.subject, t.predicate, t.object) for t in asserted}
    inferred: dict[tuple, ox.Triple] = {}
    pending = list(rules)
    while pending:
        touched: set[str] = set()  # predicates, and classes of rdf:type triples, that got new triples
        for rule in pending:
            fresh = []
            for t in store.query(rule.construct):
                key = (t.subject, t.predicate, t.object)
                if key not in known:
                    known.add(key)
                    inferred[key] = t
                    fresh.append(ox.Quad(t.subject, t.predicate, t.object))
                    touched.add(t.predicate.value)
                    if t.predicate.value == _RDF_TYPE and isinstance(t.object, ox.NamedNode):
                        touched.add(t.object.value)
            store.extend(fresh)
        pending = [r for r in rules if r.triggers & touched]
    return sorted(inferred.values(), key=str)


# --- HermiT consistency check -------------------------------------------------------------

_UNSUPPORTED_BY_HERMIT = {rdflib.XSD.date, rdflib.XSD.gYearMonth, rdflib.XSD.gYear}


def reasoning_copy(onto: rdflib.Graph, data: rdflib.Graph) -> rdflib.Graph:
    """What HermiT gets: the ontology and the data without literals.

    HermiT rejects xsd:date literals (see FACTS.md). No owl:AllDifferent is added: HermiT turns
    one over n individuals into n^2 inequalities and ran out of memory at 30,000 triples, so
    the unique-name side of functional properties is checked in SPARQL instead
    (shapes/sparql/functional-property-violation.rq).
    """
    copy = rdflib.Graph()
    for s, p, o in onto:
        if p == RDFS.range and o in _UNSUPPORTED_BY_HERMIT:
            continue
        copy.add((s, p, o))
    for s, p, o in data:
        if not isinstance(o, rdflib.Literal):
            copy.add((s, p, o))
    return copy


def run_hermit(onto: rdflib.Graph, data: rdflib.Graph, *, infer_values: bool = False):
    """Run HermiT through owlready2 on the reasoning copy; returns the owlready2 World.

    Raises InconsistentError (with culprits found by `explain_inconsistency`) or
    ReasonerUnavailable when Java is missing or the reasoner fails to run.
    """
    # owlready2 takes 30 ms to import: only a build with the reasoner pays for it, not `kg --help`.
    import owlready2

    if shutil.which(owlready2.JAVA_EXE) is None:
        raise ReasonerUnavailable(
            f"no Java runtime ({owlready2.JAVA_EXE!r} not found): the HermiT reasoner needs one; "
            "`make setup` installs Debian's default-jre-headless"
        )
    with tempfile.TemporaryDirectory(prefix="kg-reason-") as tmp:
        path = Path(tmp) / "copy.nt"
        reasoning_copy(onto, data).serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        world.get_ontology(path.as_uri()).load()
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=infer_values, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            raise InconsistentError(explain_inconsistency(onto, data)) from None
        except owlready2.OwlReadyJavaError as e:
            raise ReasonerUnavailable(f"the HermiT reasoner failed: {e}") from None
    return world


def check_consistency(onto: rdflib.Graph, data: rdflib.Graph) -> None:
    """HermiT's verdict on the ontology with the data's class and object-property assertions."""
    run_hermit(onto, data)


def hermit_object_property_values(onto: rdflib.Graph, data: rdflib.Graph) -> set[tuple[str, str, str]]:
    """Every (subject, property, object) of our object properties that HermiT derives or is given."""
    world = run_hermit(onto, data, infer_values=True)
    found = set()
    for prop in world.object_properties():
        for s, o in prop.get_relations():
            if hasattr(s, "iri") and hasattr(o, "iri"):
                found.add((s.iri, prop.iri, o.iri))
    # owlready2 keeps an inferred value only where no sub-property (or the inverse of one) already
    # holds it (dzo:country entails dzo:actsFor, but it lists the former alone), so the values of
    # super-properties and inverses are added back, to a fixpoint: HermiT entails them all.
    supers = {str(p): {str(q) for q in onto.transitive_objects(p, RDFS.subPropertyOf) if q != p}
              for p in onto.subjects(RDFS.subPropertyOf, None) if isinstance(p, rdflib.URIRef)}
    inverses: dict[str, set[str]] = {}
    for p, q in onto.subject_objects(OWL.inverseOf):
        if isinstance(p, rdflib.URIRef) and isinstance(q, rdflib.URIRef):
            inverses.setdefault(str(p), set()).add(str(q))
            inverses.setdefault(str(q), set()).add(str(p))
    closed, new = set(found), set(found)
    while new:
        implied = {(s, q, o) for s, p, o in new for q in supers.get(p, ())}
        implied |= {(o, q, s) for s, p, o in new for q in inverses.get(p, ())}
        new = implied - closed
        closed |= new
    return {t for t in closed if t[1].startswith(str(DZO))}


_EXPLAIN_QUERIES = {
    "disjoint classes": """
        SELECT DISTINCT ?x ?c1 ?c2 WHERE {
          { ?c1 owl:disjointWith ?c2 }
          UNION
          { ?d a owl:AllDisjointClasses ; owl:members ?l .
            ?l rdf:rest*/rdf:first ?c1 . ?l rdf:rest*/rdf:first ?c2 . FILTER(?c1 != ?c2) }
          ?x a ?c1 , ?c2 .
          FILTER(STR(?c1) < STR(?c2))
        } ORDER BY ?x ?c1 ?c2""",
    "functional property": """
        SELECT DISTINCT ?x ?p ?a ?b WHERE {
          ?p a owl:FunctionalProperty .
          ?x ?p ?a , ?b . FILTER(STR(?a) < STR(?b))
        } ORDER BY ?x ?p""",
}


def explain_inconsistency(onto: rdflib.Graph, data: rdflib.Graph) -> list[str]:
    """Name the individuals and axioms behind an inconsistency (owlready2's message is empty).

    Types are closed under the ontology's rules and rdfs:domain/range first, so a property used
    on an individual of a class disjoint with its domain or range shows as a class clash.
    """
    triples = graph_triples(data)
    rules = rules_from_ontology(onto)
    domain_range = [
        _rule(f"{p} domain {c}", f"?s a {_iri(c)}", f"?s {_iri(p)} ?o")
        for p, c in onto.subject_objects(RDFS.domain) if isinstance(c, rdflib.URIRef)
    ] + [
        _rule(f"{p} range {c}", f"?o a {_iri(c)}", f"?s {_iri(p)} ?o . FILTER(!isLiteral(?o))")
        for p, c in onto.subject_objects(RDFS.range)
        if isinstance(c, rdflib.URIRef) and (c, RDF.type, OWL.Class) in onto
    ]
    closed = triples + materialise(triples, rules + domain_range)
    store = ox.Store()
    store.bulk_extend([ox.Quad(t.subject, t.predicate, t.object) for t in closed + graph_triples(onto)])
    prologue = sparql_prologue(["owl", "rdf"])
    found = []
    for row in store.query(prologue + _EXPLAIN_QUERIES["disjoint classes"]):
        found.append(f"{row['x'].value} is both a {short(row['c1'].value)} and a {short(row['c2'].value)}, "
                     "which the ontology declares disjoint")
    for row in store.query(prologue + _EXPLAIN_QUERIES["functional property"]):
        found.append(f"{row['x'].value} has two values of the functional property {short(row['p'].value)}: "
                     f"{row['a'].value} and {row['b'].value}")
    return found

