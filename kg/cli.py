"""The `kg` command: one small function adding each sub-command's parser, one thin function
running it, and errors (KgError) reported in one place.

Exit codes: 0 success; 1 the data is wrong or a step failed (the cause is printed); 2 wrong usage.
"""
from __future__ import annotations

import argparse
import getpass
import os
import shutil
import sys
from datetime import date
from pathlib import Path

import httpx

from kg.build import acled, export
from kg.build import pipeline as build_mod
from kg.errors import DraftInvalid, KgError, LinksDisagree, UsageError
from kg.linking import labels as wikidata_labels
from kg.linking import quickstatements
from kg.linking import review as linking
from kg.linking import wikidata as wd
from kg.options import add_load_options, add_serve_options, seconds, settings_from, whole
from kg.sparql import lint
from kg.sparql import named as queries
from kg.stats import stats_text
from kg.store import datasets, push
from kg.store.datasets import open_store


def _progress(stage: str, seconds: float) -> None:
    print(f"  {stage:<22} {seconds:6.2f} s", file=sys.stderr)


def _root(args) -> Path:
    root = Path(args.root).resolve()
    if not (root / "ontology").is_dir():
        raise UsageError(f"{root} is not a project folder (no ontology/ in it); pass --root")
    return root


def _dist(args, root: Path) -> Path:
    return Path(args.dist).resolve() if args.dist else root / "dist"


def cmd_build(args) -> int:
    root = _root(args)
    dist = _dist(args, root)
    print(f"building {root.name}: ontology/ + graph/ -> {dist}", file=sys.stderr)
    built = build_mod.build(root, progress=_progress, reasoner=not args.no_reasoner, engine=args.shacl)
    build_mod.write_dist(built, dist, progress=_progress)
    _print_findings(built.report)
    print(f"built {len(built.asserted)} asserted, {len(built.inferred)} inferred and "
          f"{len(built.ontology)} ontology triples into {dist}/", file=sys.stderr)
    return 0


def _print_findings(report) -> None:
    others = [f for f in report.findings if f.severity == "Warning"]
    for f in others:
        print(f.line(), file=sys.stderr)


def cmd_validate(args) -> int:
    root = _root(args)
    built = build_mod.build(root, progress=_progress, reasoner=not args.no_reasoner, engine=args.shacl)
    _print_findings(built.report)
    print("valid: no violations", file=sys.stderr)
    return 0


_NOT_RDF = {"quickstatements": ".qs", "acled": ".csv"}
"""Export formats that are not RDF (a QuickStatements batch, ACLED's CSV) -> file extension."""


def _export_format(fmt: str | None, output: str | None) -> str:
    """The format asked for, else the one the output file's extension names, else Turtle; a
    format the extension contradicts (`--format turtle -o graph.nt`) is refused."""
    by_suffix = {f.extension: name for name, f in export.FORMATS.items()} | {s: n for n, s in _NOT_RDF.items()}
    implied = by_suffix.get(Path(output).suffix.lower()) if output else None
    if fmt is None:
        return implied or "turtle"
    if fmt not in (*export.FORMATS, *_NOT_RDF):
        raise UsageError(f"unknown format {fmt!r}; choose one of: {', '.join([*export.FORMATS, *_NOT_RDF])}")
    if implied and implied != fmt:
        raise UsageError(f"--format {fmt} would write {fmt} into {output}, whose extension means {implied}; "
                         f"drop --format or change the file name")
    return fmt


def cmd_export(args) -> int:
    root = _root(args)
    fmt = _export_format(args.format, args.output)
    if fmt in _NOT_RDF and args.graph is not None:
        raise UsageError(f"--graph does not apply to {fmt}: it is drawn from the whole build")
    graph = args.graph or "asserted"
    dist = build_mod.ensure_built(root, _dist(args, root), progress=_progress)
    if fmt == "quickstatements":
        data = _quickstatements(dist)
    elif fmt == "acled":
        data = acled.render(open_store(dist))
    elif name := build_mod.dist_file(graph, fmt):
        # The build wrote this one already, the same way: copy it (1M triples: 0.3 s, not 13 s).
        _write_output(args.output, lambda target: _copy(dist / name, target))
        return 0
    else:
        # dist/dataset.nq is canonical already (labels, order): no need to canonicalise again.
        with build_mod.collector_paused():  # millions of terms at scale, none in a cycle
            data = export.serialize(export.select(build_mod.load_dist(dist), graph), fmt, canonical=True)
    if not data:
        hint = " (`kg link --labels` fills it)" if graph == "wikidata-labels" else ""
        print(f"kg export: the {graph} graph of this build is empty{hint}", file=sys.stderr)
    _write_output(args.output, lambda target: target.write(data))
    return 0


def _quickstatements(dist: Path) -> bytes:
    """The QuickStatements batch of a build; what it cannot carry safely is said on stderr."""
    held_back: list[str] = []
    batch = quickstatements.render(open_store(dist), held_back=held_back)
    if batch.startswith("CREATE"):
        print("kg export: the offensive has no Wikidata item in the graph, so the batch starts by creating "
              "one; look its English Wikipedia article up on Wikidata first (Special:ItemByTitle/enwiki), "
              "and if it has an item, link it (kg link) so that the batch adds to that item", file=sys.stderr)
    for line in held_back:
        print(f"kg export: left out {line}", file=sys.stderr)
    return batch.encode("utf-8")


def _copy(path: Path, target) -> None:
    with path.open("rb") as source:
        shutil.copyfileobj(source, target, 1 << 20)


def _write_output(output: str | None, write) -> None:
    """Call write(binary file) on the output file, or on standard output when there is none."""
    if not output:
        write(sys.stdout.buffer)
        return
    try:
        with Path(output).open("wb") as target:
            write(target)
    except OSError as error:
        raise KgError(f"cannot write {output}: {error.strerror or error}") from None
    print(f"wrote {output} ({Path(output).stat().st_size} bytes)", file=sys.stderr)


def cmd_query(args) -> int:
    root = _root(args)
    if args.list:
        for q in queries.gallery(root):
            params = " ".join(f"[--param {p.name}=<{p.kind}>]" if p.optional else f"--param {p.name}=<{p.kind}>"
                              for p in q.parameters)
            net = " [needs network]" if q.needs_network else ""
            print(f"{q.name}{net}: {q.title}\n    {q.description}" + (f"\n    {params}" if params else ""))
        return 0
    if not args.name:
        raise UsageError("name a query (see `kg query --list`) or a .rq file")
    query = queries.find(root, args.name)
    values = queries.parse_params(args.param)
    queries.bind(query, values)  # usage errors before any build work
    dist = None if args.no_build_data else build_mod.ensure_built(root, _dist(args, root), progress=_progress)
    store = datasets.open_dataset(datasets.sources(dist, args.load))
    for value in queries.absent(store, query, values):
        print(f"kg query: {value} occurs nowhere in the graph; check the spelling (the service's "
              f"/search?q=NAME finds resources by label)", file=sys.stderr)
    for warning in lint.check(store, query.text):
        print(f"kg query: {warning}", file=sys.stderr)
    result = queries.run(store, query, values, online=args.online)
    sys.stdout.buffer.write(queries.render(result, args.format))
    return 0


def cmd_link(args) -> int:
    root = _root(args)
    store = open_store(build_mod.ensure_built(root, _dist(args, root)))
    if args.missing:
        reasons = linking.unlinked_reasons(store)
        for e in linking.missing(store):
            print(f"{e.iri}\t{e.kind}\t{e.label}\t{reasons.get(e.iri, 'no reason recorded')}")
        return 0
    if args.gazetteer:
        return _link_gazetteer(args, root, store)
    if args.accept:
        out = Path(args.output) if args.output else root / "graph" / "wikidata-accepted.ttl"
        added = linking.accept(Path(args.accept), out, store=store)
        print(f"wrote {added} new link(s) with evidence to {out}", file=sys.stderr)
        return 0
    with httpx.Client(timeout=wd.TIMEOUT, follow_redirects=True) as http:
        client = wd.WikidataClient(http, api_url=args.api_url, cache_dir=Path(args.cache_dir))
        if args.labels:
            _fetch_labels(client, store, Path(args.output) if args.output else root / wikidata_labels.LABELS_FILE)
        elif args.verify:
            _verify_links(client, store)
        else:
            _write_candidates(client, store, Path(args.output or "link-review.csv"))
    return 0


def _link_gazetteer(args, root: Path, store) -> int:
    """`kg link --gazetteer DIR [...]`: rank into a review file, or with --accept write the links."""
    # rapidfuzz and the gazetteer's records load only when asked for: kept out of start-up
    from kg.linking import gazetteer, gazetteer_accept
    from kg.linking.whosonfirst import read_checkout

    if args.verify or args.labels:
        raise UsageError("--gazetteer ranks records for review, or with --accept FILE links the accepted ones; "
                         "it does not go with --verify or --labels")
    checkouts = [read_checkout(Path(d)) for d in args.gazetteer]
    if args.accept:
        out = Path(args.output) if args.output else root / "graph" / gazetteer_accept.ACCEPTED_FILE
        added = gazetteer_accept.accept(Path(args.accept), out, store=store, checkouts=checkouts)
        print(f"wrote {added} new gazetteer link(s) with evidence to {out}", file=sys.stderr)
        return 0
    candidates = gazetteer.rank(store, checkouts)
    out = Path(args.output or "gazetteer-review.csv")
    gazetteer.write_review(candidates, checkouts, out)
    print(f"wrote {len(candidates)} candidate(s) from {sum(len(c.records) for c in checkouts)} records to {out}; "
          f"mark the right ones yes in 'accepted' (clear 'wikidata' or 'geonames' where the record's is not "
          f"this place), then run kg link --gazetteer DIR --accept {out}", file=sys.stderr)
    return 0


def _fetch_labels(client: wd.WikidataClient, store, out: Path) -> None:
    quads = wikidata_labels.fetch(client, store, date.today())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(export.serialize(quads, "nquads"))
    print(f"wrote {len(quads)} quads to {out}; the next build adds them as the named graph "
          f"{wikidata_labels.LABELS_GRAPH}", file=sys.stderr)


def _verify_links(client: wd.WikidataClient, store) -> None:
    """Print where Wikidata disagrees with our links; any disagreement fails the command."""
    found = linking.verify(client, store)
    for d in found:
        print(d.line())
    if found:
        raise LinksDisagree(f"{len(found)} disagreement(s)")
    print("0 disagreement(s)", file=sys.stderr)


def _write_candidates(client: wd.WikidataClient, store, out: Path) -> None:
    rows = linking.candidates(client, linking.missing(store))
    linking.write_review(rows, out)
    print(f"wrote {len(rows)} candidate(s) to {out}; mark the right ones yes in 'accepted', then "
          f"run kg link --accept {out}", file=sys.stderr)


def cmd_stats(args) -> int:
    root = _root(args)
    dist = build_mod.ensure_built(root, _dist(args, root), progress=_progress)
    print(stats_text(open_store(dist)))
    return 0


def cmd_serve(args) -> int:
    root = _root(args)
    settings = settings_from(args)  # usage errors before any build work
    if args.no_build_data or args.sparql_endpoint:
        dist = _dist(args, root)
    else:
        dist = build_mod.ensure_built(root, _dist(args, root), progress=_progress)
    # The server brings FastAPI and uvicorn: imported here, so that no other command waits for them.
    from kg.service import server

    server.start(dist, args, settings)
    return 0


def cmd_draft(args) -> int:
    # kg.draft loads the date parser and the fuzzy matcher: imported here to keep start-up fast
    from kg.draft import accept, files, pipeline

    root = _root(args)
    if bool(args.article) == bool(args.accept):
        raise UsageError("give an article to draft, or --accept REVIEW.csv (not both)")
    if args.accept:
        if args.year is not None:
            raise UsageError("--year applies to drafting an article, not to --accept")
        text = accept.accept(root, Path(args.accept))
        _write_output(args.output, lambda target: target.write(text.encode("utf-8")))
        return 0
    article = Path(args.article)
    out = Path(args.output) if args.output else Path(f"{article.stem}-draft")
    d = pipeline.draft(article, root, year=args.year)
    written = files.save(d, out, root)
    report = written.report
    print(f"drafted {len(d.events)} events from {article} (year {d.year}) into {out}/: "
          f"{written.graph.name}, {written.csv.name}, {written.html.name}", file=sys.stderr)
    warnings = [f for f in report.findings if f.severity == "Warning"]
    print(f"draft profile: {len(report.violations)} violation(s), {len(warnings)} warning(s) (what a reviewer "
          f"adds, such as descriptions)", file=sys.stderr)
    if not report.conforms:
        raise DraftInvalid(str(out), report)
    return 0


def cmd_push(args) -> int:
    if args.password and not args.user:
        raise UsageError("--password needs --user")
    password = args.password or os.environ.get("KG_STORE_PASSWORD")
    if args.user and password is None:
        password = getpass.getpass(f"password for {args.user}: ") if sys.stdin.isatty() else ""
    root = _root(args)
    dist = None if args.no_build_data else build_mod.ensure_built(root, _dist(args, root), progress=_progress)
    store = datasets.open_dataset(datasets.sources(dist, args.load))
    target = push.shown(args.store or args.update)

    def report(done: push.Pushed) -> None:
        graph = f"<{done.graph}>" if done.graph else "the default graph"
        print(f"  {graph}: {done.triples} triples in {done.requests} request(s)", file=sys.stderr)

    print(f"pushing to {target} ({'appending' if args.append else 'replacing graphs'})", file=sys.stderr)
    done = push.push(store, store_url=args.store, update_url=args.update, append=args.append,
                     auth=push.make_auth(args.user, password, args.token, args.digest),
                     timeout=args.timeout, batch=args.batch, report=report)
    print(f"pushed {sum(d.triples for d in done)} triples in {len(done)} graphs to {target}", file=sys.stderr)
    return 0


def _add_build_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--no-reasoner", action="store_true", help="skip the HermiT consistency check")
    cmd.add_argument("--shacl", choices=["auto", "pyshacl", "store"], default="auto",
                     help=f"SHACL engine: pyshacl, or compiled to SPARQL in the store; auto picks the "
                          f"store above {build_mod.LARGE} triples")


def _add_build_parser(sub) -> None:
    b = sub.add_parser("build", help="parse, reason, validate and write dist/")
    _add_build_options(b)
    b.set_defaults(func=cmd_build)


def _add_validate_parser(sub) -> None:
    v = sub.add_parser("validate", help="the build without writing: report violations, exit 1 on any")
    _add_build_options(v)
    v.set_defaults(func=cmd_validate)


def _add_export_parser(sub) -> None:
    e = sub.add_parser("export", help="write the build in a standard RDF format")
    e.add_argument("--format",
                   help=f"one of: {', '.join([*export.FORMATS, *_NOT_RDF])} (default: the output file's "
                        f"extension, else turtle)")
    e.add_argument("--graph", choices=[*export.GRAPHS, "all"], help="which graph (default: asserted)")
    e.add_argument("-o", "--output", help="file to write (default: standard output)")
    e.set_defaults(func=cmd_export)


def _add_query_parser(sub) -> None:
    q = sub.add_parser("query", help="run a named query (or a .rq file) against the build")
    q.add_argument("name", nargs="?", help="query name (see --list) or path to a .rq file")
    q.add_argument("--list", action="store_true", help="list the named queries")
    q.add_argument("--format", default="table", choices=["table", *queries.RESULT_FORMATS, *queries.GRAPH_FORMATS],
                   help="table (a graph: Turtle), csv, tsv or json for SELECT and ASK; turtle or ntriples for "
                        "CONSTRUCT and DESCRIBE")
    q.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="bind a declared parameter")
    q.add_argument("--online", action="store_true",
                   help="let @network queries call their allowlisted SERVICE endpoints (Wikidata)")
    add_load_options(q)
    q.set_defaults(func=cmd_query)


def _add_link_parser(sub) -> None:
    p = sub.add_parser("link", help="find, accept and check Wikidata links (review file in between)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--missing", action="store_true",
                      help="list our resources without a Wikidata link, with the reason (offline)")
    mode.add_argument("--verify", action="store_true", help="check every link against Wikidata; exit 1 on disagreement")
    mode.add_argument("--accept", metavar="FILE",
                      help="turn the rows marked yes (or y, true, x, 1, ok) of a review file into links")
    mode.add_argument("--labels", action="store_true",
                      help="fetch the linked items' names in Arabic and other languages into wikidata/labels.nq")
    p.add_argument("--gazetteer", metavar="DIR", action="append",
                   help="rank Who's On First records (a clone or its data/ folder; repeatable) for our places "
                        "without one, into a review file; with --accept, link the accepted rows")
    p.add_argument("-o", "--output",
                   help="file to write (default: link-review.csv; with --accept graph/wikidata-accepted.ttl)")
    p.add_argument("--api-url", default=wd.API_URL, help=f"Wikibase API (default: {wd.API_URL})")
    p.add_argument("--cache-dir", default=".kg-cache/wikidata", help="answers cache (default: .kg-cache/wikidata)")
    p.set_defaults(func=cmd_link)


def _add_stats_parser(sub) -> None:
    s = sub.add_parser("stats", help="counts per class and completeness of events")
    s.set_defaults(func=cmd_stats)


def _add_serve_parser(sub) -> None:
    sv = sub.add_parser("serve", help="serve the build over HTTP (SPARQL endpoint, pages)")
    add_serve_options(sv)
    sv.set_defaults(func=cmd_serve)


def _add_push_parser(sub) -> None:
    pu = sub.add_parser("push", help="upload the build, named graphs kept, to another triple store")
    target = pu.add_mutually_exclusive_group(required=True)
    target.add_argument("--store", metavar="URL", help="Graph Store Protocol endpoint: PUT URL?graph=IRI per graph")
    target.add_argument("--update", metavar="URL", help="SPARQL Update endpoint: DROP + INSERT DATA in batches")
    pu.add_argument("--append", action="store_true", help="add to the graphs (POST / no DROP) instead of replacing them")
    pu.add_argument("--user", help="user name for HTTP Basic authentication")
    pu.add_argument("--password", help="its password (or KG_STORE_PASSWORD; asked for when missing)")
    pu.add_argument("--digest", action="store_true", help="HTTP Digest instead of Basic (Virtuoso)")
    pu.add_argument("--token", help="bearer token (Authorization: Bearer)")
    pu.add_argument("--timeout", type=seconds, default=300.0, help="seconds per request (default 300)")
    pu.add_argument("--batch", type=whole(1, 10_000_000), metavar="N",
                    help="triples per request (default 100000 for --store, 20000 for --update)")
    add_load_options(pu)
    pu.set_defaults(func=cmd_push)


def _add_draft_parser(sub) -> None:
    d = sub.add_parser("draft", help="draft events from an article's text, for review; accept a reviewed file")
    d.add_argument("article", nargs="?", help="the article as plain text (paragraphs, [14] reference numbers)")
    d.add_argument("-o", "--output", help="draft: folder for draft.trig, review.csv, review.html (made if missing; "
                                          "default ARTICLE-draft); --accept: Turtle file (default: standard output)")
    d.add_argument("--year", type=whole(1, 9999), help="year of dates written without one (default: the title's, else the text's)")
    d.add_argument("--accept", metavar="REVIEW.csv", help="turn the reviewed rows into Turtle for graph/")
    d.set_defaults(func=cmd_draft)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kg", description="Knowledge graph of the Deir ez-Zor offensive (2024).")
    p.add_argument("--root", default=".", help="project folder holding ontology/ and graph/ (default: .)")
    p.add_argument("--dist", help="build folder (default: ROOT/dist)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (_add_build_parser, _add_validate_parser, _add_export_parser, _add_query_parser, _add_link_parser,
                _add_draft_parser, _add_stats_parser, _add_serve_parser, _add_push_parser):
        add(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KgError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130
