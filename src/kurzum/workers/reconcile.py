"""The reconciler: find articles whose summary is missing or stale and webhooks still due.

Runs periodically inside the in-process worker and as ``kurzum reconcile``; it only enqueues, so
running it twice or on several machines is harmless (the tasks are idempotent).
"""

from __future__ import annotations

from dataclasses import dataclass

from kurzum.storage import jobs, outbox
from kurzum.storage.db import SessionFactory, session_scope
from kurzum.workers.dispatch import Dispatcher


@dataclass(frozen=True, slots=True)
class ReconcileResult:
    """How much work one pass found."""

    articles: int
    webhooks: int
    repaired: int


def reconcile(
    session_factory: SessionFactory, dispatcher: Dispatcher, *, limit: int = 500
) -> ReconcileResult:
    """Enqueue every due summarization and webhook delivery."""
    with session_scope(session_factory) as session:
        repaired = jobs.repair_ready_without_summary(session)
    with session_scope(session_factory) as session:
        articles = jobs.due_articles(session, limit=limit)
        deliveries = outbox.due(session, limit=limit)
    for article_id, digest in articles:
        dispatcher.summarize(article_id, digest)
    for delivery_id in deliveries:
        dispatcher.webhook(delivery_id)
    return ReconcileResult(len(articles), len(deliveries), repaired)
