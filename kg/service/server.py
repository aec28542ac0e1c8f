"""`kg serve`: load the last build into the store and run the service under uvicorn.

`python -m kg.service.server DIST [options]` does the same without the CLI (tests, benchmarks).
"""
from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
from pathlib import Path

import uvicorn

from kg.store import datasets
from kg.store import memory
from kg.errors import KgError, RemoteFailed
from kg.store.remote import RemoteStore, shown
from kg.service.app import create_app
from kg.settings import WIKIDATA, Settings
from kg.store.datasets import DATASET_FILE

log = logging.getLogger(__name__)


def serve(
    dist_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    store_dir: Path | None = None,
    allow_update: bool = False,
    update_token: str | None = None,
    query_timeout: float = 30.0,
    queue_wait: float = Settings.queue_wait,
    service_allow: list[str] | None = None,
    workers: int = 2,
    max_result_bytes: int = Settings.max_result_bytes,
    worker_memory: int | None = None,
    explorer_max_items: int = Settings.explorer_max_items,
    load: list[Path] | tuple[Path, ...] = (),
    build_data: bool = True,
    sparql_endpoint: str | None = None,
    sparql_update: str | None = None,
) -> int:
    """Serve `dist_dir`'s dataset until interrupted; the exit code for the CLI.

    `load` adds RDF files, each in a named graph (kg.store.datasets); `build_data=False` serves only
    them. `sparql_endpoint` serves a remote store instead (kg.store.remote), writes going to
    `sparql_update`. `worker_memory` (MiB) is Settings.max_private_bytes. The update token
    comes from `update_token`, else KG_UPDATE_TOKEN.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if not 0 < port < 65536:
        print(f"kg serve: --port {port} is not a TCP port (1-65535)", file=sys.stderr)
        return 2
    # Before the store is loaded (seconds to minutes at scale): a port in use is said at once.
    if problem := _cannot_listen(host, port):
        print(f"kg serve: cannot listen on {host}:{port}: {problem}", file=sys.stderr)
        return 1
    token = update_token or os.environ.get("KG_UPDATE_TOKEN") or None
    try:
        settings = Settings(
            query_timeout=query_timeout,
            queue_wait=queue_wait,
            workers=workers,
            max_result_bytes=max_result_bytes,
            max_private_bytes=None if worker_memory is None else worker_memory * 1024 * 1024,
            explorer_max_items=explorer_max_items,
            allow_update=allow_update,
            update_token=token,
            service_allow=tuple(service_allow if service_allow is not None else [WIKIDATA]),
        )
    except ValueError as error:
        print(f"kg serve: {error}", file=sys.stderr)
        return 2
    if sparql_endpoint:
        store = RemoteStore(sparql_endpoint, sparql_update, timeout=query_timeout)
        try:
            store.check()
        except (RemoteFailed, SyntaxError) as error:
            print(f"kg serve: {error}", file=sys.stderr)
            return 1
        finally:
            store.close()  # the workers open their own connections
    else:
        if build_data and not (dist_dir / DATASET_FILE).is_file():
            print(f"kg serve: no {DATASET_FILE} in {dist_dir}; run `kg build` first", file=sys.stderr)
            return 1
        try:
            store = datasets.open_dataset(datasets.sources(dist_dir if build_data else None, load), store_dir)
        except KgError as error:
            print(f"kg serve: {error}", file=sys.stderr)
            return error.exit_code
    app = create_app(store, settings, started=memory.settle_server)
    served = shown(sparql_endpoint) if sparql_endpoint else dist_dir
    log.info("serving %s on http://%s:%d/ (%d workers, %gs timeout, %gs queue wait, updates %s)", served,
             host, port, workers, query_timeout, queue_wait, "on" if allow_update else "off")
    # On SIGTERM, in-flight queries get half a second; then their workers are killed, so the
    # server and every worker are gone within a second (no query holds the shutdown).
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="info", timeout_graceful_shutdown=0.5)
    return 0


def _cannot_listen(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (taken, no such address), or None."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as error:
        return f"unknown host ({error.strerror})"
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as error:
            return error.strerror or str(error)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.service.server", description=__doc__)
    parser.add_argument("dist", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--store-dir", type=Path)
    parser.add_argument("--allow-update", action="store_true")
    parser.add_argument("--update-token")
    parser.add_argument("--query-timeout", type=float, default=30.0)
    parser.add_argument("--queue-wait", type=float, default=Settings.queue_wait)
    parser.add_argument("--service-allow", action="append")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-result-bytes", type=int, default=Settings.max_result_bytes)
    parser.add_argument("--worker-memory", type=int)
    parser.add_argument("--explorer-max-items", type=int, default=Settings.explorer_max_items)
    parser.add_argument("--load", type=Path, action="append", default=[])
    parser.add_argument("--no-build-data", action="store_true")
    parser.add_argument("--sparql-endpoint")
    parser.add_argument("--sparql-update")
    args = parser.parse_args(argv)
    return serve(args.dist, host=args.host, port=args.port, store_dir=args.store_dir,
                 allow_update=args.allow_update, update_token=args.update_token,
                 query_timeout=args.query_timeout, queue_wait=args.queue_wait, service_allow=args.service_allow,
                 workers=args.workers, max_result_bytes=args.max_result_bytes,
                 worker_memory=args.worker_memory, explorer_max_items=args.explorer_max_items, load=args.load, build_data=not args.no_build_data,
                 sparql_endpoint=args.sparql_endpoint, sparql_update=args.sparql_update)


if __name__ == "__main__":
    raise SystemExit(main())
