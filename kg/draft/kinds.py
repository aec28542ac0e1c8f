"""Event kinds from what a sentence says: words (ambushed, struck, captured, withdrew, arrested,
protested ...) -> one of our event classes, which the ontology maps to ACLED's event and sub-event
types. Each hit keeps the words that decided it, for the review file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import rdflib

from kg.namespaces import DZO, RDFS


@dataclass(frozen=True)
class Rule:
    """Words that make an event of `kind`; the higher `rank` wins when a clause has several.
    `verbal` rules can open a second event in a sentence ("engaged ... and sent reinforcements")."""

    kind: str
    rank: int
    pattern: re.Pattern
    verbal: bool = True


def _rule(kind: str, rank: int, words: str, verbal: bool = True) -> Rule:
    return Rule(kind, rank, re.compile(rf"\b(?:{words})\b", re.I), verbal)


RULES: tuple[Rule, ...] = (
    _rule("Announcement", 95, r"announc\w+|declared"),
    _rule("ExplosiveDeviceAttack", 90, r"IEDs?|improvised explosive\w*|(?:road |land ?)?land ?mines?|landmines?|"
                                       r"roadside bombs?|car bombs?|VBIEDs?|explosive devices?|detonat\w+|suicide bomb\w*"),
    _rule("Ambush", 88, r"ambush(?:ed|es|ing)?"),
    _rule("ShellingAttack", 85, r"shell(?:ed|ing)|artillery|rockets?|missiles?|mortars?|barrages?"),
    _rule("AirOrDroneStrike", 80, r"air ?strikes?|airstrikes?|drone strikes?|air raids?|aerial (?:bombardment|attacks?)|"
                                  r"warplanes?|strikes?|struck|bombed|bombard\w+"),
    _rule("Protest", 80, r"protest(?:s|ed|ers|ing)?|demonstrat(?:ed|ions?|ors?)|rall(?:y|ies|ied)"),
    _rule("Defection", 78, r"defect\w*|pledged allegiance|pledges allegiance|switched sides"),
    _rule("Arrest", 75, r"arrest(?:ed|s|ing)?|detain(?:ed|ing|s)?|apprehend\w*"),
    _rule("TransferOfTerritory", 74, r"hand(?:ed|s|ing)? over|handover|transferred|ceded|"
                                     r"resulted in (?:full |complete )?(?:[\w–-]+ ){0,2}control"),
    _rule("Withdrawal", 72, r"withdr[ae]w\w*|withdrawal|withdrawing|pull(?:ed|s|ing)? (?:back|out)|"
                            r"retreat(?:ed|s|ing)?|evacuat\w+|relocat\w+"),
    _rule("CaptureOfTerritory", 70, r"captur(?:ed|e|es|ing)|seiz(?:ed|e|es|ing)|(?:took|take|taken|takes|gained|seized) "
                                    r"(?:full |complete |total )?control|took over|retook|recaptur\w+|reclaim\w*|"
                                    r"overr[au]n|liberat\w+|advance[sd]? into|fell to"),
    _rule("BaseEstablished", 68, r"(?:establish\w*|set up|set-up|erected|built) (?:new |several |a |an )?"
                                 r"(?:[\w-]+ ){0,2}(?:checkpoints?|bases?|headquarters|outposts?|posts?)"),
    _rule("LiveFireExercise", 66, r"live[- ](?:fire|ammunition) (?:[\w-]+ ){0,2}(?:exercises?|drills?|training)|"
                                  r"(?:exercises?|drills?) (?:with|using) live (?:ammunition|fire|rounds)"),
    _rule("MilitaryExercise", 65, r"exercises?|drills?|training|manoeuvres?|maneuvers?"),
    _rule("ArmedClash", 60, r"launch(?:ed|es|ing)? (?:an? |its |their |a new |the )?(?:[\w-]+ ){0,3}"
                            r"(?:offensive|campaign)"),
    _rule("Deployment", 50, r"reinforcements?|reinforc(?:ed|ing)|deploy(?:ed|ing|s|ment)|redeploy\w*|consolidat\w+|"
                            r"expanded (?:its |their )?(?:military )?presence|mobili[sz]\w+|"
                            r"sent (?:additional |more |new )?(?:troops|forces|reinforcements)"),
    _rule("ArmedClash", 40, r"clash(?:ed|es)?|attack(?:ed|s|ing)?|fought|fighting|engag(?:ed|ing)|"
                            r"fir(?:ed|ing) (?:upon|on|at)|fired (?:automatic |heavy )?(?:weapons|shots|rounds)|firefights?|gunfights?|"
                            r"(?:armed )?confrontations?|assault(?:ed|s)?|raid(?:ed|s)?|battles?|storm(?:ed|ing)|"
                            r"target(?:ed|ing)|opened fire|skirmish\w*|encounter"),
    _rule("ArmedClash", 30, r"killed|killing|kills", verbal=False),
)
"""The rules, most telling first. A campaign is a grouping event, not an incident: the launch of
an offensive that a sentence reports is an armed clash, the incident that opens it (`LAUNCH`)."""

LAUNCH = re.compile(r"\blaunch(?:ed|es|ing)? (?:an? |its |their |a new |the )?(?:[\w-]+ ){0,3}(?:offensive|campaign)\b",
                    re.I)
"""The opening of an offensive or campaign: the incident points to the grouping event it opens."""

CIVILIANS = re.compile(r"\b(civilians?|drivers?|residents?|villagers?|farmers?|shepherds?|children|women|"
                       r"worshippers|passers-by|journalists?|aid workers?)\b", re.I)
"""Victims who make an attack an attack on civilians when no armed party is its target."""

NOT_AN_EVENT = re.compile(r"\b(?:was|were|is|are) (?:responsible|known|believed|said to be|part) (?:for|as|to|of)\b|"
                          r"\bwould be known as\b|\b(?:a|long|another) (?:series|wave|string|spate) of\b", re.I)
"""Sentences that describe rather than report: "the emir was responsible for several bombings",
"what followed was a long series of attacks"."""


@dataclass(frozen=True)
class Hit:
    """Where a rule fired in a sentence."""

    kind: str
    rank: int
    start: int
    end: int
    words: str
    verbal: bool


def hits(sentence: str) -> list[Hit]:
    """Every rule hit in the sentence, in order of position, overlaps resolved by rank."""
    found: list[Hit] = []
    for rule in RULES:
        for m in rule.pattern.finditer(sentence):
            found.append(Hit(rule.kind, rule.rank, m.start(), m.end(), m.group(0), rule.verbal))
    kept: list[Hit] = []
    for h in sorted(found, key=lambda h: (-h.rank, h.start)):
        if not any(h.start < k.end and k.start < h.end for k in kept):
            kept.append(h)
    return sorted(kept, key=lambda h: h.start)


def describes_only(sentence: str) -> bool:
    """True when the sentence describes someone or something rather than reporting an event."""
    return bool(NOT_AN_EVENT.search(sentence))


@cache
def acled_types(ontology: Path) -> dict[str, tuple[str, str]]:
    """Event class local name -> (ACLED event type, sub-event type), read from the ontology (the
    one place the mapping lives)."""
    g = rdflib.Graph()
    for path in sorted(ontology.glob("*.ttl")):
        g.parse(path, format="turtle")
    out = {}
    for cls in g.subjects(RDFS.subClassOf, None):
        sub = g.value(cls, DZO.acledSubEventType)
        if sub is not None and str(cls).startswith(str(DZO)):
            out[str(cls)[len(str(DZO)):]] = (str(g.value(cls, DZO.acledEventType) or ""), str(sub))
    return out
