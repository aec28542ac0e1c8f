"""Casualty figures in a sentence: killed, injured and arrested, in words or digits ("killing
two", "six soldiers", "12 others injured", "no casualties"), each with the words it was read from.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

UNITS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
VAGUE = {"several", "dozens", "many", "scores", "some", "numerous", "others", "hundreds", "multiple"}
"""Quantities a source gives without a number: kept as a note, never counted."""

PEOPLE = {
    "soldier", "fighter", "troop", "member", "civilian", "militant", "driver", "lieutenant", "officer",
    "commander", "child", "children", "woman", "women", "man", "men", "people", "person", "guard",
    "personnel", "operative", "gunman", "gunmen", "emir", "leader", "resident", "protester", "worker",
    "policeman", "policemen", "militiaman", "militiamen", "other", "others", "one", "fighters",
    "combatant", "insurgent", "jihadist", "rebel", "recruit", "official", "journalist", "farmer",
    "shepherd", "student", "teacher", "doctor", "volunteer", "infant", "boy", "girl", "suspect",
    "individual", "cadre", "agent", "sergeant", "captain", "colonel", "general", "major", "brigadier",
}
_KILL = {"killed", "killing", "kill", "kills", "dead", "died", "slain"}
_INJURE = {"injured", "injuring", "injure", "injures", "wounded", "wounding", "wound", "wounds", "hurt"}
_ARREST = {"arrested", "arresting", "arrest", "arrests", "detained", "detaining", "detain", "detains"}
_DEATH_NOUNS = {"death", "deaths"}
_PASSIVE = {"was", "were", "been", "being", "are", "is", "be"}
_SKIP = {"at", "least", "about", "around", "nearly", "almost", "over", "more", "than", "up", "to",
         "severely", "seriously", "critically", "lightly", "also", "reportedly", "allegedly", "another"}
_BOUNDARY = {",", ";", ":", "(", ")", "."}
_TOKEN = re.compile(r"\d[\d,]*\d|\d|[A-Za-z][A-Za-z'’\-]*|[,;:().]")


@dataclass(frozen=True)
class Figure:
    """One figure: `what` is killed, injured or arrested; `count` None when the source gives no
    number (then `note` holds its word); `start`/`end` index the sentence; `victims` the words
    naming who (for finding the party)."""

    what: str
    count: int | None
    note: str
    start: int
    end: int
    victims: tuple[int, int] | None


def to_int(word: str) -> int | None:
    """A number in digits or English words, else None.

    >>> [to_int(w) for w in ("12", "twelve", "twenty-five", "1,200", "an", "several")]
    [12, 12, 25, 1200, 1, None]
    """
    w = word.lower().replace("’", "'")
    if re.fullmatch(r"\d[\d,]*", w):
        return int(w.replace(",", ""))
    if w in UNITS:
        return UNITS[w]
    if w in TENS:
        return TENS[w]
    if "-" in w:
        tens, _, unit = w.partition("-")
        if tens in TENS and unit in UNITS and UNITS[unit] < 10:
            return TENS[tens] + UNITS[unit]
    return None


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _is_person(word: str) -> bool:
    w = word.lower()
    return w in PEOPLE or (w.endswith("s") and w[:-1] in PEOPLE)


def _quantities(toks, i: int, stop: int) -> tuple[int | None, str, int, int] | None:
    """Parse "two SDF fighters and a civilian" from token i: (total, note, first, last token),
    or None when no quantity of people starts there."""
    total, note, first, last, seen = 0, "", i, None, False
    while i < stop:
        while i < stop and toks[i][0].lower() in _SKIP:
            i += 1
        if i >= stop:
            break
        word = toks[i][0].lower()
        count = to_int(word)
        if count is None and word not in VAGUE and not _is_person(word):
            break
        j = i + 1 if (count is not None or word in VAGUE) else i
        # modifiers up to the person noun: "two SDF fighters", "a lieutenant", "12 others"
        k = j
        while k < stop and k - j < 5 and not _is_person(toks[k][0]) and toks[k][0] not in _BOUNDARY \
                and toks[k][0].lower() not in ("and", "in", "at", "by", "near", "after", "while"):
            k += 1
        has_noun = k < stop and _is_person(toks[k][0])
        while has_noun and k + 1 < stop and k + 1 - j < 6 and (_is_person(toks[k + 1][0]) or toks[k + 1][0][:1].isupper()):
            k += 1  # "two Iranian Revolutionary Guard Corps troops": to the last word of the name
        while has_noun and not _is_person(toks[k][0]):
            k -= 1
        if count is not None and (has_noun or word == "one" or word.isdigit()):
            total += count
            last = k if has_noun else i
        elif word in VAGUE and (has_noun or word == "others" or i == stop - 1):
            note = note or word
            last = k if has_noun else i
        elif count is None and _is_person(word) and word not in ("one", "other", "others") and seen:
            total += 1  # "a lieutenant and soldier": a bare noun after "and" is one more
            last = i
        else:
            break
        seen = True
        i = (last or i) + 1
        if i < stop and toks[i][0].lower() == "and" and i + 1 < stop and toks[i + 1][0].lower() not in (_KILL | _INJURE | _ARREST):
            i += 1
            continue
        break
    if not seen or last is None:
        return None
    return (total if total or not note else None), note, first, last


def _kind(word: str) -> str | None:
    w = word.lower()
    if w in _KILL:
        return "killed"
    if w in _INJURE:
        return "injured"
    if w in _ARREST:
        return "arrested"
    return None


def figures(sentence: str) -> list[Figure]:
    """Every casualty figure the sentence states, in order."""
    toks = _tokens(sentence)
    found: list[Figure] = []
    lowered = sentence.lower()
    if re.search(r"\bno (?:known |reported )?(?:casualties|deaths|injuries)\b|\bwithout (?:any )?casualties\b", lowered):
        m = re.search(r"\bno (?:known |reported )?(?:casualties|deaths|injuries)\b|\bwithout (?:any )?casualties\b", lowered)
        found += [Figure("killed", 0, "", m.start(), m.end(), None), Figure("injured", 0, "", m.start(), m.end(), None)]
    for n, (word, start, end) in enumerate(toks):
        what = _kind(word)
        if what is None and word.lower() in _DEATH_NOUNS:
            what = "killed"
        if what is None:
            continue
        # active or nominal: "killing two soldiers", "the death of a driver", "arrest an emir"
        j = n + 1
        if word.lower() in _DEATH_NOUNS and j < len(toks) and toks[j][0].lower() == "of":
            j += 1
        parsed = _quantities(toks, j, min(len(toks), j + 12)) if word.lower() not in ("dead",) else None
        passive = n > 0 and toks[n - 1][0].lower() in _PASSIVE
        if parsed and not passive:
            total, note, a, b = parsed
            found.append(Figure(what, total, note, start, toks[b][2], (toks[a][1], toks[b][2])))
            continue
        # passive or elided: "two fighters were killed", "and four others wounded", "several arrests"
        k = n - 1
        while k >= 0 and toks[k][0].lower() in _PASSIVE | _SKIP:
            k -= 1
        left = k
        while left >= 0 and toks[left][0] not in _BOUNDARY and toks[left][0].lower() not in ("and", "on", "after", "in") \
                and left > k - 8:
            left -= 1
        if left > 0 and toks[left][0].lower() == "and" and _is_person(toks[left - 1][0]):
            left -= 1  # "a fighter and a civilian were killed": take in the first conjunct too
            while left >= 0 and toks[left][0] not in _BOUNDARY and toks[left][0].lower() not in ("and", "on", "after", "in"):
                left -= 1
        for begin in range(left + 1, k + 1):
            parsed = _quantities(toks, begin, k + 1)
            if parsed and parsed[3] == k:
                total, note, a, b = parsed
                found.append(Figure(what, total, note, toks[a][1], end, (toks[a][1], toks[b][2])))
                break
    return _dedupe(found)


def _dedupe(found: list[Figure]) -> list[Figure]:
    """One figure per kind and victims: a zero from "no casualties" gives way to a stated number."""
    out: list[Figure] = []
    for f in found:
        same = [g for g in out if g.what == f.what and g.victims == f.victims and g.start == f.start]
        if not same:
            out.append(f)
    return out
