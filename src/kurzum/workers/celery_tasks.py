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

from sqlalchemy import Engine, event
from sqlalchemy import exc as sa_exc

from kurzum.errors import ConfigError
from kurzum.workers import CELERY_MISSING

try:
    from celery import Celery, signals
    from kombu.exceptions import ChannelError
    from kombu.exceptions import OperationalError as BrokerError
except ImportError as exc:  # a plain install: the embedded default needs no broker
    raise ConfigError(CELERY_MISSING) from exc

from kurzum.backoff import backoff_seconds
from kurzum.logs import request_id
from kurzum.settings import Settings
from kurzum.storage import jobs
from kurzum.storage.db import SessionFactory, make_engine, make_session_factory
from kurzum.workers import tasks
from kurzum.workers.batch import summarize_articles
from kurzum.workers.heartbeat import Heartbeat
from kurzum.workers.queues import (
    BACKFILL_QUEUE,
    BATCH_SIZE,
    LIVE_QUEUE,
    QUEUES,
    SUMMARIZE_BATCH_TASK,
    SUMMARIZE_TASK,
    WEBHOOK_TASK,
)
from kurzum.workers.reconcile import ReconcileResult, reconcile

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
    """Settings plus, per process (prefork children must not share them), one database engine
    and one heartbeat: the holder that claims the articles this process runs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pid: int | None = None
        self._factory: SessionFactory | None = None
        self._heartbeat: Heartbeat | None = None
        self._heartbeat_pid: int | None = None  # the process that started it (forks inherit it)
        self._lock = threading.Lock()

    def session_factory(self) -> SessionFactory:
        """The session factory of this process, created on first use after a fork."""
        with self._lock:
            if self._factory is None or self._pid != os.getpid():
                self._factory = make_session_factory(worker_engine(self.settings))
                self._heartbeat = None
                self._pid = os.getpid()
            return self._factory

    def heartbeat(self) -> Heartbeat:
        """This process's heartbeat, started on first use (its first beat is stored before it
        is kept: a start that fails, database down, is tried again by the next task)."""
        factory = self.session_factory()
        with self._lock:
            if self._heartbeat is None:
                heartbeat = Heartbeat(
                    factory,
                    self.settings.heartbeat_seconds,
                    tasks.config_fingerprint(self.settings),
                )
                heartbeat.start()
                self._heartbeat = heartbeat
                self._heartbeat_pid = os.getpid()
            return self._heartbeat

    def holder(self) -> tasks.Holder:
        """This process as the holder of the articles it runs (starts its heartbeat)."""
        return tasks.Holder(
            self.heartbeat().worker,
            self.settings.task_time_limit + 10,
            max_retry_delay=retry_cap(self.settings),
        )

    def make_durable(self) -> None:
        """Make every commit of this process so far durable; called before a task returns,
        that is before its message is acknowledged (see :func:`worker_engine`)."""
        self.heartbeat().beat(durable=True)

    def stop(self) -> None:
        """Stop this process's heartbeat (a clean shutdown)."""
        with self._lock:
            if self._heartbeat is not None and self._heartbeat_pid == os.getpid():
                self._heartbeat.stop()
            self._heartbeat = None


def _no_commit_flush(dbapi_connection: Any, connection_record: Any) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    dbapi_connection.commit()


def worker_engine(settings: Settings) -> Engine:
    """The workers' engine. On PostgreSQL their commits do not wait for the WAL flush
    (``synchronous_commit=off``, ~6 ms saved per commit here); articles themselves (API,
    import) are written by other engines, fully durable.

    A database crash or immediate restart loses the last such commits, and that is only
    harmless while a message still leads to the work: a lost summary whose article stays
    claimed by a live worker (``jobs.claim``, for the task time limit) would wait minutes with
    its message already acknowledged. So each task ends with one synchronous commit
    (:meth:`WorkerContext.make_durable`), which flushes the WAL up to it, every earlier commit
    included: one flush per task (a batch of up to 100 articles) instead of one per commit."""
    engine = make_engine(settings.sqlalchemy_url)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _no_commit_flush)
    return engine


def retry_cap(settings: Settings) -> float:
    """Longest countdown a task may retry itself with: a task waiting for its retry longer than
    the visibility timeout would be handed to a second worker meanwhile (Redis). Longer waits
    are left to the reconciler (the article's ``next_attempt_at``)."""
    return max(1.0, min(float(RETRY_BACKOFF_MAX), settings.broker_visibility_timeout / 2))


def _transient_countdown(settings: Settings, retries: int) -> float:
    """Backoff of a retry after an infrastructure error (database or broker down)."""
    return max(1.0, backoff_seconds(retries + 1, settings.retry_base_seconds, retry_cap(settings)))


def register(app: Celery, settings: Settings) -> WorkerContext:
    """Define kurzum's tasks on ``app``; returns the per-process context they share."""
    context = WorkerContext(settings)
    dispatcher = CeleryDispatcher(app)

    def durable(self: Any) -> None:
        """What the task wrote survives a database crash before its message is acknowledged
        (see :func:`worker_engine`); the database down: retried like any transient error."""
        try:
            context.make_durable()
        except TRANSIENT as exc:
            raise self.retry(
                exc=exc, countdown=_transient_countdown(settings, self.request.retries)
            ) from exc

    def summarize(self: Any, article_id: int, content_hash: str) -> str:
        """Summarize one article version; a failure is stored and retried when the article's
        attempt budget (``max_attempts``, counted in the database) allows."""
        try:
            holder = context.holder()
            result = tasks.summarize_article(
                context.session_factory(), article_id, content_hash, settings, holder
            )
        except TRANSIENT as exc:
            raise self.retry(
                exc=exc, countdown=_transient_countdown(settings, self.request.retries)
            ) from exc
        durable(self)
        for delivery_id in result.deliveries:
            dispatcher.webhook(delivery_id)
        if result.retry_in is not None and holder.retries_itself(result.retry_in):
            raise self.retry(countdown=result.retry_in)
        return result.outcome

    def summarize_batch(self: Any, items: list[list[Any]]) -> dict[str, int]:
        """Summarize an archive batch; failed articles continue as single tasks."""
        pairs = [(int(i), str(h)) for i, h in items]
        try:
            holder = context.holder()
            results = summarize_articles(context.session_factory(), pairs, settings, holder)
        except TRANSIENT as exc:
            raise self.retry(
                exc=exc, countdown=_transient_countdown(settings, self.request.retries)
            ) from exc
        durable(self)
        digests = dict(pairs)
        outcomes: dict[str, int] = {}
        for article_id, result in results.items():
            outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
            for delivery_id in result.deliveries:
                dispatcher.webhook(delivery_id)
            if result.retry_in is not None and holder.retries_itself(result.retry_in):
                dispatcher.summarize_later(article_id, digests[article_id], result.retry_in)
        return outcomes

    def webhook(self: Any, delivery_id: int) -> bool:
        """Deliver one webhook; the outbox row keeps attempts, backoff and the last error."""
        try:
            delivered = tasks.deliver_webhook(context.session_factory(), delivery_id, settings)
        except TRANSIENT as exc:
            raise self.retry(
                exc=exc, countdown=_transient_countdown(settings, self.request.retries)
            ) from exc
        durable(self)
        if not delivered and self.request.retries + 1 < settings.webhook_max_attempts:
            raise self.retry(countdown=_transient_countdown(settings, self.request.retries))
        return delivered

    common: dict[str, Any] = {
        # Per-app tasks: Celery's default (shared) would leak them into every app the process
        # makes, and a second make_celery() would then register two callables under one name.
        "shared": False,
        "bind": True,
        "acks_late": True,
        "reject_on_worker_lost": True,
    }
    # Retries of an article are counted in the database (max_attempts); Celery's own count
    # only bounds retries after infrastructure errors.
    app.task(name=SUMMARIZE_TASK, max_retries=None, **common)(summarize)
    app.task(name=SUMMARIZE_BATCH_TASK, max_retries=None, **common)(summarize_batch)
    app.task(name=WEBHOOK_TASK, max_retries=max(settings.webhook_max_attempts, 8), **common)(
        webhook
    )
    app.conf.kurzum_context = context
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
        return self.waiting((queue,)) or 0

    def waiting(self, queues: Iterable[str] = QUEUES) -> int | None:
        """Messages waiting in ``queues`` (a missing queue counts 0); None when the broker
        cannot be asked."""
        total = 0
        with self.app.connection_for_read() as conn:
            down = (BrokerError, OSError, *conn.connection_errors)
            missing = (ChannelError, *conn.channel_errors)
            try:
                for queue in queues:
                    try:
                        with conn.channel() as channel:
                            info = channel.queue_declare(queue=queue, passive=True)
                            total += int(info.message_count)
                    except missing:
                        continue
            except down:
                return None
        return total


def reconcile_leased(
    session_factory: SessionFactory,
    dispatcher: CeleryDispatcher,
    settings: Settings,
    *,
    limit: int = 2000,
) -> ReconcileResult:
    """:func:`kurzum.workers.reconcile.reconcile` for Celery: sent articles are leased for the
    visibility timeout, and work of dead worker processes (no heartbeat for
    ``worker_dead_seconds``) or lost with the broker's messages (unclaimed for
    ``stranded_seconds`` while the queues are empty) is sent again at once."""
    recovery = jobs.Recovery(
        dead_after=settings.worker_dead_seconds,
        stranded_after=settings.stranded_seconds,
        broker_idle=dispatcher.waiting() == 0,
    )
    return reconcile(
        session_factory,
        dispatcher,
        limit=limit,
        lease_seconds=settings.broker_visibility_timeout,
        recovery=recovery,
    )


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


def task_request_ids() -> None:
    """Log lines written while a task runs carry its task id as their request id."""

    def started(task_id: str | None = None, **_: Any) -> None:
        request_id.set(task_id or "-")

    def finished(**_: Any) -> None:
        request_id.set("-")

    signals.task_prerun.connect(started, weak=False)
    signals.task_postrun.connect(finished, weak=False)
