"""The `kg` command: thin sub-commands, each calling one function of the package.

Exit codes: 0 success; 1 the data is wrong or a step failed (the cause is printed); 2 wrong usage.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from kg.build import pipeline as build_mod
from kg.build import export
from kg.sparql import named as queries
from kg.errors import KgError, UsageError
from kg.settings import Settings


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


def _export_format(fmt: str | None, output: str | None) -> str:
    """The format asked for, else the one the output file's extension names, else Turtle; a
    format the extension contradicts (`--format turtle -o graph.nt`) is refused."""
    by_suffix = {f.extension: name for name, f in export.FORMATS.items()} | {".qs": "quickstatements"}
    implied = by_suffix.get(Path(output).suffix.lower()) if output else None
    if fmt is None:
        return implied or "turtle"
    if fmt not in (*export.FORMATS, "quickstatements"):
        raise UsageError(f"unknown format {fmt!r}; choose one of: {', '.join(export.FORMATS)}, quickstatements")
    if implied and implied != fmt:
        raise UsageError(f"--format {fmt} would write {fmt} into {output}, whose extension means {implied}; "
                         f"drop --format or change the file name")
    return fmt


def cmd_export(args) -> int:
    root = _root(args)
    fmt = _export_format(args.format, args.output)
    if fmt == "quickstatements" and args.graph is not None:
        raise UsageError("--graph does not apply to quickstatements: the batch holds statements about the "
                         "offensive, drawn from the whole build")
    graph = args.graph or "asserted"
    dist = build_mod.ensure_built(root, _dist(args, root), progress=_progress)
    if fmt == "quickstatements":
        data = _quickstatements(dist)
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
    from kg.linking import quickstatements
    from kg.store.datasets import open_store

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
        for q in queries.list_queries(root):
            params = " ".join(f"[--param {p.name}=<{p.kind}>]" if p.optional else f"--param {p.name}=<{p.kind}>"
                              for p in q.parameters)
            net = " [needs network]" if q.needs_network else ""
            print(f"{q.name}{net}\n    {q.description}" + (f"\n    {params}" if params else ""))
        return 0
    if not args.name:
        raise UsageError("name a query (see `kg query --list`) or a .rq file")
    query = queries.find(root, args.name)
    values = queries.parse_params(args.param)
    queries.bind(query, values)  # usage errors before any build work
    from kg.store import datasets

    dist = None if args.no_build_data else build_mod.ensure_built(root, _dist(args, root), progress=_progress)
    store = datasets.open_dataset(datasets.sources(dist, args.load))
    for value in queries.absent(store, query, values):
        print(f"kg query: {value} occurs nowhere in the graph; check the spelling (the service's "
              f"/search?q=NAME finds resources by label)", file=sys.stderr)
    result = queries.run(store, query, values, online=args.online)
    sys.stdout.buffer.write(queries.render(result, args.format))
    return 0


def cmd_stats(args) -> int:
    from kg.stats import stats_text
    from kg.store.datasets import open_store

    root = _root(args)
    dist = build_mod.ensure_built(root, _dist(args, root), progress=_progress)
    print(stats_text(open_store(dist)))
    return 0


def cmd_serve(args) -> int:
    import os

    root = _root(args)
    token = args.update_token or os.environ.get("KG_UPDATE_TOKEN")
    if args.allow_update and not token:
        raise UsageError("--allow-update needs --update-token TOKEN (or KG_UPDATE_TOKEN)")
    from kg.service.server import serve

    if args.no_build_data or args.sparql_endpoint:
        dist = _dist(args, root)
    else:
        dist = build_mod.ensure_built(root, _dist(args, root), progress=_progress)
    return serve(
        dist,
        host=args.host,
        port=args.port,
        store_dir=Path(args.store_dir) if args.store_dir else None,
        allow_update=args.allow_update,
        update_token=token,
        query_timeout=args.query_timeout,
        queue_wait=args.queue_wait,
        service_allow=args.service_allow or None,
        max_result_bytes=args.max_result_bytes,
        worker_memory=args.worker_memory,
        explorer_max_items=args.explorer_max_items,
        workers=args.workers,
        load=[Path(f) for f in args.load],
        build_data=not args.no_build_data,
        sparql_endpoint=args.sparql_endpoint,
        sparql_update=args.sparql_update,
    )


def cmd_push(args) -> int:
    import getpass
    import os

    from kg.store import datasets
    from kg.store import push

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


def _add_load_options(cmd) -> None:
    cmd.add_argument("--load", action="append", default=[], metavar="FILE",
                     help="also load this RDF file (.ttl .nt .nq .trig .rdf .jsonld) into the graph "
                          "named by its file: URI (repeatable)")
    cmd.add_argument("--no-build-data", action="store_true", help="leave the build out: only the --load files")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kg", description="Knowledge graph of the Deir ez-Zor offensive (2024).")
    p.add_argument("--root", default=".", help="project folder holding ontology/ and graph/ (default: .)")
    p.add_argument("--dist", help="build folder (default: ROOT/dist)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="parse, reason, validate and write dist/")
    v = sub.add_parser("validate", help="the build without writing: report violations, exit 1 on any")
    for cmd, func in ((b, cmd_build), (v, cmd_validate)):
        cmd.add_argument("--no-reasoner", action="store_true", help="skip the HermiT consistency check")
        cmd.add_argument("--shacl", choices=["auto", "pyshacl", "store"], default="auto",
                         help=f"SHACL engine: pyshacl, or compiled to SPARQL in the store; auto picks the "
                              f"store above {build_mod.LARGE} triples")
        cmd.set_defaults(func=func)

    e = sub.add_parser("export", help="write the build in a standard RDF format")
    e.add_argument("--format",
                   help=f"one of: {', '.join(export.FORMATS)}, quickstatements (default: the output file's "
                        f"extension, else turtle)")
    e.add_argument("--graph", choices=[*export.GRAPHS, "all"], help="which graph (default: asserted)")
    e.add_argument("-o", "--output", help="file to write (default: standard output)")
    e.set_defaults(func=cmd_export)

    q = sub.add_parser("query", help="run a named query (or a .rq file) against the build")
    q.add_argument("name", nargs="?", help="query name (see --list) or path to a .rq file")
    q.add_argument("--list", action="store_true", help="list the named queries")
    q.add_argument("--format", default="table", choices=["table", *queries.RESULT_FORMATS, *queries.GRAPH_FORMATS],
                   help="table (a graph: Turtle), csv, tsv or json for SELECT and ASK; turtle or ntriples for "
                        "CONSTRUCT and DESCRIBE")
    q.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="bind a declared parameter")
    q.add_argument("--online", action="store_true",
                   help="let @network queries call their allowlisted SERVICE endpoints (Wikidata)")
    _add_load_options(q)
    q.set_defaults(func=cmd_query)

    from kg.linking import review as linking

    linking.add_link_parser(sub)

    s = sub.add_parser("stats", help="counts per class and completeness of events")
    s.set_defaults(func=cmd_stats)

    sv = sub.add_parser("serve", help="serve the build over HTTP (SPARQL endpoint, pages)")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument("--store-dir", help="keep an on-disk store here and reuse it on later starts")
    sv.add_argument("--allow-update", action="store_true", help="accept SPARQL Update with the token")
    sv.add_argument("--update-token", help="bearer token for updates (or KG_UPDATE_TOKEN)")
    sv.add_argument("--query-timeout", type=float, default=30.0, help="seconds before a query is stopped (default 30)")
    sv.add_argument("--queue-wait", type=float, default=Settings.queue_wait, metavar="SECONDS",
                    help="how long a query waits for a free worker before a 503 with Retry-After (default 2)")
    sv.add_argument("--service-allow", action="append", metavar="URL", help="endpoint SERVICE may call (repeatable; default: Wikidata)")
    sv.add_argument("--workers", type=int, default=2, help="query worker processes (default 2)")
    sv.add_argument("--max-result-bytes", type=int, default=Settings.max_result_bytes,
                    help="largest query result answered; above it 413 (default 64 MiB; Graph Store GETs stream, uncapped)")
    sv.add_argument("--worker-memory", type=int, metavar="MIB",
                    help="private memory the query workers may keep in all before one is replaced "
                         "(default: as much as the store takes, so one warm worker keeps its copy)")
    sv.add_argument("--explorer-max-items", type=int, default=Settings.explorer_max_items, metavar="N",
                    help="events (casualty records, support relations) an explorer view draws at most; past "
                         "them it draws the latest that fit, or points to its query (default 5000)")
    _add_load_options(sv)
    sv.add_argument("--sparql-endpoint", metavar="URL",
                    help="serve a remote store's SPARQL endpoint instead of the build (see README)")
    sv.add_argument("--sparql-update", metavar="URL", help="the remote store's update endpoint, for --allow-update")
    sv.set_defaults(func=cmd_serve)

    pu = sub.add_parser("push", help="upload the build, named graphs kept, to another triple store")
    target = pu.add_mutually_exclusive_group(required=True)
    target.add_argument("--store", metavar="URL", help="Graph Store Protocol endpoint: PUT URL?graph=IRI per graph")
    target.add_argument("--update", metavar="URL", help="SPARQL Update endpoint: DROP + INSERT DATA in batches")
    pu.add_argument("--append", action="store_true", help="add to the graphs (POST / no DROP) instead of replacing them")
    pu.add_argument("--user", help="user name for HTTP Basic authentication")
    pu.add_argument("--password", help="its password (or KG_STORE_PASSWORD; asked for when missing)")
    pu.add_argument("--digest", action="store_true", help="HTTP Digest instead of Basic (Virtuoso)")
    pu.add_argument("--token", help="bearer token (Authorization: Bearer)")
    pu.add_argument("--timeout", type=float, default=300.0, help="seconds per request (default 300)")
    pu.add_argument("--batch", type=int, metavar="N",
                    help="triples per request (default 100000 for --store, 20000 for --update)")
    _add_load_options(pu)
    pu.set_defaults(func=cmd_push)
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
