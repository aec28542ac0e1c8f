"""Our SHACL shapes compiled to SPARQL SELECTs, so that large graphs are validated inside the
store (pyshacl holds everything in Python objects and does not finish on a million triples).

Covers the constraint components the shapes use; anything else raises NotImplementedError, so a
new kind of constraint cannot be skipped silently. tests/build/test_shacl_sparql.py checks that the
compiled queries find exactly the focus nodes pyshacl finds.
"""
from __future__ import annotations

from dataclasses import dataclass

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF

from kg.namespaces import SH, short

_PROLOGUE = (
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)
_HANDLED = {SH.path, SH.message, SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.nodeKind,
            SH.pattern, SH.disjoint, SH.lessThanOrEquals, SH.uniqueLang, SH.languageIn, SH.name,
            SH.description, SH.severity, SH.qualifiedValueShape, SH.qualifiedMinCount}
_NODE_HANDLED = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property, SH["or"], SH.xone,
                 SH.message, RDF.type, rdflib.RDFS.comment}


@dataclass(frozen=True)
class CompiledRule:
    """One constraint of one shape as a SELECT of ?node ?reason."""

    rule: str
    query: str


_XSD = "http://www.w3.org/2001/XMLSchema#"
_WELL_FORMED = {
    _XSD + "nonNegativeInteger": f"<{_XSD}integer>(STR(?v)) >= 0",
    _XSD + "positiveInteger": f"<{_XSD}integer>(STR(?v)) >= 1",
    _XSD + "date": f"<{_XSD}date>(STR(?v)) = <{_XSD}date>(STR(?v))",
}
"""A test that raises an error (so COALESCE gives false) on an ill-formed literal of the type."""
_INTEGERS = {_XSD + "nonNegativeInteger", _XSD + "positiveInteger"}


def _iri(term) -> str:
    return f"<{term}>"


def _str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _target(shapes: rdflib.Graph, node) -> str:
    parts = []
    for c in shapes.objects(node, SH.targetClass):
        parts.append(f"{{ ?node rdf:type {_iri(c)} }}")
    for p in shapes.objects(node, SH.targetSubjectsOf):
        parts.append(f"{{ ?node {_iri(p)} ?any }}")
    for p in shapes.objects(node, SH.targetObjectsOf):
        parts.append(f"{{ ?any {_iri(p)} ?node }}")
    if not parts:
        raise NotImplementedError(f"shape {node} has no target we can compile")
    return "SELECT DISTINCT ?node WHERE { " + " UNION ".join(parts) + " }"


def _select(target: str, condition: str, reason: str) -> str:
    return f"{_PROLOGUE}SELECT DISTINCT ?node ?reason WHERE {{ {{ {target} }} {condition} BIND({_str(reason)} AS ?reason) }}"


def _value_conditions(shapes: rdflib.Graph, prop, path: str) -> list[str]:
    """FILTER clauses that hold when some value ?v of the path breaks a value constraint."""
    out = []
    datatype = shapes.value(prop, SH.datatype)
    if datatype is not None:
        well_formed = _WELL_FORMED.get(str(datatype), "true")
        # pyoxigraph's Store keeps derived integer types as xsd:integer, so both are accepted
        # there, with the range checked on the value.
        accepted = _iri(datatype) + (f", <{_XSD}integer>" if str(datatype) in _INTEGERS else "")
        out.append(f"FILTER EXISTS {{ ?node {path} ?v . FILTER(!isLiteral(?v) || DATATYPE(?v) NOT IN ({accepted}) "
                   f"|| !COALESCE({well_formed}, false)) }}")
    cls = shapes.value(prop, SH["class"])
    if cls is not None:
        # MINUS, not a nested FILTER NOT EXISTS: the instances of the class are found once and
        # dropped, instead of a path walked for every value (at 1M triples: see benchmarks/README).
        out.append(f"?node {path} ?v . MINUS {{ ?v rdf:type/rdfs:subClassOf* {_iri(cls)} }}")
    kind = shapes.value(prop, SH.nodeKind)
    if kind is not None:
        if kind != SH.IRI:
            raise NotImplementedError(f"sh:nodeKind {kind}")
        out.append(f"FILTER EXISTS {{ ?node {path} ?v . FILTER(!isIRI(?v)) }}")
    pattern = shapes.value(prop, SH.pattern)
    if pattern is not None:
        out.append(f"FILTER EXISTS {{ ?node {path} ?v . FILTER(isBlank(?v) || !REGEX(STR(?v), {_str(str(pattern))})) }}")
    other = shapes.value(prop, SH.disjoint)
    if other is not None:
        out.append(f"FILTER EXISTS {{ ?node {path} ?v . ?node {_iri(other)} ?v }}")
    other = shapes.value(prop, SH.lessThanOrEquals)
    if other is not None:
        out.append(f"FILTER EXISTS {{ ?node {path} ?v . ?node {_iri(other)} ?w . FILTER(!(?v <= ?w)) }}")
    if shapes.value(prop, SH.uniqueLang) == rdflib.Literal(True):
        out.append(f"FILTER EXISTS {{ ?node {path} ?v , ?w . FILTER(?v != ?w && LANG(?v) != \"\" && LANG(?v) = LANG(?w)) }}")
    langs = shapes.value(prop, SH.languageIn)
    if langs is not None:
        allowed = ", ".join(_str(str(x)) for x in Collection(shapes, langs))
        out.append(f"FILTER EXISTS {{ ?node {path} ?v . FILTER(!isLiteral(?v) || LANG(?v) NOT IN ({allowed})) }}")
    return out


def _count_conditions(shapes: rdflib.Graph, prop, path: str) -> list[str]:
    out = []
    low, high = shapes.value(prop, SH.minCount), shapes.value(prop, SH.maxCount)
    if low is not None:
        out.append(f"FILTER(?n < {int(low)})")
    if high is not None:
        out.append(f"FILTER(?n > {int(high)})")
    counted = [f"{{ SELECT ?node (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {{ {{TARGET}} }} OPTIONAL {{ ?node {path} ?v }} }} GROUP BY ?node }} {c}"
               for c in out]
    qualified = shapes.value(prop, SH.qualifiedValueShape)
    if qualified is not None:
        # Only the form the shapes use: at least N values in given languages (one English label
        # among labels in several languages).
        if set(shapes.predicates(qualified)) != {SH.languageIn} or shapes.value(prop, SH.qualifiedMinCount) is None:
            raise NotImplementedError("sh:qualifiedValueShape other than sh:languageIn with sh:qualifiedMinCount")
        allowed = ", ".join(_str(str(x)) for x in Collection(shapes, shapes.value(qualified, SH.languageIn)))
        low = int(shapes.value(prop, SH.qualifiedMinCount))
        counted.append(f"{{ SELECT ?node (COUNT(DISTINCT ?q) AS ?n) WHERE {{ {{ {{TARGET}} }} OPTIONAL {{ ?node {path} ?q "
                       f"FILTER(isLiteral(?q) && LANG(?q) IN ({allowed})) }} }} GROUP BY ?node }} FILTER(?n < {low})")
    return counted


def _property_rules(shapes: rdflib.Graph, node, target: str) -> list[CompiledRule]:
    rules = []
    for prop in shapes.objects(node, SH.property):
        unknown = set(shapes.predicates(prop)) - _HANDLED
        if unknown:
            raise NotImplementedError(f"constraints {sorted(map(str, unknown))} of {rule_name(prop, shapes)}")
        path = shapes.value(prop, SH.path)
        if not isinstance(path, rdflib.URIRef):
            raise NotImplementedError("only predicate paths are compiled")
        name = rule_name(prop, shapes)
        message = str(shapes.value(prop, SH.message) or name)
        for condition in _value_conditions(shapes, prop, _iri(path)):
            rules.append(CompiledRule(name, _select(target, condition, message)))
        for condition in _count_conditions(shapes, prop, _iri(path)):
            rules.append(CompiledRule(name, _select(target, condition.replace("{TARGET}", target), message)))
    return rules


def _alternative(shapes: rdflib.Graph, member) -> str:
    """A group pattern that holds when ?node conforms to one member of sh:or / sh:xone."""
    path, low, cls = shapes.value(member, SH.path), shapes.value(member, SH.minCount), shapes.value(member, SH["class"])
    if path is not None and low is not None and int(low) == 1 and cls is None:
        return f"EXISTS {{ ?node {_iri(path)} ?x }}"
    if path is None and cls is not None:
        return f"EXISTS {{ ?node rdf:type/rdfs:subClassOf* {_iri(cls)} }}"
    raise NotImplementedError(f"sh:or/sh:xone member {member}")


def _node_rules(shapes: rdflib.Graph, node, target: str) -> list[CompiledRule]:
    rules = []
    message = str(shapes.value(node, SH.message) or rule_name(node, shapes))
    alternatives = shapes.value(node, SH["or"])
    if alternatives is not None:
        tests = [_alternative(shapes, m) for m in Collection(shapes, alternatives)]
        rules.append(CompiledRule(rule_name(node, shapes), _select(target, f"FILTER(!({' || '.join(tests)}))", message)))
    alternatives = shapes.value(node, SH.xone)
    if alternatives is not None:
        tests = [f"IF({_alternative(shapes, m)}, 1, 0)" for m in Collection(shapes, alternatives)]
        rules.append(CompiledRule(rule_name(node, shapes), _select(target, f"FILTER(({' + '.join(tests)}) != 1)", message)))
    return rules



def rule_name(shape, shapes: rdflib.Graph) -> str:
    """How reports name a shape: its IRI, or <node shape>/<path> for a property shape."""
    if isinstance(shape, rdflib.URIRef):
        return short(str(shape))
    # a property shape: name it after its node shape and path
    parent = shapes.value(None, SH.property, shape)
    path = shapes.value(shape, SH.path)
    return f"{short(str(parent))}/{short(str(path))}" if isinstance(parent, rdflib.URIRef) else "shape"


def compile_shapes(shapes: rdflib.Graph) -> list[CompiledRule]:
    """Every constraint of every node shape, compiled."""
    rules = []
    for node in sorted(shapes.subjects(RDF.type, SH.NodeShape)):
        unknown = set(shapes.predicates(node)) - _NODE_HANDLED
        if unknown:
            raise NotImplementedError(f"constraints {sorted(map(str, unknown))} of {node}")
        target = _target(shapes, node)
        rules += _property_rules(shapes, node, target) + _node_rules(shapes, node, target)
    return rules
