"""Place names folded so that the spellings of one Arabic name compare equal: Latin
transliterations (English, French-mandate, scholarly) and Arabic script, scored with rapidfuzz.
"""
from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

_MARKS = re.compile(r"['`’‘ʿʾ´ʻʼ]")
"""ʿayn and hamza as transliterations write them, or leave them out."""
_ARTICLE = re.compile(r"^(?:al|el|il|ul|ad|adh|ag|as|ash|at|ath|an|ar|az|ed|es|esh|et|en|er|ez)$")
"""The Arabic article, assimilated to sun letters or not, as a word of its own."""
_LEVELS = {"governorate", "province", "district", "subdistrict", "muhafazah", "muhafazat", "mantiqat",
           "nahiyat", "nahiyah", "nahia", "markaz", "city", "town", "village", "area", "region"}
"""Words that say what kind of place a name names, left out of its key."""
_SPELLINGS = [
    # French-mandate spellings first, so that their letters then fold like the English ones.
    (r"ou", "u"), (r"dj", "j"), (r"ch", "sh"), (r"^rh|(?<=[aeiou ])rh", "gh"),
    (r"ei|ey|ai|ay", "ay"), (r"ee|ie|iy|yi", "i"), (r"oo|uw|wu", "u"),
    (r"q", "k"), (r"dh|th|z", "d"), (r"w", "u"), (r"o", "u"), (r"e", "a"),
    (r"(.)\1+", r"\1"),
]
"""Consonants and vowels that transliterations render differently, each folded to one letter."""
_ENDINGS = re.compile(r"(?:ah|a|h)$")
"""-ah, -a, -eh, -e (already folded to a): the feminine ending written every way."""
_CONSTRUCT = re.compile(r"(?:at|ah|a)$")
"""The same ending on a word joined to the next (Tabiyet Jazira), where it is pronounced -at."""

_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي",
                                 "ـ": None})


def fold_latin(name: str) -> str:
    """A Latin-script name as its letters without marks, case or punctuation.

    >>> fold_latin("Al `Asharah")
    'al asharah'
    >>> fold_latin("Ālbū Kamāl")
    'albu kamal'
    """
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = _MARKS.sub("", name.casefold())
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", name).split())


def _words(name: str) -> list[str]:
    words = fold_latin(name).split()
    # A name glued to its article ("Alhawayij", "Ash-Shaddadah" after folding) loses it too;
    # "Albu" (the tribal Āl Bū, "family of") is the same word as "Abu" in Abu Kamal.
    words = ["abu" if w in ("albu", "bu", "abou", "abo") else w for w in words]
    words = [w for w in words if not _ARTICLE.match(w) and w not in _LEVELS]
    if words and len(words[0]) > 4 and words[0][:2] in ("al", "el") and words[0] != "albu":
        words[0] = words[0][2:]
    return words


def latin_words(name: str) -> list[str]:
    """The words of a transliterated name reduced to what every spelling of them shares: no
    article, no ʿayn or hamza, no doubled letters, one letter for q/k, ou/u/w, ei/ay, dh/th/z/d, no
    feminine ending (-ah, -a, -eh; -at, -et where the word is joined to the next).

    >>> latin_words("Abu Kamal") == latin_words("Ālbū Kamāl") == latin_words("Albu Kamal")
    True
    >>> latin_words("Tabiyet Jazira"), latin_words("At Tabiyah")
    (['tabi', 'jadir'], ['tabi'])
    """
    words = _words(name)
    keyed = []
    for i, word in enumerate(words):
        for pattern, repl in _SPELLINGS:
            word = re.sub(pattern, repl, word)
        ending = _ENDINGS if i == len(words) - 1 else _CONSTRUCT
        stripped = ending.sub("", word)
        keyed.append(stripped if len(stripped) >= 2 else word)
    return keyed


def latin_key(name: str) -> str:
    """The words of `latin_words` joined: split and joined spellings meet.

    >>> latin_key("Mazloum") == latin_key("Mazlum"), latin_key("Abu Hamam") == latin_key("Abu Hammam")
    (True, True)
    >>> latin_key("Al-Rasafa") == latin_key("Ar Rasafah"), latin_key("Diban") == latin_key("Dhiban")
    (True, True)
    """
    return "".join(latin_words(name))


def skeleton(name: str) -> str:
    """The consonants of a name's key: Khasham and Khusham, Salihiyah and Salahiyah meet here.

    >>> skeleton("Khasham") == skeleton("Khusham"), skeleton("Al-Salihiyah") == skeleton("Salahiyah")
    (True, True)
    """
    key = latin_key(name)
    return key[0] + re.sub(r"[aiuy]", "", key[1:]) if key else ""


def is_arabic(text: str) -> bool:
    """Whether a name is written in Arabic script (some gazetteer "Arabic" names are Latin).

    >>> is_arabic("البو كمال"), is_arabic("Khushām")
    (True, False)
    """
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" for c in letters)


def arabic_key(name: str) -> str:
    """An Arabic name without diacritics, article, alef and tā' marbūṭa forms, or spaces.

    >>> arabic_key("البو كمال") == arabic_key("البوكمال"), arabic_key("العشارة") == arabic_key("عشاره")
    (True, True)
    """
    name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    words = name.translate(_ARABIC_LETTERS).split()
    words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in words if w not in ("محافظة", "منطقة", "ناحية")]
    return "".join(words)


def similarity(ours: str, theirs: str) -> tuple[float, str]:
    """0-100 for how alike two transliterations are once folded, and how they meet.

    >>> similarity("Al-Quriyah", "Al Qurayyah")
    (90.0, 'same consonants')
    >>> similarity("Al-Hawayij", "Haouâej")[0] >= 90, similarity("Mrat", "Marrat")[0] >= 90
    (True, True)
    >>> similarity("Tabiyet Jazira", "At Tabiyah")
    (85.0, 'the same name without its qualifier')
    >>> similarity("Palmyra", "Tadmur")[0] < 70
    True
    """
    a, b = latin_words(ours), latin_words(theirs)
    if not a or not b:
        return 0.0, "no name"
    if "".join(a) == "".join(b):
        return 100.0, "same name"
    if skeleton(ours) == skeleton(theirs):
        return 90.0, "same consonants"
    short, long_ = sorted((a, b), key=len)
    if len(short) < len(long_) and long_[:len(short)] == short and len("".join(short)) >= 4:
        return 85.0, "the same name without its qualifier"
    score = float(fuzz.ratio("".join(a), "".join(b)))
    return score, f"similar ({score:.0f})"
