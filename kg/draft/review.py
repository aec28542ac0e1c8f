"""The review files of a draft: review.csv, one row per proposed event in fixed columns that other
tools can read, and review.html, the article with each event's sentence highlighted beside its row.
"""
from __future__ import annotations

import csv
import html
import io
from pathlib import Path

from kg.draft.extract import DraftEvent
from kg.draft.kinds import acled_types
from kg.draft.match import Mention, short_iri
from kg.draft.pipeline import Draft

COLUMNS = ("id", "date", "date_precision", "kind", "acled_sub_event_type", "label", "agents", "targets", "places",
           "killed", "injured", "arrested", "references", "start", "end", "reasons", "location_precision", "part_of")
"""The columns of review.csv, in this order: the first sixteen as issue 19 fixed them, then what
every incident has since (how precisely its place is known: at, near, region, unstated) and the
grouping event a launch opens (dzr:slug, or new:NAME)."""
SEP = "; "
"""Between several values of one cell."""
NEW = "new:"
"""Marks a name that matched no resource: `new:Al-Ma'ezalyah area`."""


def cell(mentions: list[Mention]) -> str:
    """Matched resources as dzr:slug, new names as new:NAME.

    >>> cell([Mention(0, 3, "SDF", "actor", "https://w3id.org/deir-ez-zor-2024/resource/syrian-democratic-forces",
    ...       "Syrian Democratic Forces", 100, "label"), Mention(5, 9, "Tell Abyad", "place", None, "Tell Abyad", 0, "new")])
    'dzr:syrian-democratic-forces; new:Tell Abyad'
    """
    return SEP.join(short_iri(m.iri) if m.iri else NEW + m.words for m in mentions)


def date_cell(e: DraftEvent) -> str:
    """An ISO date, or an ISO interval START/END for an approximate date's window."""
    if e.date.precision == "approximate" and e.date.end:
        return f"{e.date.start.isoformat()}/{e.date.end.isoformat()}"
    return e.date.start.isoformat()


def rows(d: Draft, ids: list[str], labels: list[str], ontology: Path) -> list[dict[str, str]]:
    acled = acled_types(ontology)
    out = []
    for slug, e, label in zip(ids, d.events, labels):
        number = lambda what: "" if e.total(what) is None else str(e.total(what))  # noqa: E731
        out.append({
            "id": slug, "date": date_cell(e), "date_precision": e.date.precision, "kind": e.kind,
            "acled_sub_event_type": acled.get(e.kind, ("", ""))[1], "label": label,
            "agents": cell(e.agents), "targets": cell(e.targets), "places": cell(e.places),
            "killed": number("killed"), "injured": number("injured"), "arrested": number("arrested"),
            "references": SEP.join(e.refs), "start": str(e.start), "end": str(e.end),
            "reasons": SEP.join(e.reasons), "location_precision": e.location,
            "part_of": cell([e.part_of]) if e.part_of else "",
        })
    return out


def write_csv(table: list[dict[str, str]], path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def write_html(d: Draft, table: list[dict[str, str]], path: Path) -> None:
    """The article's prose with every sentence that gave an event marked and linked to its rows."""
    by_span: dict[tuple[int, int], list[str]] = {}
    for row in table:
        by_span.setdefault((int(row["start"]), int(row["end"])), []).append(row["id"])
    e = html.escape
    parts = []
    for paragraph in d.article.paragraphs:
        pieces = []
        for s in paragraph:
            ids = by_span.get((s.start, s.end))
            if ids:
                links = " ".join('<a href="#{}">{}</a>'.format(e(i), e(i.rsplit("-", 1)[-1])) for i in ids)
                pieces.append(f'<mark id="s{s.start}" title="{e(", ".join(ids))}">{e(s.text)}<sup>{links}</sup></mark>')
            else:
                pieces.append(e(s.text))
        parts.append("<p>" + " ".join(pieces) + "</p>")
    head = "".join(f"<th>{e(c)}</th>" for c in COLUMNS if c != "reasons")
    body = []
    for row in table:
        cells = "".join(f"<td>{e(row[c])}</td>" for c in COLUMNS if c not in ("id", "reasons"))
        body.append(f'<tr id="{e(row["id"])}"><td><a href="#s{e(row["start"])}">{e(row["id"])}</a></td>{cells}</tr>'
                    f'<tr class="why"><td colspan="{len(COLUMNS) - 1}">{e(row["reasons"])}</td></tr>')
    title = e(d.article.title or d.path.name)
    path.write_text(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>Draft review: {title}</title><style>"
        "body{font:15px/1.5 system-ui,sans-serif;margin:2em auto;max-width:80em}mark{background:#fff2a8}"
        "mark:target{background:#ffc94d}tr:target{background:#ffe9a8}table{border-collapse:collapse;font-size:13px}"
        "td,th{border:1px solid #ccc;padding:2px 5px;vertical-align:top}tr.why td{color:#555;font-size:12px}"
        "</style></head><body>"
        f"<h1>Draft review: {title}</h1><p>{len(table)} proposed events. Highlighted: the sentence each was read "
        f"from; the number links to its row, the row's id back to the sentence.</p>"
        f"<section>{''.join(parts)}</section><h2>Proposed events</h2>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></body></html>\n",
        encoding="utf-8")
