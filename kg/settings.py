"""The service's settings: limits, policy and workers, as one immutable value passed around."""
from __future__ import annotations

import math
from urllib.parse import urlsplit
from dataclasses import dataclass, field

WIKIDATA = "https://query.wikidata.org/sparql"
MAX_WORKERS = 256
"""More worker processes than this is a typo, not a plan (each may hold a copy of the store)."""


@dataclass(frozen=True)
class Settings:
    """What `kg serve` can tune; the defaults are the safe ones."""

    query_timeout: float = 30.0
    """Seconds a query may run before its worker is killed and the client gets 504."""
    workers: int = 2
    """Worker processes answering queries in parallel."""
    client_workers: int | None = None
    """Workers one client (by its IP address) may hold at once; its further queries wait for one
    of its own to end (up to queue_wait, then 503). None: all but one (at least one), so that a
    client with heavy queries always leaves a worker for everyone else."""
    queue_wait: float = 2.0
    """Seconds a request waits for a free worker before a 503."""
    max_query_length: int = 64 * 1024
    """Characters in a query or update; longer ones get 413 before any parsing."""
    max_body_bytes: int = 16 * 1024 * 1024
    """Bytes in a request body (Graph Store uploads included); larger ones get 413."""
    body_timeout: float = 10.0
    """Seconds a request body may take to arrive whole; a slower sender gets 408 and is cut off."""
    base_url: str | None = None
    """The public address of the service (https://example.org/kg), written into the service
    description and VoID; None: the address the server is bound to. Never the Host header."""
    allow_update: bool = False
    update_token: str | None = None
    service_allow: tuple[str, ...] = field(default=(WIKIDATA,))
    """Endpoints a SERVICE clause may call; any other is refused with 403."""
    service_timeout: float = 20.0
    """Seconds one SERVICE call may take (through kg.sparql.relay) before the query fails with 502."""
    max_service_bytes: int = 16 * 1024 * 1024
    """Bytes one SERVICE answer may have; a larger one fails the query with 502."""
    max_result_bytes: int = 64 * 1024 * 1024
    """Bytes of a serialized query result; a larger one gets 413 (`--max-result-bytes`)."""
    max_private_bytes: int | None = None
    """Private memory the workers may hold in all, in bytes. Evaluating a query writes to the
    store's pages it reads (pyoxigraph's in-memory store), so each worker's copy-on-write share
    of the store turns private as it works; a worker that has one is fast, a fresh fork pays the
    copying again. After a query, when the workers' private memory passes this budget and no
    request is waiting for a worker, the worker that ran it is retired and a fresh fork takes its
    place (under contention the copies are kept, up to one per worker, until the queue empties).
    None: one copy of the store (what the zygote holds at start, at least min_private_budget), so
    one warm worker keeps its copy and memory at rest stays near twice the store's."""
    min_private_budget: int = 256 * 1024 * 1024
    """The floor of the default budget (small or on-disk stores: the workers' query memory)."""
    recycle_check_after: float = 0.1
    """Seconds a query must have taken before its worker's memory is checked (light queries dirty
    no pages worth a check)."""
    retry_after: int = 2
    """Seconds suggested to a client refused with 503."""
    explorer_max_items: int = 5000
    """Events (support relations, casualty records: what a view draws) an explorer view draws at
    most: at 1M triples all of the timeline's outlive the deadline and the casualty chart is a
    37 MB page. Past it a view without a date window draws the latest that fit (the network,
    which has none, is not drawn); a window that holds more points to the query editor."""

    @property
    def per_client(self) -> int:
        """Workers one client may hold at once (client_workers, or all but one)."""
        return self.client_workers if self.client_workers is not None else max(1, self.workers - 1)

    def __post_init__(self) -> None:
        if self.allow_update and not self.update_token:
            raise ValueError("--allow-update needs an update token (--update-token or KG_UPDATE_TOKEN)")
        if not 1 <= self.workers <= MAX_WORKERS:
            raise ValueError(f"workers must be between 1 and {MAX_WORKERS}")
        if self.client_workers is not None and not 1 <= self.client_workers <= self.workers:
            raise ValueError(f"client-workers must be between 1 and the number of workers ({self.workers})")
        for name in ("query_timeout", "queue_wait", "service_timeout", "body_timeout"):
            if not math.isfinite(getattr(self, name)):
                raise ValueError(f"{name.replace('_', '-')} must be a finite number of seconds, "
                                 f"not {getattr(self, name)}")
        if self.base_url is not None:
            parts = urlsplit(self.base_url)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment \
                    or self.base_url.endswith("/"):
                raise ValueError(f"base-url must be an http(s) address without a query, fragment or final "
                                 f"slash, such as https://example.org/kg; not {self.base_url!r}")
        if self.max_private_bytes is not None and self.max_private_bytes < 0:
            raise ValueError("worker-memory must not be negative")
        if self.explorer_max_items < 0:
            raise ValueError("explorer-max-items must not be negative")
        for name in ("query_timeout", "queue_wait", "service_timeout", "body_timeout", "max_result_bytes",
                     "max_query_length",
                     "max_body_bytes", "max_service_bytes"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name.replace('_', '-')} must be positive")
