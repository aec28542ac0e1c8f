"""The command-line options that more than one entry point takes, each defined once: the sources
of a dataset (`kg query`, `push`, `serve`) and the service's (`kg serve` and `python -m
kg.service.server`), which fill a Settings; their defaults are those of Settings.
"""
from __future__ import annotations

import argparse
import math
import os
from pathlib import Path

from kg.errors import UsageError
from kg.settings import Settings


def seconds(text: str) -> float:
    """An argparse type: a finite, positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not a positive, finite number of seconds")
    return value


def whole(low: int, high: int):
    """An argparse type: a whole number from `low` to `high`."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
        return value

    parse.__name__ = "whole number"  # what argparse names in its message
    return parse


def add_load_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--load", action="append", default=[], type=Path, metavar="FILE",
                        help="also load this RDF file (.ttl .nt .nq .trig .rdf .jsonld) into the graph "
                             "named by its file: URI (repeatable)")
    parser.add_argument("--no-build-data", action="store_true", help="leave the build out: only the --load files")


def add_serve_options(parser: argparse.ArgumentParser) -> None:
    """Where the service listens, what it serves and its Settings."""
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--base-url", metavar="URL",
                        help="the service's public address, for the service description and VoID (default: "
                             "the address it listens on; never the request's Host header)")
    parser.add_argument("--store-dir", type=Path, help="keep an on-disk store here and reuse it on later starts")
    parser.add_argument("--allow-update", action="store_true", help="accept SPARQL Update with the token")
    parser.add_argument("--update-token", help="bearer token for updates (or KG_UPDATE_TOKEN)")
    parser.add_argument("--query-timeout", type=float, default=Settings.query_timeout,
                        help=f"seconds before a query is stopped (default {Settings.query_timeout:g})")
    parser.add_argument("--queue-wait", type=float, default=Settings.queue_wait, metavar="SECONDS",
                        help=f"how long a query waits for a free worker before a 503 with Retry-After "
                             f"(default {Settings.queue_wait:g})")
    parser.add_argument("--body-timeout", type=float, default=Settings.body_timeout, metavar="SECONDS",
                        help=f"how long a request body may take to arrive; a slower sender gets 408 "
                             f"(default {Settings.body_timeout:g})")
    parser.add_argument("--service-allow", action="append", metavar="URL",
                        help="endpoint SERVICE may call (repeatable; default: Wikidata)")
    parser.add_argument("--workers", type=int, default=Settings.workers,
                        help=f"query worker processes (default {Settings.workers})")
    parser.add_argument("--client-workers", type=int, metavar="N",
                        help="workers one client (by IP address) may hold at once; its other queries wait "
                             "for one of its own (default: all but one, so others always find one)")
    parser.add_argument("--max-result-bytes", type=int, default=Settings.max_result_bytes,
                        help=f"largest query result answered; above it 413 (default "
                             f"{Settings.max_result_bytes // 2**20} MiB; Graph Store GETs stream, uncapped)")
    parser.add_argument("--worker-memory", type=int, metavar="MIB",
                        help="private memory the query workers may keep in all before one is replaced "
                             "(default: as much as the store takes, so one warm worker keeps its copy)")
    parser.add_argument("--explorer-max-items", type=int, default=Settings.explorer_max_items, metavar="N",
                        help="events (casualty records, support relations) an explorer view draws at most; past "
                             f"them it draws the latest that fit, or points to its query "
                             f"(default {Settings.explorer_max_items})")
    add_load_options(parser)
    parser.add_argument("--allow-empty", action="store_true",
                        help="serve a dataset or file with no triples (by default an empty build or file "
                             "stops the start)")
    parser.add_argument("--sparql-endpoint", metavar="URL",
                        help="serve a remote store's SPARQL endpoint instead of the build (see README)")
    parser.add_argument("--sparql-update", metavar="URL", help="the remote store's update endpoint, for --allow-update")


def settings_from(args: argparse.Namespace) -> Settings:
    """The Settings the serve options ask for (the update token from --update-token, else
    KG_UPDATE_TOKEN); one Settings refuses is a usage error that names the option."""
    try:
        return Settings(
            query_timeout=args.query_timeout,
            queue_wait=args.queue_wait,
            body_timeout=args.body_timeout,
            workers=args.workers,
            client_workers=args.client_workers,
            max_result_bytes=args.max_result_bytes,
            max_private_bytes=None if args.worker_memory is None else args.worker_memory * 1024 * 1024,
            explorer_max_items=args.explorer_max_items,
            base_url=args.base_url,
            allow_update=args.allow_update,
            update_token=args.update_token or os.environ.get("KG_UPDATE_TOKEN") or None,
            service_allow=tuple(args.service_allow) if args.service_allow else Settings.service_allow,
        )
    except ValueError as error:
        raise UsageError(str(error)) from None
