"""The federation relay: a small HTTP server on 127.0.0.1 through which SERVICE clauses reach
the allowlisted endpoints, with our User-Agent (as Wikimedia's policy asks), a deadline and a
size cap; pyoxigraph's own client can be given none of these. kg.sparql.policy points SERVICE at it.
"""
from __future__ import annotations

import hmac
import logging
import re
import secrets
import threading
import time
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pyoxigraph

from kg.errors import FederationError, RequestError, UsageError
from kg.linking.wikidata import default_user_agent
from kg.sparql.policy import check_query

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 1024 * 1024
"""A SERVICE request carries one sub-query: far below this."""
_FORWARDED = ("accept", "content-type")
_PATH = re.compile(r"/relay/(?P<secret>[A-Za-z0-9_-]+)/(?P<index>[0-9]+)(?:\?(?P<query>.*))?", re.S)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # Relay._forward logs each call itself

    def _answer(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.send_header("connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def _handle(self) -> None:
        status, body, content_type = self.server.relay.forward(self.command, self.path, self.headers, self.rfile)
        self._answer(status, body, content_type)

    do_GET = do_POST = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    relay: Relay


class Relay:
    """Forwards `POST|GET /relay/<secret>/<n>` to the n-th endpoint; refuses anything else.

    The secret in the path keeps other local programs from using the relay as a proxy.
    """

    def __init__(self, endpoints: Iterable[str], *, timeout: float = 20.0, max_bytes: int = 16 * 1024 * 1024,
                 user_agent: str | None = None, transport: httpx.BaseTransport | None = None) -> None:
        self.endpoints = tuple(endpoints)
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.user_agent = user_agent or default_user_agent()
        self._secret = secrets.token_urlsafe(16)
        self._transport = transport
        self._server: _Server | None = None
        self._client: httpx.Client | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def from_settings(cls, settings) -> Relay:
        return cls(settings.service_allow, timeout=settings.service_timeout, max_bytes=settings.max_service_bytes)

    def start(self) -> Relay:
        self._client = httpx.Client(headers={"user-agent": self.user_agent}, follow_redirects=False,
                                    timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 5.0)),
                                    transport=self._transport)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.relay = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="kg-relay", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> Relay:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def _base(self) -> str:
        if self._server is None:
            raise RuntimeError("the relay is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}/relay/{self._secret}/"

    def url_for(self, endpoint: str) -> str:
        """The relay's address standing for an allowlisted endpoint."""
        return self._base + str(self.endpoints.index(endpoint))

    def is_relay_url(self, url: str) -> bool:
        base = self._base
        return url.startswith(base) and url[len(base):].isdigit()

    def forward(self, method: str, path: str, headers, body_stream) -> tuple[int, bytes, str]:
        """(status, body, content type) answering one request that reached the relay."""
        match = _PATH.fullmatch(path)
        if not match or not hmac.compare_digest(match["secret"], self._secret) \
                or int(match["index"]) >= len(self.endpoints):
            return 404, b"not a relay address\n", "text/plain; charset=utf-8"
        endpoint = self.endpoints[int(match["index"])]
        length = headers.get("content-length") or "0"
        if not length.isdigit() or int(length) > MAX_REQUEST_BYTES:
            return 413, b"SERVICE request too large\n", "text/plain; charset=utf-8"
        body = body_stream.read(int(length)) if method == "POST" else b""
        url = endpoint + (("&" if "?" in endpoint else "?") + match["query"] if match["query"] else "")
        started = time.monotonic()
        status, answer, content_type = self._call(method, url, endpoint, body,
                                                  {k: headers[k] for k in _FORWARDED if headers.get(k)})
        log.info("SERVICE <%s> %s %d %d bytes %.0fms", endpoint, method, status, len(answer),
                 (time.monotonic() - started) * 1000)
        return status, answer, content_type

    def _call(self, method: str, url: str, endpoint: str, body: bytes, headers: dict) -> tuple[int, bytes, str]:
        text = "text/plain; charset=utf-8"
        deadline = time.monotonic() + self.timeout
        try:
            with self._client.stream(method, url, content=body or None, headers=headers) as response:
                if response.is_redirect:
                    return 502, f"SERVICE <{endpoint}> redirected; not followed\n".encode(), text
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        return 502, (f"SERVICE <{endpoint}> answered more than the limit of "
                                     f"{self.max_bytes} bytes\n").encode(), text
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("deadline passed while reading")
                    chunks.append(chunk)
                return response.status_code, b"".join(chunks), response.headers.get("content-type", text)
        except httpx.TimeoutException:
            return 504, f"SERVICE <{endpoint}> did not answer within {self.timeout:g} s\n".encode(), text
        except httpx.HTTPError as error:
            return 502, f"SERVICE <{endpoint}> failed: {error}\n".encode(), text


def query_online(store: pyoxigraph.Store, text: str, settings, **query_arguments):
    """Run a query whose SERVICE clauses go out through a relay started for it (for `kg query
    --online`); the results are read in full before the relay stops.

    Raises UsageError when the policy refuses the query (SERVICE off the allowlist) and
    FederationError when a remote service fails.
    """
    with Relay.from_settings(settings) as relay:
        try:
            checked = check_query(text, settings, None, relay)
        except RequestError as refused:
            raise UsageError(refused.message) from None
        try:
            result = store.query(checked.text, **query_arguments)
            if isinstance(result, pyoxigraph.QueryBoolean):
                return result
            if isinstance(result, pyoxigraph.QuerySolutions):
                data = result.serialize(format=pyoxigraph.QueryResultsFormat.JSON)
                return pyoxigraph.parse_query_results(data, format=pyoxigraph.QueryResultsFormat.JSON)
            return list(result)
        except OSError as error:
            raise FederationError(f"a remote SPARQL service failed: {error}") from None
