"""The article as text: its title, its paragraphs of prose (infobox and table lines left out) and
their sentences, each with its character offsets into the text and the reference numbers that
cite it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.errors import DraftError

REF = re.compile(r"\s*\[(\d{1,4}|[a-z])\]")
"""A bracketed reference number ([14]) or note letter ([d]) as Wikipedia prints them."""

_END = re.compile(r"[.!?](?:\s*\[(?:\d{1,4}|[a-z])\])*(?=\s+[\"'“(]?[A-Z0-9]|\s*$)")
_ABBREVIATION = re.compile(r"(?:\b(?:[A-Z]\.){2,}|\b(?:Mr|Mrs|Dr|St|Lt|Gen|Col|Maj|Capt|Sgt|No|vs|etc|approx|Jan|Feb|Aug|Sept?|Oct|Nov|Dec)\.|\b[A-Z]\.)$")


@dataclass(frozen=True)
class Sentence:
    """One sentence: `start`/`end` index the article's text (end exclusive); `clean` is the
    sentence with its reference markers blanked out (same length, so offsets still line up)."""

    start: int
    end: int
    text: str
    clean: str
    refs: tuple[str, ...]
    paragraph: int
    index: int


@dataclass
class Article:
    """An article split into paragraphs of sentences."""

    text: str
    title: str
    paragraphs: list[list[Sentence]] = field(default_factory=list)

    @property
    def sentences(self) -> list[Sentence]:
        return [s for p in self.paragraphs for s in p]


def _is_prose(line: str) -> bool:
    """Infobox rows and banners are tables (cells between pipes), image stubs or headings."""
    stripped = line.strip()
    return bool(stripped) and "|" not in stripped and not stripped.startswith("![")


def _title(lines: list[str]) -> str:
    """The first line's first cell when it reads as a title (short, no full stop)."""
    for line in lines:
        if line.strip():
            head = line.split("|", 1)[0].strip()
            if head and len(head.split()) <= 12 and not head.endswith("."):
                return head
            return ""
    return ""


def _split(paragraph: str, offset: int, number: int, first_index: int) -> list[Sentence]:
    sentences, start = [], 0
    for m in _END.finditer(paragraph):
        if _ABBREVIATION.search(paragraph[start:m.start() + 1]):
            continue
        sentences.append((start, m.end()))
        start = m.end()
        while start < len(paragraph) and paragraph[start].isspace():
            start += 1
    if paragraph[start:].strip():
        sentences.append((start, len(paragraph.rstrip())))
    out = []
    for i, (a, b) in enumerate(sentences):
        text = paragraph[a:b]
        refs = tuple(m.group(1) for m in REF.finditer(text))
        clean = REF.sub(lambda m: " " * len(m.group(0)), text)
        out.append(Sentence(offset + a, offset + b, text, clean, refs, number, first_index + i))
    return out


def _cite_forward(sentences: list[Sentence]) -> list[Sentence]:
    """A sentence with no reference of its own rests on the next reference of its paragraph: a
    citation covers the text back to the previous citation."""
    out, pending = [], []
    for s in sentences:
        pending.append(s)
        if s.refs:
            out += [p if p.refs else _with_refs(p, s.refs) for p in pending]
            pending = []
    return out + pending


def _with_refs(s: Sentence, refs: tuple[str, ...]) -> Sentence:
    return Sentence(s.start, s.end, s.text, s.clean, refs, s.paragraph, s.index)


def read_article(text: str) -> Article:
    """Split an article's text into paragraphs (one per prose line) and sentences."""
    if not text.strip():
        raise DraftError("the article is empty")
    lines = text.splitlines(keepends=True)
    article = Article(text=text, title=_title(lines))
    offset, count = 0, 0
    for line in lines:
        body = line.rstrip("\r\n")
        if _is_prose(body) and body.strip() != article.title:
            lead = len(body) - len(body.lstrip())
            sentences = _split(body.strip(), offset + lead, len(article.paragraphs), count)
            if sentences:
                article.paragraphs.append(_cite_forward(sentences))
                count += len(sentences)
        offset += len(line)
    if not article.paragraphs:
        raise DraftError("the article has no paragraphs of prose (only tables or headings)")
    return article
