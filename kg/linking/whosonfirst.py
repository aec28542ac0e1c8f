"""Reading a Who's On First checkout (a clone of a whosonfirst-data repository, or its data/
folder): each current record's names, place type, parents, point and concordances, and the
repository's commit, so that a link can say exactly which record it was taken from.
"""
from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import UsageError
from kg.linking.transliteration import is_arabic

_LATIN_NAME_KEYS = ("gn:name", "gn:asciiname", "qs:name", "ne:NAME", "ne:NAMEASCII", "meso:name_en",
                    "statoids:name")


@dataclass(frozen=True)
class Record:
    id: int
    repo: str
    path: str
    """Relative to the repository: data/890/449/891/890449891.geojson."""
    name: str
    placetype: str
    english: tuple[str, ...]
    """name:eng_x_preferred then name:eng_x_variant."""
    english_preferred: tuple[str, ...]
    arabic: tuple[str, ...]
    """Arabic-script names, the preferred first (a Latin "Arabic" name is left out)."""
    other: tuple[str, ...]
    """Latin names of other sources (GeoNames, alternate spellings, Quattroshapes...)."""
    point: tuple[float, float]
    """(latitude, longitude): the label point where there is one, else the geometry's centre."""
    point_source: str
    """Which point it is: "label point", "point from geonames" (its source), "centre of the outline"."""
    parents: dict[str, int] = field(hash=False, compare=False)
    """region_id, county_id, country_id... of the first hierarchy."""
    wikidata: str = ""
    geonames: int | None = None
    geonames_code: str = ""

    @property
    def latin_names(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for n in (self.name, *self.english, *self.other):
            if n and not is_arabic(n):
                seen.setdefault(n, None)
        return tuple(seen)

    @property
    def label(self) -> str:
        """The record's name in Latin script where it has one."""
        return (self.english_preferred or self.latin_names or (self.name,))[0]


@dataclass
class Checkout:
    folder: Path
    """The folder that holds data/ (or is it)."""
    repo: str
    commit: str
    """The repository's HEAD commit, empty when the folder is not the top of a git clone."""
    records: dict[int, Record]


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def record_path(wof_id: int) -> str:
    """Where a record lives in its repository: its ID cut into groups of three digits.

    >>> record_path(890449891), record_path(1108779185)
    ('data/890/449/891/890449891.geojson', 'data/110/877/918/5/1108779185.geojson')
    """
    digits = str(wof_id)
    return "/".join(["data", *(digits[i:i + 3] for i in range(0, len(digits), 3)), f"{digits}.geojson"])


def parse_record(feature: dict, path: str) -> Record | None:
    """A record of a GeoJSON feature, or None for a deprecated or superseded one."""
    p = feature.get("properties") or {}
    if p.get("edtf:deprecated") or p.get("wof:superseded_by"):
        return None
    arabic = [n for key in ("name:ara_x_preferred", "name:ara_x_variant", "name:ara_x_colloquial")
              for n in _strings(p.get(key, [])) if is_arabic(n)]
    if is_arabic(p.get("wof:name", "")):
        arabic.append(p["wof:name"])
    other = [n for key in _LATIN_NAME_KEYS for n in _strings(p.get(key, []))]
    other += [n for key in sorted(p) if key.startswith("name:und_x_") or key.startswith("name:ara_x_")
              for n in _strings(p[key]) if not is_arabic(n)]
    hierarchy = (p.get("wof:hierarchy") or [{}])[0]
    concordances = p.get("wof:concordances") or {}
    if "lbl:latitude" in p and "lbl:longitude" in p:
        point, point_source = (float(p["lbl:latitude"]), float(p["lbl:longitude"])), "label point"
    else:
        point = (float(p.get("geom:latitude", 0.0)), float(p.get("geom:longitude", 0.0)))
        is_point = (feature.get("geometry") or {}).get("type") == "Point"
        point_source = f"point from {p['src:geom']}" if is_point and p.get("src:geom") else \
            "point" if is_point else "centre of the outline"
    english_preferred = _strings(p.get("name:eng_x_preferred", []))
    gn = concordances.get("gn:id")
    return Record(
        id=int(p["wof:id"]), repo=str(p.get("wof:repo", "")), path=path, name=str(p.get("wof:name", "")),
        placetype=str(p.get("wof:placetype", "")),
        english=tuple(dict.fromkeys(english_preferred + _strings(p.get("name:eng_x_variant", [])))),
        english_preferred=tuple(english_preferred),
        arabic=tuple(dict.fromkeys(arabic)), other=tuple(dict.fromkeys(other)),
        point=point, point_source=point_source,
        parents={k: int(v) for k, v in hierarchy.items() if isinstance(v, int) and v > 0},
        wikidata=str(concordances.get("wd:id", "")),
        geonames=int(gn) if isinstance(gn, (int, float)) and gn > 0 else None,
        geonames_code=str(p.get("gn:feature_code", "") or p.get("gn:fcode", "")),
    )


def _commit(folder: Path) -> str:
    """HEAD of the git clone whose top is `folder`; a folder inside another repository (a
    test fixture in ours) has no commit of its own."""
    try:
        top = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel", "HEAD"],
                             capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return top[1] if len(top) == 2 and Path(top[0]).resolve() == folder.resolve() else ""


def read_checkout(folder: Path) -> Checkout:
    """Every current record under `folder` (a repository clone, or its data/ folder)."""
    folder = Path(folder)
    if folder.name == "data" and not (folder / "data").is_dir():
        folder = folder.parent
    data = folder / "data"
    if not data.is_dir():
        raise UsageError(f"{folder} is not a Who's On First checkout (no data/ folder of .geojson records in it)")
    records: dict[int, Record] = {}
    repos: set[str] = set()
    for file in sorted(data.rglob("*.geojson")):
        if "-alt-" in file.name:
            continue
        relative = file.relative_to(folder).as_posix()
        try:
            feature = json.loads(file.read_text(encoding="utf-8"))
            record = parse_record(feature, relative)
        except (ValueError, KeyError, TypeError) as e:
            raise UsageError(f"{file}: not a Who's On First record ({e})") from None
        if record:
            records[record.id] = record
            repos.add(record.repo)
    if not records:
        raise UsageError(f"{data} holds no Who's On First records (*.geojson)")
    return Checkout(folder, ", ".join(sorted(r for r in repos if r)) or folder.name, _commit(folder), records)
