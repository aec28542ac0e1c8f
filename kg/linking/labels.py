"""Names of our linked items in other languages, fetched from Wikidata into a named graph of
their own (`kg link --labels`), with its source, so pages can show Arabic and other names while
the curated graph stays ours.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kg.namespaces import DZG, DZO, PREFIXES, WD
from kg.rdf import read_quads

LABELS_GRAPH = DZG["wikidata-labels"]
LABELS_FILE = Path("wikidata") / "labels.nq"
"""Where `kg link --labels` writes, relative to the project; the build adds it when present."""
LANGUAGES = ("ar", "ku", "fa", "tr", "fr", "de", "ru", "en")
"""Arabic first: the region's language; then Kurdish, Persian, Turkish and a few of the press."""

_RDFS_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
_WAS_DERIVED_FROM = ox.NamedNode(PREFIXES["prov"] + "wasDerivedFrom")
_CREATED = ox.NamedNode(PREFIXES["dcterms"] + "created")
_WIKIDATA = ox.NamedNode("https://www.wikidata.org/")


def linked_items(store: ox.Store) -> list[str]:
    """The Q-ids our resources link to, sorted."""
    query = f"SELECT DISTINCT ?item WHERE {{ ?r <{DZO.wikidataItem}> ?item }}"
    found = {row["item"].value for row in store.query(query, use_default_graph_as_union=True)}
    return sorted(i[len(str(WD)):] for i in found if i.startswith(str(WD)))


def label_quads(entities: dict[str, dict], retrieved: date, languages=LANGUAGES) -> list[ox.Quad]:
    """The labels of the fetched entities in `languages`, in LABELS_GRAPH, with where and when
    they came from.

    >>> quads = label_quads({"Q1": {"labels": {"ar": {"language": "ar", "value": "كون"}}}}, date(2025, 1, 31))
    >>> [q.object.language for q in quads if q.predicate.value.endswith("label")]
    ['ar']
    """
    graph = ox.NamedNode(str(LABELS_GRAPH))
    out = [
        ox.Quad(graph, _WAS_DERIVED_FROM, _WIKIDATA, graph),
        ox.Quad(graph, _CREATED, ox.Literal(retrieved.isoformat(), datatype=ox.NamedNode(PREFIXES["xsd"] + "date")), graph),
    ]
    for qid, entity in sorted(entities.items()):
        item = ox.NamedNode(str(WD[qid]))
        for language in languages:
            label = entity.get("labels", {}).get(language)
            if label:
                out.append(ox.Quad(item, _RDFS_LABEL, ox.Literal(label["value"], language=language), graph))
    return out


def fetch(client, store: ox.Store, retrieved: date, languages=LANGUAGES) -> list[ox.Quad]:
    """Ask Wikidata (50 ids a call) for the labels of every linked item."""
    entities = client.get_entities(linked_items(store), props=("labels",), languages=languages)
    return label_quads({q: e for q, e in entities.items() if e.get("labels")}, retrieved, languages)


def read(root: Path) -> list[ox.Quad]:
    """The fetched labels of the project, or nothing when they were never fetched."""
    path = root / LABELS_FILE
    if not path.exists():
        return []
    return read_quads(path, display=str(LABELS_FILE))
