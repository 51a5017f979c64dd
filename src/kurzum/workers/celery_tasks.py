"""Celery's side of the background work: thin tasks around the shared task functions, the
dispatcher that sends them, and the leased reconcile loop.

The tasks call exactly what the in-process worker calls (:mod:`kurzum.workers.tasks`), so both
runners store the same results; idempotency (article id + content hash) lives there.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from celery import Celery
from kombu.exceptions import ChannelError
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy import Engine, event
from sqlalchemy import exc as sa_exc

from kurzum.settings import Settings
from kurzum.storage import bulk, jobs, outbox
from kurzum.storage.db import SessionFactory, make_engine, make_session_factory, session_scope
from kurzum.workers import tasks
from kurzum.workers.batch import summarize_articles
from kurzum.workers.queues import (
    BACKFILL_QUEUE,
    BATCH_SIZE,
    LIVE_QUEUE,
    SUMMARIZE_BATCH_TASK,
    SUMMARIZE_TASK,
    WEBHOOK_TASK,
)

log = logging.getLogger(__name__)

# Errors of the infrastructure, not of the article: retried with backoff by Celery. Anything the
# summarizer raises is stored on the article by the task function itself.
TRANSIENT: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    sa_exc.DisconnectionError,
    ConnectionError,
)
RETRY_BACKOFF_MAX = 60  # seconds; kept well below the broker's visibility timeout


class WorkerContext:
    """Settings plus one database engine per process (prefork children must not share one)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pid: int | None = None
        self._factory: SessionFactory | None = None
        self._lock = threading.Lock()

    def session_factory(self) -> SessionFactory:
        """The session factory of this process, created on first use after a fork."""
        with self._lock:
            if self._factory is None or self._pid != os.getpid():
                self._factory = make_session_factory(worker_engine(self.settings))
                self._pid = os.getpid()
            return self._factory


def _no_commit_flush(dbapi_connection: Any, connection_record: Any) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    dbapi_connection.commit()


def worker_engine(settings: Settings) -> Engine:
    """The workers' engine. On PostgreSQL their commits do not wait for the WAL flush
    (``synchronous_commit=off``, ~6 ms saved per commit here): everything a worker writes is
    derived from a stored article, and if a crash loses its last commits the reconciler makes
    them again. Articles themselves (API, import) are written by other engines, fully durable."""
    engine = make_engine(settings.sqlalchemy_url)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _no_commit_flush)
    return engine


def _retry_countdown(settings: Settings, retries: int) -> float:
    """Exponential backoff for a retry, capped below the visibility timeout: a task waiting for
    its retry longer than that would be handed to a second worker meanwhile (Redis)."""
    cap = max(1.0, min(float(RETRY_BACKOFF_MAX), settings.broker_visibility_timeout / 2))
    return float(min(cap, max(1.0, settings.retry_base_seconds) * 2**retries))


def register(app: Celery, settings: Settings) -> WorkerContext:
    """Define kurzum's tasks on ``app``; returns the per-process context they share."""
    context = WorkerContext(settings)
    dispatcher = CeleryDispatcher(app)

    def summarize(self: Any, article_id: int, content_hash: str) -> str:
        """Summarize one article version; a failure is stored and retried with backoff."""
        result = tasks.summarize_article(
            context.session_factory(), article_id, content_hash, settings
        )
        for delivery_id in result.deliveries:
            dispatcher.webhook(delivery_id)
        if result.outcome == "failed" and self.request.retries + 1 < settings.max_attempts:
            raise self.retry(countdown=_retry_countdown(settings, self.request.retries))
        return result.outcome

    def summarize_batch(self: Any, items: list[list[Any]]) -> dict[str, int]:
        """Summarize an archive batch; failed articles continue on the single task's retries."""
        pairs = [(int(i), str(h)) for i, h in items]
        results = summarize_articles(context.session_factory(), pairs, settings)
        digests = dict(pairs)
        outcomes: dict[str, int] = {}
        for article_id, result in results.items():
            outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
            for delivery_id in result.deliveries:
                dispatcher.webhook(delivery_id)
            if result.outcome == "failed" and settings.max_attempts > 1:
                dispatcher.summarize_later(
                    article_id, digests[article_id], _retry_countdown(settings, 0)
                )
        return outcomes

    def webhook(self: Any, delivery_id: int) -> bool:
        """Deliver one webhook; the outbox row keeps attempts, backoff and the last error."""
        delivered = tasks.deliver_webhook(context.session_factory(), delivery_id, settings)
        if not delivered and self.request.retries + 1 < settings.webhook_max_attempts:
            raise self.retry(countdown=_retry_countdown(settings, self.request.retries))
        return delivered

    common: dict[str, Any] = {
        # Per-app tasks: Celery's default (shared) would leak them into every app the process
        # makes, and a second make_celery() would then register two callables under one name.
        "shared": False,
        "bind": True,
        "autoretry_for": TRANSIENT,
        "retry_backoff": 2,
        "retry_backoff_max": int(_retry_countdown(settings, 64)),
        "retry_jitter": True,
        "acks_late": True,
        "reject_on_worker_lost": True,
    }
    app.task(name=SUMMARIZE_TASK, max_retries=max(settings.max_attempts, 8), **common)(summarize)
    app.task(name=SUMMARIZE_BATCH_TASK, max_retries=8, **common)(summarize_batch)
    app.task(name=WEBHOOK_TASK, max_retries=max(settings.webhook_max_attempts, 8), **common)(
        webhook
    )
    return context


@dataclass
class CeleryDispatcher:
    """The Dispatcher protocol over a broker. Sending never raises: the database holds the work
    and the reconciler re-sends whatever a down broker did not take."""

    app: Celery

    def summarize(self, article_id: int, content_hash: str) -> None:
        """Queue a live summarization."""
        self.summarize_many([(article_id, content_hash)])

    def backfill(self, article_id: int, content_hash: str) -> None:
        """Queue an archive re-summarization (consumed after live work)."""
        self.summarize_many([(article_id, content_hash)], queue=BACKFILL_QUEUE)

    def webhook(self, delivery_id: int) -> None:
        """Queue a webhook delivery."""
        self._send([(WEBHOOK_TASK, (delivery_id,))], LIVE_QUEUE)

    def summarize_many(
        self,
        items: Iterable[tuple[int, str]],
        queue: str = LIVE_QUEUE,
        *,
        batch_size: int = BATCH_SIZE,
    ) -> int:
        """Queue many summarizations, ``batch_size`` per message, over one producer connection;
        returns how many articles were sent."""
        pairs = [(int(i), str(h)) for i, h in items]
        if len(pairs) <= 1:
            return self._send([(SUMMARIZE_TASK, p) for p in pairs], queue)
        calls: list[tuple[str, tuple[Any, ...]]] = [
            (SUMMARIZE_BATCH_TASK, ([list(p) for p in pairs[k : k + batch_size]],))
            for k in range(0, len(pairs), batch_size)
        ]
        return min(len(pairs), self._send(calls, queue) * batch_size)

    def summarize_later(self, article_id: int, content_hash: str, countdown: float) -> None:
        """Queue a retry of one article after ``countdown`` seconds."""
        self._send([(SUMMARIZE_TASK, (article_id, content_hash))], LIVE_QUEUE, countdown)

    def _send(
        self, calls: list[tuple[str, tuple[Any, ...]]], queue: str, countdown: float | None = None
    ) -> int:
        sent = 0
        with self.app.connection_for_write() as conn:  # not connected: only its error types
            errors = (BrokerError, OSError, *conn.connection_errors)
        try:
            with self.app.producer_or_acquire() as producer:
                for name, args in calls:
                    self.app.send_task(
                        name,
                        args=args,
                        queue=queue,
                        routing_key=queue,
                        producer=producer,
                        countdown=countdown,
                    )
                    sent += 1
        except errors as exc:
            log.warning(
                "broker unavailable, %d of %d tasks left to the reconciler: %s",
                len(calls) - sent,
                len(calls),
                exc,
            )
        return sent

    def queue_length(self, queue: str) -> int:
        """Messages waiting in ``queue`` (0 when it does not exist yet or the broker is down)."""
        with self.app.connection_for_read() as conn:
            errors = (
                ChannelError,
                BrokerError,
                OSError,
                *conn.connection_errors,
                *conn.channel_errors,
            )
            try:
                with conn.channel() as channel:
                    return int(channel.queue_declare(queue=queue, passive=True).message_count)
            except errors:
                return 0


@dataclass(frozen=True, slots=True)
class ReconcileCount:
    """What one leased reconcile pass sent."""

    articles: int
    webhooks: int
    repaired: int


def reconcile_leased(
    session_factory: SessionFactory,
    dispatcher: CeleryDispatcher,
    settings: Settings,
    *,
    limit: int = 2000,
) -> ReconcileCount:
    """Send every due summarization and webhook, leasing the articles for the visibility
    timeout so that the next pass does not send them again while they wait in the broker."""
    with session_scope(session_factory) as session:
        repaired = jobs.repair_ready_without_summary(session)
    with session_scope(session_factory) as session:
        due = bulk.lease_due(session, settings.broker_visibility_timeout, limit=limit)
        deliveries = outbox.due(session, limit=limit)
    dispatcher.summarize_many(due)
    for delivery_id in deliveries:
        dispatcher.webhook(delivery_id)
    return ReconcileCount(len(due), len(deliveries), repaired)


class ReconcileLoop:
    """A daemon thread running :func:`reconcile_leased` every ``reconcile_seconds``: inside
    ``kurzum worker`` and inside the service when it uses Celery."""

    def __init__(
        self, session_factory: SessionFactory, dispatcher: CeleryDispatcher, settings: Settings
    ) -> None:
        self._factory = session_factory
        self._dispatcher = dispatcher
        self._settings = settings
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="kurzum-reconcile", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread after its current pass."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                reconcile_leased(self._factory, self._dispatcher, self._settings)
            except Exception:  # database or broker down: try again next interval
                log.warning("reconcile pass failed", exc_info=True)
            self._stop.wait(self._settings.reconcile_seconds)
