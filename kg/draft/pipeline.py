"""`kg draft`: an article file -> its proposed events -> the draft graph and the review files."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from kg.draft import dates
from kg.draft.extract import DraftEvent, extract
from kg.draft.match import Gazetteer
from kg.draft.text import Article, read_article
from kg.errors import DraftError


@dataclass
class Draft:
    """An article and what was proposed from it."""

    path: Path
    article: Article
    slug: str
    year: int
    events: list[DraftEvent]
    timings: dict[str, float] = field(default_factory=dict)


def slugify(text: str) -> str:
    """A readable slug.

    >>> slugify("Deir ez-Zor offensive (2024)")
    'deir-ez-zor-offensive-2024'
    """
    ascii_ = text.translate(str.maketrans({"’": "", "'": "", "–": "-", "—": "-"}))
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")


def read_text(path: Path) -> str:
    """The article's text; a missing, unreadable or empty file is a DraftError naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DraftError(f"no such article file: {path}") from None
    except IsADirectoryError:
        raise DraftError(f"{path} is a folder, not an article file") from None
    except UnicodeDecodeError as e:
        raise DraftError(f"{path} is not UTF-8 text (byte {e.start})") from None
    except OSError as e:
        raise DraftError(f"cannot read {path}: {e.strerror or e}") from None
    if not text.strip():
        raise DraftError(f"{path} is empty")
    return text


def draft(path: Path, root: Path, year: int | None = None, gazetteer: Gazetteer | None = None) -> Draft:
    """Read an article and propose its events, matched against the project's graph."""
    timings = {}
    t = time.perf_counter()
    text = read_text(path)
    article = read_article(text)
    found = dates.article_year(article.title, text, year)
    if found is None:
        raise DraftError(f"{path} says no year in its title or text; pass --year")
    timings["read"] = time.perf_counter() - t
    t = time.perf_counter()
    gaz = gazetteer or Gazetteer.from_project(root)
    timings["gazetteer"] = time.perf_counter() - t
    t = time.perf_counter()
    events = extract(article, gaz, found)
    timings["extract"] = time.perf_counter() - t
    slug = slugify(article.title) or slugify(path.stem)
    return Draft(path, article, slug, found, events, timings)
