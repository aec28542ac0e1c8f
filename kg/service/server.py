"""`kg serve`: load the last build into the store and run the service under uvicorn.

`python -m kg.service.server DIST [options]` does the same without the CLI (tests, benchmarks).
"""
from __future__ import annotations

import argparse
import logging
import socket
import sys
from pathlib import Path

import uvicorn

from kg.errors import KgError, RemoteFailed, UsageError
from kg.options import add_serve_options, settings_from
from kg.service.app import create_app
from kg.settings import Settings
from kg.store import datasets, memory
from kg.store.datasets import DATASET_FILE
from kg.store.remote import RemoteStore, shown

log = logging.getLogger(__name__)


def start(dist_dir: Path, args: argparse.Namespace, settings: Settings) -> None:
    """Serve `dist_dir`'s dataset (or what the serve options name instead) until interrupted."""
    setup_logging()
    # Before the store is loaded (seconds to minutes at scale): a port in use is said at once.
    check_port(args.host, args.port)
    store = open_store(dist_dir, args, settings)
    served = shown(args.sparql_endpoint) if args.sparql_endpoint else dist_dir
    log.info("serving %s on http://%s:%d/ (%d workers, %gs timeout, %gs queue wait, updates %s)", served,
             args.host, args.port, settings.workers, settings.query_timeout, settings.queue_wait,
             "on" if settings.allow_update else "off")
    serve(store, settings, args.host, args.port)


def setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")


def check_port(host: str, port: int) -> None:
    """Refuse a port that is no TCP port (usage) or that cannot be listened on (taken, no such host)."""
    if not 0 < port < 65536:
        raise UsageError(f"--port {port} is not a TCP port (1-65535)")
    if problem := _cannot_listen(host, port):
        raise KgError(f"cannot listen on {host}:{port}: {problem}")


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


def open_store(dist_dir: Path, args: argparse.Namespace, settings: Settings):
    """The store the serve options name: a remote endpoint (--sparql-endpoint, writes going to
    --sparql-update), checked now; else the build's dataset (unless --no-build-data) and each
    --load file in a named graph (kg.store.datasets), on disk in --store-dir if given."""
    if args.sparql_endpoint:
        store = RemoteStore(args.sparql_endpoint, args.sparql_update, timeout=settings.query_timeout)
        try:
            store.check()
        except (RemoteFailed, SyntaxError) as error:
            raise KgError(str(error)) from None
        finally:
            store.close()  # the workers open their own connections
        return store
    if not args.no_build_data and not (dist_dir / DATASET_FILE).is_file():
        raise KgError(f"no {DATASET_FILE} in {dist_dir}; run `kg build` first")
    found = datasets.sources(None if args.no_build_data else dist_dir, args.load)
    store = datasets.open_dataset(found, args.store_dir)
    if not args.allow_empty and (empty := datasets.empty_parts(store, found)):
        raise KgError("nothing to serve where data was expected: " + "; ".join(empty) +
                      " (rebuild with `kg build`, or pass --allow-empty to serve it as it is)")
    return store


def serve(store, settings: Settings, host: str, port: int) -> None:
    """Run the service on the store under uvicorn until interrupted; raises KgError (exit 1)
    when it stopped because its query workers could not go on, so that a supervisor restarts it."""
    broken: list[str] = []

    def stop(reason: str) -> None:
        broken.append(reason)
        server.should_exit = True  # uvicorn's own shutdown: answers in flight end first

    app = create_app(store, settings, started=memory.settle_server, on_broken=stop)
    # On SIGTERM, in-flight queries get half a second; then their workers are killed, so the
    # server and every worker are gone within a second (no query holds the shutdown).
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, access_log=False, log_level="info",
                                           timeout_graceful_shutdown=0.5))
    server.run()
    if broken:
        raise KgError(f"stopped: {broken[0]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.service.server", description=__doc__)
    parser.add_argument("dist", type=Path)
    add_serve_options(parser)
    args = parser.parse_args(argv)
    try:
        start(args.dist, args, settings_from(args))
    except KgError as error:
        print(f"kg serve: {error}", file=sys.stderr)
        return error.exit_code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
