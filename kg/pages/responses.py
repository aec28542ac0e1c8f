"""A store's Answer as an HTTP response, written once: the pages use it, and so does the service
(which sits above the pages and imports from them, never the other way)."""
from __future__ import annotations

from fastapi.responses import Response

from kg.store.embedded import Answer


def answer_headers(content_type: str) -> dict[str, str]:
    """The headers of an answer in a negotiated format."""
    return {"content-type": content_type, "vary": "Accept"}


def answer_response(answer: Answer) -> Response:
    """The answer, with its content type; it was negotiated, so it varies with Accept."""
    return Response(answer.body, headers=answer_headers(answer.content_type))
