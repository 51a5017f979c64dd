"""CORS for the reader API and the embed script, and framing rules, per publication.

Only origins a publication lists (``allowed_origins``) may call its reader API from a browser:
they get ``Access-Control-Allow-Origin`` with their own origin and credentials, every other
cross-origin call is refused (403, no data) and every answer says ``Vary: Origin``. A same-origin
request or one without an ``Origin`` header (servers, curl) is not a CORS request and passes.
The embed script is public and open to every origin. kurzum's pages stay non-frameable
(``X-Frame-Options: DENY`` and ``frame-ancestors 'none'``) unless the publication lists
``frame_ancestors``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kurzum.storage.db import engine_of
from kurzum.storage.tables import Article, Publication, SummaryVersion
from kurzum.web import errors
from kurzum.web.auth import VERIFIED_ORIGIN
from kurzum.web.deps import run_read

READER_PREFIX = "/api/v1/reader/"
EMBED_PREFIX = "/embed/"
_PUB_PATH = re.compile(r"^/api/v1/reader/publications/([a-z0-9][a-z0-9-]{0,63})/")
_REPORT_PATH = re.compile(r"^/api/v1/reader/summaries/([0-9]{1,10})/reports$")
_PAGE_PATH = re.compile(r"^/p/([a-z0-9][a-z0-9-]{0,63})(/|$)")
ALLOW_METHODS = b"GET, HEAD, POST, OPTIONS"
ALLOW_HEADERS = b"Authorization, Content-Type, Accept-Language, X-CSRF-Token"
MAX_AGE = b"600"
FRAME_NONE = (b"content-security-policy", b"frame-ancestors 'none'")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def same_origin(scope: Scope, origin: str) -> bool:
    """Whether ``origin`` names this server (host and port; the scheme may be a proxy's)."""
    host = _header(scope, b"host")
    return host is not None and origin.partition("://")[2].lower() == host.lower()


def _origins_of_publication(engine: Engine, slug: str) -> list[Any] | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(Publication.allowed_origins).where(Publication.slug == slug)
        ).first()
    return None if row is None else list(row[0] or [])


def _origins_of_summary(engine: Engine, summary_id: int) -> list[Any] | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(Publication.allowed_origins)
            .join(Article, Article.publication_id == Publication.id)
            .join(SummaryVersion, SummaryVersion.article_id == Article.id)
            .where(SummaryVersion.id == summary_id)
        ).first()
    return None if row is None else list(row[0] or [])


def _frame_ancestors(engine: Engine, slug: str) -> list[Any]:
    with engine.connect() as connection:
        row = connection.execute(
            select(Publication.frame_ancestors).where(Publication.slug == slug)
        ).first()
    return [] if row is None else list(row[0] or [])


def _with_headers(send: Send, change: Callable[[list[Any]], list[Any]]) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = change(list(message.get("headers", [])))
        await send(message)

    return wrapped


def _add_vary_origin(headers: list[Any]) -> list[Any]:
    for i, (key, value) in enumerate(headers):
        if key.lower() == b"vary":
            if b"origin" not in value.lower():
                headers[i] = (key, value + b", Origin")
            return headers
    return [*headers, (b"vary", b"Origin")]


class EmbedMiddleware:
    """CORS of the reader API and the embed script; framing headers of publication pages."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith(EMBED_PREFIX):
            await self.app(scope, receive, _with_headers(send, _public_cors))
        elif path.startswith(READER_PREFIX):
            await self._reader(scope, receive, send)
        else:
            await self.app(scope, receive, await self._framing(scope, send))

    def _engine(self, scope: Scope) -> Engine:
        return engine_of(scope["app"].state.session_factory)

    async def _allowed(self, scope: Scope) -> list[Any] | None:
        """The reader resource's allowed origins; None when the path names no publication."""
        path = scope["path"]
        engine = self._engine(scope)
        if match := _PUB_PATH.match(path):
            return await run_read(engine, _origins_of_publication, engine, match[1])
        if match := _REPORT_PATH.match(path):
            return await run_read(engine, _origins_of_summary, engine, int(match[1]))
        return None

    async def _reader(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = _header(scope, b"origin")
        if origin is None or same_origin(scope, origin):
            await self.app(scope, receive, _with_headers(send, _add_vary_origin))
            return
        allowed = await self._allowed(scope) or []
        preflight = scope["method"] == "OPTIONS"
        if origin not in allowed:
            response = errors.error_response(
                403, "origin_not_allowed", "this origin may not read this publication"
            )
            response.headers["Vary"] = "Origin"
            response.headers["Cache-Control"] = "no-store"
            response.headers["X-Content-Type-Options"] = "nosniff"
            await response(scope, receive, send)
            return
        cors = [
            (b"access-control-allow-origin", origin.encode("latin-1")),
            (b"access-control-allow-credentials", b"true"),
        ]
        if preflight and _header(scope, b"access-control-request-method") is not None:
            headers = [
                *cors,
                (b"access-control-allow-methods", ALLOW_METHODS),
                (b"access-control-allow-headers", ALLOW_HEADERS),
                (b"access-control-max-age", MAX_AGE),
                (b"vary", b"Origin"),
                (b"cache-control", b"no-store"),
                (b"content-length", b"0"),
            ]
            await send({"type": "http.response.start", "status": 204, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        scope.setdefault("state", {})[VERIFIED_ORIGIN] = origin

        def change(headers: list[Any]) -> list[Any]:
            return _add_vary_origin([*headers, *cors])

        await self.app(scope, receive, _with_headers(send, change))

    async def _framing(self, scope: Scope, send: Send) -> Send:
        """Pages of a publication that lists frame ancestors may be framed by those only."""
        match = _PAGE_PATH.match(scope["path"])
        ancestors: list[Any] = []
        if match:
            engine = self._engine(scope)
            ancestors = await run_read(engine, _frame_ancestors, engine, match[1])
        if not ancestors:
            return _with_headers(send, lambda headers: [*headers, FRAME_NONE])
        policy = ("frame-ancestors 'self' " + " ".join(str(a) for a in ancestors)).encode()

        def allow(headers: list[Any]) -> list[Any]:
            kept = [(k, v) for k, v in headers if k.lower() != b"x-frame-options"]
            return [*kept, (b"content-security-policy", policy)]

        return _with_headers(send, allow)


def _public_cors(headers: list[Any]) -> list[Any]:
    """The embed script may be loaded as a module script by any page."""
    return [*headers, (b"access-control-allow-origin", b"*")]
