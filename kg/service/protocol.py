"""Reads a SPARQL 1.1 Protocol request (GET, POST form, POST direct) into one Operation.

Body and parameters are read once; what the protocol forbids raises a RequestError of kg.errors.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import mimeparse
import pyoxigraph
from starlette.requests import Request

from kg.errors import BadRequest, SlowRequest, TooLarge, UnsupportedMediaType
from kg.settings import Settings

log = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = {"application/sparql-query": "query", "application/sparql-update": "update"}
DATASET_PARAMETERS = {
    "query": ("default-graph-uri", "named-graph-uri"),
    "update": ("using-graph-uri", "using-named-graph-uri"),
}


@dataclass(frozen=True)
class Operation:
    """One query or update, with the graphs the protocol named for its dataset."""

    kind: str | None
    """"query", "update", or None for a bare GET (the service description)."""
    text: str = ""
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


async def read_body(request: Request, settings: Settings) -> bytes:
    """The request body, refused (TooLarge) as soon as it passes the limit, and cut off
    (SlowRequest) when it has not arrived whole within the body timeout: a sender that stalls
    mid-body would otherwise hold its connection for as long as it likes."""
    limit = settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"request body larger than the limit of {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(settings.body_timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise TooLarge(f"request body larger than the limit of {limit} bytes")
                chunks.append(chunk)
    except TimeoutError:
        log.info("%s %s: cut off a body still arriving after %g s (%d bytes so far)", request.method,
                 request.url.path, settings.body_timeout, size)
        raise SlowRequest(f"the request body did not arrive within {settings.body_timeout:g} s") from None
    return b"".join(chunks)


def media_type(request: Request) -> tuple[str, dict[str, str]]:
    """The request's Content-Type as (type/subtype, parameters); UnsupportedMediaType when unreadable."""
    header = request.headers.get("content-type")
    if not header:
        raise UnsupportedMediaType("a POST needs a Content-Type: application/sparql-query, "
                                   "application/sparql-update or application/x-www-form-urlencoded")
    try:
        main, sub, parameters = mimeparse.parse_mime_type(header)
    except mimeparse.MimeTypeParseException as error:
        raise UnsupportedMediaType(f"unreadable Content-Type {header!r}") from error
    return f"{main}/{sub}".lower(), {k.lower(): v for k, v in parameters.items()}


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(f"{what} is not valid UTF-8: {error}") from error


def _pairs(text: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict")
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(f"malformed parameters: {error}") from error


def _graphs(pairs: list[tuple[str, str]], name: str) -> list[str]:
    graphs = [value for key, value in pairs if key == name]
    for iri in graphs:
        try:
            pyoxigraph.NamedNode(iri)
        except ValueError as error:
            raise BadRequest(f"{name} is not an absolute IRI: {iri!r}") from error
    return graphs


def _operation(pairs: list[tuple[str, str]], direct: tuple[str, str] | None) -> Operation:
    texts = [(key, value) for key, value in pairs if key in ("query", "update")]
    if direct is not None:
        if texts:
            raise BadRequest(f"{texts[0][0]} given both in the URL and as the request body")
        texts = [direct]
    if len(texts) > 1:
        raise BadRequest("exactly one query or update per request; got "
                         + ", ".join(key for key, _ in texts))
    if not texts:
        return Operation(None)
    kind, text = texts[0]
    default_name, named_name = DATASET_PARAMETERS[kind]
    return Operation(kind, text, _graphs(pairs, default_name), _graphs(pairs, named_name))


async def read_operation(request: Request, settings: Settings) -> Operation:
    """The operation a /sparql request asks for, following the SPARQL 1.1 Protocol."""
    url_pairs = _pairs(request.scope["query_string"].decode("latin-1"))
    if request.method == "GET":
        operation = _operation(url_pairs, None)
        if operation.kind == "update":
            raise BadRequest("an update must be sent with POST")
        return operation
    kind, parameters = media_type(request)
    if kind == FORM:
        body_pairs = _pairs(_utf8(await read_body(request, settings), "the form body"))
        both = {key for key, _ in url_pairs} & {key for key, _ in body_pairs}
        if both:
            raise BadRequest(f"parameter given both in the URL and in the body: {', '.join(sorted(both))}")
        return _operation(url_pairs + body_pairs, None)
    if kind in DIRECT:
        charset = parameters.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(f"{kind} must be UTF-8, not {charset}")
        text = _utf8(await read_body(request, settings), "the request body")
        return _operation(url_pairs, (DIRECT[kind], text))
    raise UnsupportedMediaType(f"cannot read a {kind} body; send application/sparql-query, "
                               f"application/sparql-update or {FORM}")
