"""Incidents from an article: each sentence's date, kind, agents, targets, places with how precisely
they are known, casualty figures, and the grouping event a reported launch opens, by rules over the
sentence and its neighbours, with the reasons kept for the reviewer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from kg.draft import dates, kinds, numbers
from kg.draft.match import Gazetteer, Mention, short_iri
from kg.draft.text import Article, Sentence

NO_TARGET = {"Withdrawal", "Deployment", "MilitaryExercise", "BaseEstablished", "Announcement", "Defection",
             "TransferOfTerritory"}
"""Kinds whose actors are all doers: nobody is the target of an exercise or a withdrawal."""

_SUBORDINATE = re.compile(r"\b(?:following|after|amid)\s+(?:the|an?|their|its|his|her)\b[^,;]*", re.I)
_ANAPHORA = re.compile(r"^\s*(?:(?:While|As|When|Although)\s+)?(?:They|It|He|She|(?:[Tt]he|[Tt]hese|[Tt]his|[Tt]hose|[Tt]hat|Such)\s+(?!first\b)[a-z][\w-]*(?:\s+[a-z][\w-]*)?)\b")
_MORE = re.compile(r"^\s*(?:Additional|Further|More|Other|Subsequent)\s+(?:operations|strikes|attacks|raids|shelling)\b")
_ENUMERATION = re.compile(r"^\s*(?:The first|In the first|First,)\b")
_PASSIVE = re.compile(r"\b(?:was|were|been|being)\s+(?:\w+ly\s+)?(?:killed|wounded|injured|attacked|targeted|hit|"
                      r"struck|arrested|detained|captured|ambushed|shelled|bombed)\b", re.I)
_SUPPORT = re.compile(r"^\s*(?:supported|backed|assisted|aided)\s+by\b|^\s*with the (?:support|backing) of\b", re.I)
_AIR = re.compile(r"\b(?:aircraft|warplanes?|jets?|drones?|helicopters?|air forces?)\b", re.I)
_COUNT = re.compile(r"\b(?P<n>two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+(?:[\w-]+\s+){0,2}$", re.I)
_ANOTHER = re.compile(r"\band\s+another\b", re.I)
_DIRECTION = r"(?:north|south|east|west|north-east|north-west|south-east|south-west)"
_NEAR = re.compile(rf"\b(?:near|nearby|close to|around|outside|(?:outskirts|vicinity|edge|{_DIRECTION})\s+of)\s+"
                   r"(?:(?:the|its|their|his|her)\s+)?(?:(?:towns?|villages?|cit(?:y|ies)|areas?)\s+(?:of\s+)?)?$", re.I)
"""What puts an event near a place rather than at it: "near the towns of", "the outskirts of", "east of"."""
_LOCATED_BY = re.compile(rf"\b{_DIRECTION}\s+of\s+(?:the\s+)?$|\b(?:bank|side|banks|shore)\s+of\s+(?:the\s+)?$", re.I)
_AREA_TYPES = ("Region", "Governorate", "Desert", "Country", "District")
"""Places that are only a larger area: an event placed in them alone is known to the region."""
_AREA_WORDS = re.compile(r"\b(?:desert|region|governorate|province|countryside|area|valley|border|countryside)s?\b", re.I)
AT, NEAR, REGION, UNSTATED = "at", "near", "region", "unstated"
"""How precisely an event's place is known (dzo:AtPlace, dzo:NearPlace, dzo:InRegion, dzo:PlaceUnstated)."""


@dataclass
class Casualty:
    """A figure of the event, with the party it counts (None when the sentence does not say)."""

    figure: numbers.Figure
    party: Mention | None


@dataclass
class DraftEvent:
    """One proposed event; `start`/`end` index the article's text (the sentence it came from)."""

    kind: str
    date: dates.DateValue
    sentence: Sentence
    trigger: str
    agents: list[Mention] = field(default_factory=list)
    targets: list[Mention] = field(default_factory=list)
    places: list[Mention] = field(default_factory=list)
    origins: list[Mention] = field(default_factory=list)
    destinations: list[Mention] = field(default_factory=list)
    to_party: list[Mention] = field(default_factory=list)
    casualties: list[Casualty] = field(default_factory=list)
    status: str = ""
    reasons: list[str] = field(default_factory=list)
    copy: tuple[int, int] = (1, 1)
    location: str = UNSTATED
    part_of: Mention | None = None
    """For the launch of an offensive: the grouping event it opens (iri None: one the graph lacks)."""

    @property
    def start(self) -> int:
        return self.sentence.start

    @property
    def end(self) -> int:
        return self.sentence.end

    @property
    def refs(self) -> tuple[str, ...]:
        return self.sentence.refs

    def total(self, what: str) -> int | None:
        counts = [c.figure.count for c in self.casualties if c.figure.what == what and c.figure.count is not None]
        return sum(counts) if counts else None

    def note(self, what: str) -> str:
        return next((c.figure.note for c in self.casualties if c.figure.what == what and c.figure.note), "")


def _blank(text: str, spans) -> str:
    out = list(text)
    for a, b in spans:
        out[a:b] = " " * (b - a)
    return "".join(out)


def _unique(mentions: list[Mention]) -> list[Mention]:
    seen, out = set(), []
    for m in mentions:
        key = m.iri or m.words.lower()
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


class Extractor:
    """Walks an article's sentences in order, keeping the context they lean on: the date before,
    the previous event (for "they", "the militias", "additional operations")."""

    def __init__(self, article: Article, gazetteer: Gazetteer, year: int):
        self.article = article
        self.gaz = gazetteer
        self.timeline = dates.Timeline(year)
        self.events: list[DraftEvent] = []
        self.upcoming = self._absolute_dates(year)

    def _absolute_dates(self, year: int) -> list[list[date]]:
        """For each sentence, the dates written in full in the sentences after it (a first pass)."""
        timeline, per = dates.Timeline(year), []
        for s in self.article.sentences:
            per.append([v.start for m, v in timeline.read(s.clean, s.paragraph) if m.absolute])
        return [[d for later in per[i + 1:] for d in later] for i in range(len(per))]

    def run(self) -> list[DraftEvent]:
        sentences = self.article.sentences
        for i, s in enumerate(sentences):
            following = sentences[i + 1] if i + 1 < len(sentences) else None
            self._sentence(s, i, following)
        return self.events

    # -- one sentence --------------------------------------------------------------------------

    def _sentence(self, s: Sentence, i: int, following: Sentence | None) -> None:
        anchor_before = self.timeline.anchor
        written = self.timeline.read(s.clean, s.paragraph)
        when = self._date_of(s, written, i)
        if when is None or kinds.describes_only(s.clean):
            return
        mentions = self.gaz.find(s.clean)
        masked = _blank(s.clean, [(m.start, m.end) for m in mentions if not m.new])
        hits = kinds.hits(masked)
        previous = self.events[-1] if self.events and self.events[-1].sentence.paragraph == s.paragraph else None
        hits = [h for h in hits if not self._refers_back(s.clean, h, previous)]
        if not hits:
            self._continue(s, mentions, previous)
            return
        if following is not None and _ENUMERATION.search(following.clean) and following.paragraph == s.paragraph:
            return  # "two separate attacks ... The first ...": the sentences after it tell each one
        subordinate = [m.span() for m in _SUBORDINATE.finditer(s.clean)]
        main = [h for h in hits if not any(a <= h.start < b for a, b in subordinate)]
        for group, clause in self._groups(s.clean, main):
            self._event(s, group, clause, mentions, when, previous, subordinate)
        for a, b in subordinate:
            sub = [h for h in hits if a <= h.start < b]
            if sub and main:
                self._subordinate(s, sub, (a, b), mentions, anchor_before, when)

    def _date_of(self, s: Sentence, written, i: int) -> dates.DateValue | None:
        days = [v for m, v in written if m.kind == "day"]
        if days:
            return days[0]
        if written:
            return written[0][1]
        return self.timeline.carried(s.clean, s.paragraph, self.upcoming[i])

    @staticmethod
    def _refers_back(text: str, hit: kinds.Hit, previous: DraftEvent | None) -> bool:
        """"The withdrawal encompassed ...", "These exercises generated ...": the sentence goes on
        about the event before it, it does not report a new one."""
        if previous is None:
            return False
        opening = re.match(r"\s*(?:(?:While|As|When|Although)\s+)?(?:the|these|this|those|that)\s+(?:[\w-]+\s+)?$",
                           text[:hit.start], re.I)
        return bool(opening) and (hit.kind == previous.kind or hit.rank <= 40)

    def _continue(self, s: Sentence, mentions: list[Mention], previous: DraftEvent | None) -> None:
        """A sentence with no event of its own that opens by referring back adds its places and
        figures to the event before it, when that event lacks them."""
        if previous is None or not _ANAPHORA.search(s.clean):
            return
        places = self._places(s.clean, [m for m in mentions if m.kind == "place"], (0, len(s.clean)), previous.kind)
        if places[0] and not previous.places:
            previous.places = self._prune(places[0])
            previous.reasons.append(f"places from the next sentence: {', '.join(m.reason() for m in previous.places)}")
            self._locate(previous, places[3], previous.reasons)
        figures = numbers.figures(s.clean)
        if figures and not previous.casualties:
            party = previous.targets[0] if previous.targets else None
            previous.casualties = [Casualty(f, party) for f in figures]
            previous.reasons.append("figures from the next sentence: " + ", ".join(
                f"'{s.clean[f.start:f.end]}'" for f in figures))

    def _groups(self, text: str, hits: list[kinds.Hit]):
        """Hits split into events: a new event starts at a verb of another kind joined by "and"
        ("engaged the fighters and sent reinforcements"); generic words join the event they are in."""
        groups: list[list[kinds.Hit]] = []
        for h in hits:
            if groups:
                last = groups[-1]
                between = text[last[-1].end:h.start]
                kinds_so_far = {x.kind for x in last if x.rank > 30}
                joined = re.search(r"\band\s+(?:[\w-]+\s+){0,2}$", between)
                if not (h.verbal and h.rank > 30 and joined and kinds_so_far and h.kind not in kinds_so_far
                        and max(x.rank for x in last) > 30):
                    last.append(h)
                    continue
            groups.append([h])
        spans = []
        for n, g in enumerate(groups):
            start = 0 if n == 0 else max(text.rfind(" and ", 0, g[0].start), 0)
            end = groups[n + 1][0].start if n + 1 < len(groups) else len(text)
            spans.append((g, (start, end)))
        return spans

    # -- one event -------------------------------------------------------------------------------

    def _event(self, s: Sentence, group: list[kinds.Hit], clause: tuple[int, int], mentions: list[Mention],
               when: dates.DateValue, previous: DraftEvent | None, subordinate) -> None:
        text = s.clean
        top = max(group, key=lambda h: h.rank)
        kind = top.kind
        reasons = [f"kind: '{top.words}' -> {kind}"]
        cs, ce = clause
        inside = [m for m in mentions if cs <= m.start < ce and not any(a <= m.start < b for a, b in subordinate)]
        actors = [m for m in inside if m.kind == "actor"]
        event = DraftEvent(kind, when, s, top.words)
        self._roles(event, text, top, actors, clause, previous, reasons)
        places = self._places(text, [m for m in inside if m.kind == "place"], clause, kind)
        event.places, event.origins, event.destinations = self._prune(places[0]), places[1], places[2]
        self._locate(event, places[3], reasons)
        if not event.places and previous and "agents from the sentence before" in " ".join(reasons) \
                and kind not in ("Defection", "Announcement"):
            event.places, event.location = list(previous.places), previous.location
            reasons.append("places from the sentence before (it goes on about the same actors)")
        self._figures(event, text, clause, actors, reasons)
        self._refine_kind(event, text, clause, reasons)
        if re.search(r"\bclaim(?:ed|s)?\b", text[cs:top.start], re.I):
            event.status = "claimed"
        elif re.search(r"\breportedly\b|\bwas reported\b|\bwere reported\b", text[cs:ce], re.I):
            event.status = "reported"
        if not (event.agents or event.targets or event.places):
            return
        if kinds.LAUNCH.search(text, cs, ce):
            self._opens(event, kinds.LAUNCH.search(text, cs, ce), reasons)
        reasons.insert(0, self._date_reason(when))
        event.reasons = reasons
        self.events.extend(self._copies(text, top, clause, event))

    def _copies(self, text: str, top: kinds.Hit, clause, event: DraftEvent) -> list[DraftEvent]:
        """"conducted four exercises at A, and another at B": four events at A and one at B."""
        m = _COUNT.search(text[clause[0]:top.start])
        n = numbers.to_int(m.group("n")) if m and top.words.lower().endswith("s") else None
        if not n or n > 12:
            return [event]
        another = _ANOTHER.search(text, top.end)
        out = []
        split = another.start() if another else len(text)
        here = [p for p in event.places if p.start < split]
        there = [p for p in event.places if p.start >= split]
        for k in range(n):
            e = self._clone(event, here or event.places, (k + 1, n))
            e.reasons = [*event.reasons, f"one of {n}: '{m.group(0).strip()} {top.words}'"]
            out.append(e)
        if another and there:
            e = self._clone(event, there, (1, 1))
            e.reasons = [*event.reasons, f"one more: '{text[another.start():another.end()]}'"]
            out.append(e)
        return out

    @staticmethod
    def _clone(event: DraftEvent, places: list[Mention], copy: tuple[int, int]) -> DraftEvent:
        return DraftEvent(event.kind, event.date, event.sentence, event.trigger, list(event.agents),
                          list(event.targets), list(places), list(event.origins), list(event.destinations),
                          list(event.to_party), list(event.casualties), event.status, list(event.reasons), copy,
                          event.location, event.part_of)

    def _subordinate(self, s: Sentence, hits, span, mentions, anchor_before, when) -> None:
        """"..., following the withdrawal of pro-government forces": an event before the sentence's
        own, dated from the date before the sentence to the sentence's date."""
        top = max(hits, key=lambda h: h.rank)
        a, b = span
        inside = [m for m in mentions if a <= m.start < b]
        actors = [m for m in inside if m.kind == "actor"]
        places = self._places(s.clean, [m for m in inside if m.kind == "place"], span, top.kind)
        if not actors and not places[0]:
            return
        start = anchor_before.start if anchor_before else when.start
        window = dates.DateValue(min(start, when.start), dates.APPROXIMATE, when.end or when.start,
                                 "", "before the sentence's date")
        if window.start == window.end and when.precision == dates.DAY:
            window = dates.DateValue(when.start, dates.DAY, None, "", "the sentence's date")
        event = DraftEvent(top.kind, window, s, top.words)
        event.agents = _unique(actors)
        event.places = self._prune(places[0])
        event.reasons = [self._date_reason(window), f"kind: '{top.words}' -> {top.kind} (what the sentence's event followed)",
                         *(f"agent: {m.reason()}" for m in event.agents), *(f"place: {m.reason()}" for m in event.places)]
        self._locate(event, places[3], event.reasons)
        if not event.places and self.events and self.events[-1].sentence is s:
            event.places, event.location = list(self.events[-1].places), self.events[-1].location
        self.events.append(event)

    # -- roles, places, figures ---------------------------------------------------------------------

    def _roles(self, event: DraftEvent, text: str, top: kinds.Hit, actors: list[Mention], clause, previous, reasons):
        kind = event.kind
        passive = _PASSIVE.search(text, clause[0], clause[1])
        before = [m for m in actors if m.start < top.start]
        after = [m for m in actors if m.start >= top.end]
        if passive:
            targets = [m for m in actors if m.start < passive.start()]
            agents = [m for m in actors if m.start >= passive.end()]
            with_ = [m for m in agents if re.search(r"\bwith\s+(?:the\s+)?$", text[:m.start])]
            if with_:
                agents, targets = targets, with_  # "a fighter ... killed in clashes with SAA"
        else:
            agents = self._subject(text, before, clause[0], top.start)
            targets = [m for m in after if not self._supporting(text, m, clause[0])]
            if not agents and not _ANAPHORA.search(text[clause[0]:top.start]):
                agents = self._common_subject(text, clause[0], top.start)
            if not agents and kind in NO_TARGET and not (previous and _ANAPHORA.search(text[clause[0]:top.start])):
                agents, targets = self._coordinated(text, after), []
        if kind == "Defection":
            event.to_party = [m for m in targets + after if re.search(r"\bto\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$",
                                                                          text[top.end:m.start] + " ")]
            targets = []
        if kind in NO_TARGET:
            targets = []
        anaphora = _ANAPHORA.search(text[clause[0]:]) or _MORE.search(text[clause[0]:])
        same = self.events[-1] if self.events and self.events[-1].sentence is event.sentence else None
        if not agents and same is not None and clause[0] > 0:
            agents = list(same.agents)  # "the SDF engaged ... and sent reinforcements": one subject
            reasons.append("agents: the subject of the verb before")
        if not agents and previous and anaphora:
            agents = list(previous.agents)
            reasons.append("agents from the sentence before: " + (", ".join(m.reason() for m in agents) or "none"))
        if _MORE.search(text[clause[0]:]) and previous:
            if event.kind in ("ArmedClash",) and previous.kind != event.kind:
                reasons.append(f"kind: '{_MORE.search(text).group(0).strip()}' goes on from the event before -> {previous.kind}")
                event.kind = previous.kind
            targets = targets or list(previous.targets)
        agents = [self._force_of(m, event.kind, reasons) for m in agents]
        event.agents, event.targets = _unique(agents), _unique([m for m in targets if m not in agents])
        reasons += [f"agent: {m.reason()}" for m in event.agents if "from the sentence before" not in m.how]
        reasons += [f"target: {m.reason()}" for m in event.targets]
        reasons += [f"joins: {m.reason()}" for m in event.to_party]

    @staticmethod
    def _supporting(text: str, m: Mention, start: int) -> bool:
        segment = text[start:m.start].rsplit(",", 1)[-1]
        return bool(_SUPPORT.search(segment) or re.search(r"\bincluding\b", segment))

    def _subject(self, text: str, before: list[Mention], start: int, trigger: int) -> list[Mention]:
        """The doers: the actors of the last comma-separated stretch before the event word that
        names any, leaving out those that only support ("supported by the coalition")."""
        if not before:
            return []
        bounds = [start] + [start + i + 1 for i, ch in enumerate(text[start:trigger]) if ch == ","] + [trigger]
        for a, b in reversed(list(zip(bounds, bounds[1:]))):
            if _SUPPORT.search(text[a:b]):
                continue
            inside = [m for m in before if a <= m.start < b]
            if inside:
                return self._coordinated(text, inside)
        return []

    def _common_subject(self, text: str, start: int, trigger: int) -> list[Mention]:
        """"local gunmen crossed ...": a subject in common nouns, taken as the actor whose name
        holds its words."""
        stretch = text[start:trigger].rsplit(",", 1)[-1]
        m = re.search(r"((?:[a-z][\w-]*\s+){0,2}(?:gunmen|fighters|militants|tribesmen|rebels|insurgents|"
                      r"protesters|elements|troops|soldiers|forces|militias?))\b", stretch)
        if not m:
            return []
        found = self.gaz.closest_actor(m.group(1))
        if not found:
            return []
        offset = start + len(text[start:trigger]) - len(stretch) + m.start(1)
        return [Mention(offset, offset + len(m.group(1)), m.group(1), "actor", found[0],
                        self.gaz.label.get(found[0], found[0]), found[1], "common-noun phrase")]

    @staticmethod
    def _coordinated(text: str, actors: list[Mention]) -> list[Mention]:
        """The first actor and those joined to it by "and", commas or a bracketed short name."""
        if not actors:
            return []
        out = [actors[0]]
        for m in actors[1:]:
            gap = text[out[-1].end:m.start]
            if re.fullmatch(r"\s*(?:\(|\)|,|and|the|\s)*\s*", gap):
                out.append(m)
            else:
                break
        return out

    def _force_of(self, m: Mention, kind: str, reasons: list[str]) -> Mention:
        """"A US airstrike": the state stands for its armed forces when it fights."""
        if m.iri and self.gaz.is_a(m.iri, "State") and kind not in ("Announcement", "Protest", "Defection"):
            force = self.gaz.armed_force_of(m.iri)
            if force:
                reasons.append(f"'{m.words}' in a military event: its armed forces")
                return Mention(m.start, m.end, m.words, "actor", force, self.gaz.label.get(force, force), m.score,
                               "armed forces of the state named")
        return m

    def _places(self, text: str, places: list[Mention], clause, kind: str):
        """(event places, origins, destinations, the starts of places the event is only near).
        Names after "from" are where forces set out (and places of a withdrawal), after
        "to"/"towards" where they went (and places of a deployment); "north of X", "the bank of X",
        "A of X" (X holds A) only locate the place, unless nothing else places the event: then it
        is near X. After "near", "the outskirts of", the event is near the place."""
        at, origins, destinations, located_by = [], [], [], []
        near = {m.start for m in places if _NEAR.search(text[max(clause[0], m.start - 60):m.start])}
        for before, m in zip(places, places[1:]):
            if before.start in near and re.fullmatch(r"\s*(?:,|,?\s*and)\s*(?:the\s+)?", text[before.end:m.start]):
                near.add(m.start)  # "near the towns of Khasham and Al-Salihiyah": near both
        for n, m in enumerate(places):
            lead = text[max(clause[0], m.start - 40):m.start].lower()
            if _LOCATED_BY.search(lead):
                located_by.append(m)
                continue
            if n > 0 and re.fullmatch(r"\s*(?:region\s+|area\s+|desert\s+)?of\s+(?:the\s+)?", text[places[n - 1].end:m.start]):
                continue
            if re.search(r"\b(?:to|towards|toward|into|direction\s+of)\s+(?:the\s+)?(?:capital\s+|city\s+of\s+|town\s+of\s+)?$", lead) \
                    and not re.search(r"\b(?:enter|advance)\w*\s+(?:into\s+)?(?:the\s+)?(?:city\s+of\s+)?$", lead):
                destinations.append(m)
                if kind == "Deployment":
                    at.append(m)
                continue
            if re.search(r"\bfrom\s+(?:the\s+)?(?:[\w-]+\s+){0,4}$", lead):
                origins.append(m)
                if kind in ("Withdrawal", "Deployment"):
                    at.append(m)
                continue
            at.append(m)
        if not at and not origins and not destinations and located_by:
            at = [m for m in located_by if re.search(_DIRECTION, text[max(clause[0], m.start - 40):m.start], re.I)]
            near |= {m.start for m in at}
        return _unique(at), _unique(origins), _unique(destinations), near

    def _locate(self, event: DraftEvent, near: set[int], reasons: list[str]) -> None:
        """How precisely the event's place is known: near the places when the sentence puts it
        near each of them, in the region when it names only areas (a governorate, a desert, a
        region), else at the place."""
        if not event.places:
            event.location = UNSTATED
            return
        area = [m for m in event.places if (m.iri and any(self.gaz.is_a(m.iri, t) for t in _AREA_TYPES))
                or (not m.iri and _AREA_WORDS.search(m.words))]
        if all(m.start in near for m in event.places):
            event.location = NEAR
            why = "the sentence puts it near " + ", ".join(m.label for m in event.places if m.start in near)
        elif len(area) == len(event.places):
            event.location, why = REGION, "only an area is named"
        else:
            event.location, why = AT, "at the place named"
        reasons.append(f"location precision: {event.location} ({why})")

    def _opens(self, event: DraftEvent, launch: re.Match, reasons: list[str]) -> None:
        """"launched an offensive": the incident that opens a grouping event, which is the graph's
        offensive its agents led in that window, or a new one."""
        agents = {m.iri for m in event.agents if m.iri}
        found = self.gaz.grouping_opened(agents, event.date.start)
        noun = "campaign" if launch.group(0).lower().endswith("campaign") else "offensive"
        if found:
            event.part_of = Mention(launch.start(), launch.end(), launch.group(0), "grouping", found,
                                    self.gaz.label.get(found, found), 100, "offensive its agents led then")
            reasons.append(f"part of: {short_iri(found)} (the {noun} its agents led in that window)")
            return
        who = " and ".join(m.label for m in event.agents[:2]) or "unnamed forces"
        day = event.date.start
        name = f"{noun[0].upper()}{noun[1:]} of {who} ({day.strftime('%B')} {day.year})"
        event.part_of = Mention(launch.start(), launch.end(), name, "grouping", None, name, 0, "new")
        reasons.append(f"part of: a new {noun}, '{name}' (no offensive of the graph led by its agents then)")

    def _prune(self, places: list[Mention]) -> list[Mention]:
        """The most specific places: a place that holds another of the event's places, a border
        region near one, or a country when there is anything more precise, goes."""
        keep = []
        for m in places:
            others = [o for o in places if o is not m and o.iri and o.iri != m.iri]
            if m.iri and any(self.gaz.contains(m.iri, o.iri) for o in others):
                continue
            if m.iri and self.gaz.is_a(m.iri, "Region") and any(
                    self.gaz.near(m.iri, o.iri) and ("border" in self.gaz.label.get(m.iri, "").lower()
                                                     or not self.gaz.is_a(o.iri, "Region")) for o in others):
                continue
            if m.iri and self.gaz.is_a(m.iri, "Country") and others:
                continue
            keep.append(m)
        return _unique(keep)

    def _figures(self, event: DraftEvent, text: str, clause, actors: list[Mention], reasons: list[str]) -> None:
        for f in numbers.figures(text[:clause[1]]):
            if f.end <= clause[0] and clause[0] > 0:
                continue
            party = None
            if f.victims:
                inside = [m for m in actors if f.victims[0] <= m.start < f.victims[1]]
                party = inside[0] if inside else None
                if party is None and f.what != "arrested":
                    phrase = text[f.victims[0]:f.victims[1]]
                    found = self.gaz.closest_actor(phrase) if kinds.CIVILIANS.search(phrase) else None
                    if found:
                        party = Mention(f.victims[0], f.victims[1], phrase, "actor", found[0],
                                        self.gaz.label.get(found[0], found[0]), found[1], "fuzzy")
            if party and event.kind not in NO_TARGET and party.iri not in {m.iri for m in event.agents} and not event.targets:
                event.targets = [party]
                reasons.append(f"target (the victims): {party.reason()}")
            party = party or (event.targets[0] if event.targets else None)
            if party is not None and party.iri in {m.iri for m in event.agents} and event.targets:
                party = event.targets[0]
            event.casualties.append(Casualty(f, party))
            count = f.note if f.count is None else str(f.count)
            reasons.append(f"{f.what}: '{text[f.start:f.end]}' = {count}" + (f" ({party.label})" if party else ""))

    def _refine_kind(self, event: DraftEvent, text: str, clause, reasons: list[str]) -> None:
        segment = text[clause[0]:clause[1]]
        if event.kind == "ArmedClash" and _AIR.search(segment):
            event.kind = "AirOrDroneStrike"
            reasons.append(f"kind: '{_AIR.search(segment).group(0)}' -> AirOrDroneStrike")
        if event.kind in ("ArmedClash", "Ambush") and not [t for t in event.targets if t.iri and not self.gaz.is_a(t.iri, "Person")
                                                           and not self.gaz.is_a(t.iri, "CivilianGroup")]:
            victims = [c for c in event.casualties if c.figure.victims]
            if victims and all(kinds.CIVILIANS.search(text[c.figure.victims[0]:c.figure.victims[1]]) for c in victims):
                event.kind = "AttackOnCivilians"
                reasons.append("kind: the victims are civilians -> AttackOnCivilians")
        if event.kind == "Protest" and not event.agents:
            anti = re.search(r"\banti-([\w-]+)\s+protest", segment, re.I)
            found = self.gaz.find(f"{anti.group(0).rsplit(' ', 1)[0]} protesters" if anti else "protesters")
            who = [m for m in found if m.kind == "actor" and not m.new]
            if not who:
                exact = [e for e in self.gaz.entries if e.name.lower() == "protesters"]
                who = [Mention(0, 0, "protesters", "actor", exact[0].iri, self.gaz.label[exact[0].iri], 100, "alternative label")] if exact else []
            event.agents = who[:1]
            reasons += [f"agent (who protests): {m.reason()}" for m in event.agents]
            if anti:
                against = [m for m in self.gaz.find(anti.group(1)) if m.kind == "actor" and not m.new]
                event.targets = against[:1]
                reasons += [f"target (what the protest is against): {m.reason()}" for m in event.targets]

    @staticmethod
    def _date_reason(when: dates.DateValue) -> str:
        window = f" to {when.end.isoformat()}" if when.end else ""
        words = f"'{when.words}' " if when.words else ""
        return f"date: {words}{when.how} -> {when.start.isoformat()}{window} ({when.precision})"


def extract(article: Article, gazetteer: Gazetteer, year: int) -> list[DraftEvent]:
    """The proposed events of an article, in the order it tells them."""
    return Extractor(article, gazetteer, year).run()
