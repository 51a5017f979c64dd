"""What an operator runs the service with: request ids and latency per route (middleware),
``/healthz`` (alive), ``/readyz`` (database, migrations, broker) and ``/metrics`` (Prometheus).

``/metrics`` needs ``Authorization: Bearer <KURZUM_METRICS_TOKEN>``; without a token set it
answers loopback clients only. The database-derived metrics are the same in every process;
the request latency histogram is per process, or shared by all ``serve --workers`` processes
when ``PROMETHEUS_MULTIPROC_DIR`` names a directory (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kurzum.logs import request_id
from kurzum.settings import Settings
from kurzum.storage import stats
from kurzum.storage.db import SessionFactory, current_revision, engine_of, head_revision

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
_GOOD_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
UNMATCHED = "<unmatched>"


class RequestContextMiddleware:
    """Gives every request an id (the client's ``X-Request-ID`` when sane, else a new one),
    sets it on every log line and on the response, and times the request by route template."""

    def __init__(self, app: ASGIApp, latency: Histogram) -> None:
        self.app = app
        self.latency = latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = ""
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                given = value.decode("latin-1")
                break
        rid = given if _GOOD_ID.fullmatch(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        status = 500

        async def with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", rid.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        start = time.perf_counter()
        try:
            await self.app(scope, receive, with_id)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or UNMATCHED
            self.latency.labels(scope.get("method", "GET"), template, str(status)).observe(
                time.perf_counter() - start
            )
            request_id.reset(token)


class DatabaseCollector(Collector):
    """The metrics read from the database at each scrape (:mod:`kurzum.storage.stats`)."""

    def __init__(self, session_factory: SessionFactory, settings: Settings) -> None:
        self._factory = session_factory
        self._settings = settings

    def collect(self) -> Iterator[Any]:
        with self._factory() as session:
            snap = stats.snapshot(
                session,
                dead_after=self._settings.worker_dead_seconds,
            )
        made = CounterMetricFamily(
            "kurzum_summaries",
            "Summary versions made, by method and state",
            labels=["method", "state"],
        )
        for (method, state), n in sorted(snap.summaries.items()):
            made.add_metric([method, state], n)
        yield made
        yield CounterMetricFamily(
            "kurzum_llm_fallbacks",
            "Summaries where the LLM answer was replaced by the extractive one",
            value=snap.fallbacks,
        )
        tokens = CounterMetricFamily("kurzum_llm_tokens", "LLM tokens spent", labels=["kind"])
        tokens.add_metric(["prompt"], snap.prompt_tokens)
        tokens.add_metric(["completion"], snap.completion_tokens)
        yield tokens
        yield CounterMetricFamily(
            "kurzum_summary_failures", "Failed summarization attempts", value=snap.failures
        )
        yield CounterMetricFamily(
            "kurzum_summary_retries", "Failed articles sent again on demand", value=snap.retries
        )
        backlog = GaugeMetricFamily("kurzum_articles", "Live articles by status", labels=["status"])
        for status in ("pending", "ready", "failed"):
            backlog.add_metric([status], snap.articles.get(status, 0))
        yield backlog
        hooks = GaugeMetricFamily(
            "kurzum_webhook_deliveries", "Webhook deliveries by status", labels=["status"]
        )
        for status in ("pending", "delivered", "failed"):
            hooks.add_metric([status], snap.webhooks.get(status, 0))
        yield hooks
        yield GaugeMetricFamily(
            "kurzum_workers_alive",
            "Celery worker processes with a recent heartbeat",
            value=snap.workers_alive,
        )
        ages = GaugeMetricFamily(
            "kurzum_worker_heartbeat_age_seconds",
            "Seconds since each worker process last beat",
            labels=["worker"],
        )
        for worker, age in sorted(snap.heartbeats.items()):
            ages.add_metric([worker], age)
        yield ages


def latency_histogram(registry: CollectorRegistry | None) -> Histogram:
    """The request latency histogram (by method, route template and status)."""
    return Histogram(
        "kurzum_http_request_duration_seconds",
        "Time to answer a request, by route template",
        ["method", "route", "status"],
        registry=registry,
        buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0),
    )


def _multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def install(app: FastAPI, settings: Settings, session_factory: SessionFactory) -> None:
    """Add the middleware and the three operator routes to ``app``."""
    registry = CollectorRegistry()
    # In multiprocess mode the histogram writes to files that MultiProcessCollector reads.
    latency = latency_histogram(None if _multiprocess() else registry)
    database = DatabaseCollector(session_factory, settings)
    registry.register(database)
    if _multiprocess():
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    app.add_middleware(RequestContextMiddleware, latency=latency)
    app.state.metrics_registry = registry

    @app.get("/healthz", tags=["service"], summary="Liveness")
    def healthz() -> dict[str, str]:
        """``{"status": "ok"}`` while the process serves requests (nothing else is checked)."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["service"], summary="Readiness: database, migrations, broker")
    def readyz() -> JSONResponse:
        """200 when the database answers, its schema is current and (with Celery) the broker
        answers; 503 with the failing checks otherwise."""
        checks = readiness(settings, session_factory, getattr(app.state, "dispatcher", None))
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "unavailable", "checks": checks},
            status_code=200 if ready else 503,
            headers={"Cache-Control": "no-store"},
        )

    @app.get("/metrics", tags=["service"], summary="Prometheus metrics", include_in_schema=False)
    def metrics(request: Request) -> Response:
        """Prometheus text format; needs the bearer token (or a loopback client without one)."""
        denied = _denied(request, settings)
        if denied is not None:
            return denied
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def _denied(request: Request, settings: Settings) -> Response | None:
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    if token:
        given = request.headers.get("authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return None
        return JSONResponse(
            {"error": {"code": "unauthorized", "message": "metrics need the bearer token"}},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    host = request.client.host if request.client else ""
    if host in LOOPBACK:
        return None
    return JSONResponse(
        {"error": {"code": "forbidden", "message": "set KURZUM_METRICS_TOKEN to scrape remotely"}},
        status_code=403,
    )


def readiness(
    settings: Settings, session_factory: SessionFactory, dispatcher: object | None
) -> dict[str, str]:
    """Each check's result: ``ok`` or a one-line reason."""
    checks: dict[str, str] = {}
    try:
        with session_factory() as session:
            session.execute(text("SELECT 1"))
        checks["database"] = "ok"
        current = current_revision(engine_of(session_factory))
        head = head_revision()
        checks["migrations"] = (
            "ok" if current == head else f"schema at {current or 'none'}, needs {head}"
        )
    except Exception as exc:  # any database error means "not ready"
        checks["database"] = f"unavailable: {type(exc).__name__}"
    if settings.worker == "celery":
        waiting: Callable[[], int | None] | None = getattr(dispatcher, "waiting", None)
        checks["broker"] = "ok" if waiting is not None and waiting() is not None else "unavailable"
    return checks
