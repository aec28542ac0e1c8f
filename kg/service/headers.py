"""Security headers on every answer: no content sniffing anywhere, and on HTML pages a Content
Security Policy that allows only our own scripts, styles and requests, no framing, no referrer
sent to other sites."""
from __future__ import annotations

# Every script and style sheet of ours is a file under /static (the JSON data blocks of the pages
# are not run); the browser tests load each page under this policy and find no violation.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

EVERY_ANSWER = [(b"x-content-type-options", b"nosniff")]
HTML_ANSWERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),  # frame-ancestors for browsers that predate it
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """Plain ASGI middleware: adds the headers above to the response's start message."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
                html = content_type.split(b";")[0].strip().lower() == b"text/html"
                extra = EVERY_ANSWER + (HTML_ANSWERS if html else [])
                headers += [(name, value) for name, value in extra if name not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)
