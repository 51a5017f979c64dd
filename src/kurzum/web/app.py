"""The FastAPI application factory: ``create_app(settings)``; nothing is built at import time."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kurzum import __version__
from kurzum.backends import close_shared_backends
from kurzum.errors import ConfigError
from kurzum.logs import configure_logging
from kurzum.settings import Settings
from kurzum.storage.db import SessionFactory, make_engine, make_session_factory
from kurzum.storage.tables import utcnow
from kurzum.text import DEPTH_MESSAGE, json_too_deep
from kurzum.usecases.dispatch import Dispatcher
from kurzum.web import embed, errors, ops, pages
from kurzum.web.api import accounts, admin, editor, publisher, reader, webhooks
from kurzum.web.cors import EmbedMiddleware
from kurzum.web.headers import SecurityHeadersMiddleware
from kurzum.web.limits import HashGate
from kurzum.webhooks.targets import Resolver, system_resolver
from kurzum.workers.inprocess import InProcessWorker

log = logging.getLogger(__name__)

# `kurzum serve --workers N` puts the serialized settings here for its server processes.
SETTINGS_ENV = "KURZUM_SERVE_SETTINGS"

# The bulk JSONL route reads its own (larger) body after checking the API key (issue 14).
STREAMED_ROUTES = frozenset({("POST", "/api/v1/publisher/articles/bulk")})


def _json_body(scope: Scope) -> bool:
    """True when FastAPI would parse this request's body as JSON: no content type, or
    ``application/json`` or ``application/*+json`` (its own rule)."""
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            kind: bytes = value.split(b";", 1)[0].strip().lower()
            return kind == b"application/json" or (
                kind.startswith(b"application/") and kind.endswith(b"+json")
            )
    return True


class BodyLimitMiddleware:
    """Answer 413 in the error shape when a request body exceeds the limit, and 422 when a
    JSON body nests deeper than :data:`kurzum.text.MAX_JSON_DEPTH` (measured before any
    parser sees it), never a 500.

    Only the exact bulk route is passed through unread: it authenticates first and then
    streams its body under its own limits (kurzum.web.jsonl), measuring each line."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"], scope["path"]) in STREAMED_ROUTES:
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await self._too_large(scope, receive, send, limit)
                return
        body: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._too_large(scope, receive, send, limit)
                return
            body.append(chunk)
            more = message.get("more_body", False)
        payload = b"".join(body)
        if payload and _json_body(scope) and json_too_deep(payload):
            response = errors.error_response(422, "invalid_input", DEPTH_MESSAGE)
            await response(scope, receive, send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": payload, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = errors.error_response(
            413, "payload_too_large", f"the request body exceeds {limit} bytes"
        )
        await response(scope, receive, send)


def create_app(
    settings: Settings,
    *,
    session_factory: SessionFactory | None = None,
    dispatcher: Dispatcher | None = None,
    resolver: Resolver | None = None,
) -> FastAPI:
    """Build the service. Without a dispatcher, an in-process worker does the background work
    (its thread starts with the app when ``settings.worker == "thread"``). ``resolver`` answers
    the webhook address checks (the system's DNS by default; tests inject their own)."""
    engine = None
    if session_factory is None:
        engine = make_engine(settings.sqlalchemy_url)
        session_factory = make_session_factory(engine)
    celery_loop = None
    if dispatcher is None and settings.worker == "celery":  # issue 6: external Celery workers
        # Celery loads only for this deployment: the embedded default never pays its import.
        from kurzum.workers.celery_app import service_dispatcher

        dispatcher, celery_loop = service_dispatcher(settings, session_factory)
    resolver = resolver or system_resolver
    worker = (
        InProcessWorker(session_factory, settings, resolve=resolver) if dispatcher is None else None
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if worker is not None and settings.worker == "thread":
            worker.start()
        if celery_loop is not None:
            celery_loop.start()
        try:
            yield
        finally:
            if celery_loop is not None:
                celery_loop.stop()
            if worker is not None:
                worker.stop()
            close_shared_backends()  # LLM HTTP clients of make_summary, if any were opened
            if engine is not None:
                engine.dispose()

    app = FastAPI(
        title="kurzum",
        version=__version__,
        description=(
            "Short, faithful article summaries for publishers, served under paywall rules. "
            'Every error has the shape `{"error": {"code", "message", "fields"?}}`.'
        ),
        lifespan=lifespan,
        docs_url=None,  # served by kurzum.web.embed from local assets (no CDN)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.session_factory = session_factory
    app.state.dispatcher = dispatcher or worker
    app.state.worker = worker
    app.state.resolver = resolver
    app.state.hash_gate = HashGate(settings.hash_concurrency, settings.hash_wait_seconds)
    app.state.clock = utcnow  # the throttles' clock; tests replace it instead of sleeping
    errors.install(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.cookie_secure)
    app.add_middleware(EmbedMiddleware)  # outside SecurityHeaders: it may lift the frame ban
    for module in (publisher, reader, accounts, editor, admin, webhooks):
        app.include_router(module.router)
    embed.install(app)  # fragment, /embed/v1/kurzum-summary.js, offline /docs (issue 12)
    pages.install(app)  # reader and editor HTML pages + /static (issue 5)
    ops.install(app, settings, session_factory)  # request ids, /healthz, /readyz, /metrics
    return app


def create_served_app() -> FastAPI:
    """The uvicorn factory of ``kurzum serve --workers N``: the settings the parent process read
    and serialized into ``SETTINGS_ENV``, so every server process runs with the same ones; logging
    is configured here too (the processes are spawned, they do not inherit the parent's setup)."""
    serialized = os.environ.get(SETTINGS_ENV)
    if not serialized:
        raise ConfigError(f"{SETTINGS_ENV} is not set: start the service with `kurzum serve`")
    settings = Settings.deserialize(serialized)
    configure_logging(settings.log_format, settings.log_level)
    return create_app(settings)
