"""The reconciler: find articles whose summary is missing or stale and webhooks still due.

The one reconcile pass of kurzum: the in-process worker runs it periodically (no leases: it
runs everything itself), the Celery workers and the service with ``KURZUM_WORKER=celery`` run it
with leases and recovery of abandoned work (:func:`kurzum.workers.celery_tasks.reconcile_leased`),
and ``kurzum reconcile`` once. It only enqueues, so running it twice or on several machines is
harmless (the tasks are idempotent).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kurzum.settings import Settings
from kurzum.storage import jobs, outbox
from kurzum.storage.db import SessionFactory, session_scope
from kurzum.workers.dispatch import Dispatcher
from kurzum.workers.tasks import config_fingerprint

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReconcileResult:
    """How much work one pass found."""

    articles: int
    webhooks: int
    repaired: int


def reconcile(
    session_factory: SessionFactory,
    dispatcher: Dispatcher,
    *,
    limit: int = 500,
    lease_seconds: float | None = None,
    recovery: jobs.Recovery | None = None,
) -> ReconcileResult:
    """Enqueue every due summarization and webhook delivery; with ``lease_seconds`` the sent
    articles are leased, with ``recovery`` abandoned and lost work is due too."""
    with session_scope(session_factory) as session:
        repaired = jobs.repair_ready_without_summary(session)
        if recovery is not None:
            jobs.forget_dead_workers(session)
    with session_scope(session_factory) as session:
        articles = jobs.due_articles(
            session, limit=limit, lease_seconds=lease_seconds, recovery=recovery
        )
        deliveries = outbox.due(session, limit=limit)
    if articles:
        dispatcher.summarize_many(articles)
        log.info("reconcile sent %d articles", len(articles))
    for delivery_id in deliveries:
        dispatcher.webhook(delivery_id)
    return ReconcileResult(len(articles), len(deliveries), repaired)


def rewake_failed(
    session_factory: SessionFactory, dispatcher: Dispatcher, settings: Settings
) -> int:
    """At a worker's start: articles that failed under another worker configuration (a fixed
    LLM URL, another backend) get a fresh attempt budget and are sent; returns how many."""
    with session_scope(session_factory) as session:
        woken = jobs.retry_failed(session, other_config=config_fingerprint(settings))
    if woken:
        dispatcher.summarize_many(woken)
        log.info("configuration changed: %d failed articles sent again", len(woken))
    return len(woken)
