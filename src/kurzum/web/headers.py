"""Security headers on every answer; the Content-Security-Policy on HTML pages (issue 14).

Pages load scripts and styles from the service itself only (static/kurzum.js, kurzum.css);
the JSON-LD block is data, not script, so CSP does not apply to it. The interactive API docs
(/docs, /redoc) start Swagger UI with an inline script: their routes send :func:`docs_csp`,
which allows exactly that script by its SHA-256 hash (never ``'unsafe-inline'`` for
scripts); ReDoc's and Swagger UI's styles are injected at run time, so only their styles may
be inline. A route that sends its own policy keeps it.
Framing (``frame-ancestors``, ``X-Frame-Options``) is decided per publication by
:mod:`kurzum.web.cors`, which adds its own policy header; browsers enforce every CSP header
they get, so this one leaves framing out.
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

BASE_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (
        b"permissions-policy",
        b"camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
        b"interest-cohort=(), browsing-topics=()",
    ),
]
PAGE_CSP = (
    b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    b"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    b"form-action 'self'"
)
API_CSP = b"default-src 'none'"
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
# The inline <script> elements of a page (one with a src attribute is not inline).
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)


def script_hashes(html: bytes) -> list[str]:
    """The CSP sources (``'sha256-…'``) of the inline scripts of ``html``, in page order."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    ]


def docs_csp(html: bytes) -> str:
    """The CSP of an API docs page: scripts from the service plus the page's own inline
    scripts by hash; inline styles (Swagger UI and ReDoc inject them), ``data:`` images and
    fonts, and ReDoc's search worker from a ``blob:`` URL."""
    scripts = " ".join(["'self'", *script_hashes(html)])
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'"
    )


class SecurityHeadersMiddleware:
    """Adds nosniff, referrer, framing, COOP and Permissions-Policy to every answer, the CSP
    (strict on HTML, deny-all on the rest) and HSTS when the cookies are ``Secure`` (a
    deployment behind HTTPS)."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.extra = BASE_HEADERS + ([HSTS] if hsts else [])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                if b"content-security-policy" not in names:
                    html = any(
                        name.lower() == b"content-type" and value.startswith(b"text/html")
                        for name, value in headers
                    )
                    headers.append((b"content-security-policy", PAGE_CSP if html else API_CSP))
                message["headers"] = headers + self.extra
            await send(message)

        await self.app(scope, receive, with_headers)
