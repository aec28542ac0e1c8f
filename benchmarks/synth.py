"""Synthetic conflict data in our ontology, at a chosen size, for benchmarks and scale tests.

Actors in unit hierarchies with support relations, places under governorates, events with
roles, casualty records and citations; participation follows a Zipf-like law (a few actors are
in most events), dates spread over years. Deterministic for a given seed.

    .venv/bin/python benchmarks/synth.py --triples 1000000 -o /tmp/synth-1m.nt
"""
from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pyoxigraph as ox

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # not benchmarks/ (its http.py)
from kg.namespaces import DZO, DZR  # noqa: E402

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DESCRIPTION = ox.NamedNode("http://purl.org/dc/terms/description")
XSD = "http://www.w3.org/2001/XMLSchema#"

EVENT_KINDS = ["AirOrDroneStrike", "ShellingAttack", "ExplosiveDeviceAttack", "ArmedClash", "Ambush",
               "AttackOnCivilians", "CaptureOfTerritory", "Withdrawal", "Protest", "Arrest", "Deployment"]
ACTOR_KINDS = ["NonStateArmedGroup", "Militia", "ArmedForce", "SecurityForce"]
PLACE_KINDS = ["Town", "Village", "City", "OilGasField", "MilitaryBase"]
SUPPORT_KINDS = ["AirSupport", "MilitarySupport", "ArtillerySupport", "GeneralBacking"]
EVENT_TRIPLES = 14
"""About how many triples one event brings with its casualty record and citation (for sizing)."""


def o(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(DZO[name]))


def r(slug: str) -> ox.NamedNode:
    return ox.NamedNode(str(DZR[slug]))


def lit(value, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype) if datatype else None)


def labelled(node, kind: str, label: str, cite) -> Iterator[ox.Triple]:
    yield ox.Triple(node, RDF_TYPE, o(kind))
    yield ox.Triple(node, LABEL, lit(label, lang="en"))
    yield ox.Triple(node, DESCRIPTION, lit(f"Synthetic {kind} {label}.", lang="en"))
    yield ox.Triple(node, o("citation"), cite)


def generate(target_triples: int, seed: int = 1) -> Iterator[ox.Triple]:
    """Triples of a synthetic conflict of about `target_triples` triples."""
    rnd = random.Random(seed)
    events = max(10, target_triples // EVENT_TRIPLES)
    n_actors = max(20, int(events ** 0.5) * 2)
    n_places = max(20, int(events ** 0.5) * 3)
    n_refs = max(10, events // 5)
    source = r("synth-source")
    yield ox.Triple(source, RDF_TYPE, o("Source"))
    yield ox.Triple(source, LABEL, lit("Synthetic source", lang="en"))
    refs = [r(f"synth-ref-{i}") for i in range(n_refs)]
    for i, ref in enumerate(refs):
        yield ox.Triple(ref, RDF_TYPE, o("Reference"))
        yield ox.Triple(ref, o("referenceNumber"), lit(i + 1, "positiveInteger"))
        yield ox.Triple(ref, o("referenceOf"), source)
    governorates = [r(f"synth-gov-{i}") for i in range(14)]
    for i, g in enumerate(governorates):
        yield from labelled(g, "Governorate", f"Governorate {i}", source)
    places = [r(f"synth-place-{i}") for i in range(n_places)]
    for i, p in enumerate(places):
        yield from labelled(p, rnd.choice(PLACE_KINDS), f"Place {i}", rnd.choice(refs))
        yield ox.Triple(p, o("locatedIn"), rnd.choice(governorates))
    actors = [r(f"synth-actor-{i}") for i in range(n_actors)]
    for i, a in enumerate(actors):
        yield from labelled(a, rnd.choice(ACTOR_KINDS) if i >= n_actors // 10 else "Coalition", f"Actor {i}", rnd.choice(refs))
        if i >= n_actors // 10:  # units under one of the earlier actors: hierarchies several levels deep
            yield ox.Triple(a, o("subUnitOf"), actors[rnd.randrange(max(1, i // 2), i) if i > 1 else 0])
    for i in range(n_actors // 2):
        rel = r(f"synth-support-{i}")
        supporter, supported = rnd.sample(actors, 2)
        yield ox.Triple(rel, RDF_TYPE, o("SupportRelation"))
        yield ox.Triple(rel, o("supporter"), supporter)
        yield ox.Triple(rel, o("supportedParty"), supported)
        yield ox.Triple(rel, o("supportKind"), o(rnd.choice(SUPPORT_KINDS)))
        start = date(2015, 1, 1) + timedelta(days=rnd.randrange(3000))
        yield ox.Triple(rel, o("startDate"), lit(start.isoformat(), "date"))
        yield ox.Triple(rel, o("endDate"), lit((start + timedelta(days=rnd.randrange(1, 900))).isoformat(), "date"))
        yield ox.Triple(rel, o("citation"), rnd.choice(refs))
    weights = [1.0 / (k + 1) for k in range(n_actors)]  # Zipf-like participation
    for i in range(events):
        e = r(f"synth-event-{i}")
        yield from labelled(e, rnd.choice(EVENT_KINDS), f"Event {i}", rnd.choice(refs))
        day = date(2015, 1, 1) + timedelta(days=rnd.randrange(3650))
        yield ox.Triple(e, o("date"), lit(day.isoformat(), "date"))
        yield ox.Triple(e, o("datePrecision"), o("DayPrecision"))
        yield ox.Triple(e, o("locationPrecision"), o("AtPlace"))
        agent, target = rnd.choices(actors, weights, k=2)
        yield ox.Triple(e, o("agent"), agent)
        if target != agent:
            yield ox.Triple(e, o("target"), target)
        yield ox.Triple(e, o("place"), rnd.choice(places))
        if rnd.random() < 0.6:
            c = r(f"synth-event-{i}-casualties")
            yield ox.Triple(c, RDF_TYPE, o("CasualtyRecord"))
            yield ox.Triple(c, o("casualtyEvent"), e)
            yield ox.Triple(c, o("casualtyParty"), target)
            yield ox.Triple(c, o("killed"), lit(rnd.randrange(0, 12), "nonNegativeInteger"))
            yield ox.Triple(c, o("injured"), lit(rnd.randrange(0, 20), "nonNegativeInteger"))
            yield ox.Triple(c, o("figureQualifier"), o("Exact"))
            yield ox.Triple(c, o("citation"), rnd.choice(refs))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--triples", type=int, default=10_000, help="about how many triples (default 10000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("-o", "--output", required=True, help="file to write (.nt, .ttl or .nq by extension)")
    args = p.parse_args()
    out = Path(args.output)
    fmt = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE}.get(out.suffix, ox.RdfFormat.N_TRIPLES)
    count = 0

    def counted():
        nonlocal count
        for t in generate(args.triples, args.seed):
            count += 1
            yield t

    ox.serialize(counted(), str(out), format=fmt)
    print(f"wrote {count} triples to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
