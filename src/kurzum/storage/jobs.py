"""Summarization job bookkeeping on the article row: what is due, success, failure and backoff.

The database is the source of truth; queues only wake workers. ``due_articles`` is what the
reconciler re-enqueues, so a lost message or a crashed worker never loses an article.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import String, cast, exists, select, update
from sqlalchemy.orm import Session

from kurzum.storage import audit
from kurzum.storage.tables import Article, SummaryVersion, utcnow

FAILED_RETRY = timedelta(hours=1)  # articles past max_attempts are still retried, slowly


def due_articles(
    session: Session, now: datetime | None = None, limit: int = 500
) -> list[tuple[int, str]]:
    """(id, content hash) of live articles whose summary is missing or stale and due now."""
    stmt = (
        select(Article.id, Article.content_hash)
        .where(
            Article.status.in_(("pending", "failed")),
            Article.deleted_at.is_(None),
            Article.next_attempt_at <= (now or utcnow()),
        )
        .order_by(Article.next_attempt_at, Article.id)
        .limit(limit)
    )
    return [(int(i), str(h)) for i, h in session.execute(stmt)]


def repair_ready_without_summary(session: Session) -> int:
    """Articles marked ready whose current job key has no summary go back to pending."""
    key = Article.content_hash + ":" + cast(Article.generation, String)
    has_summary = exists().where(
        SummaryVersion.article_id == Article.id, SummaryVersion.job_key == key
    )
    result = session.execute(
        update(Article)
        .where(Article.status == "ready", Article.deleted_at.is_(None), ~has_summary)
        .values(status="pending", next_attempt_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def job_done(article: Article) -> None:
    """The current job key has its summary."""
    article.status = "ready"
    article.error = None
    article.next_attempt_at = None


def jobs_done(session: Session, article_ids: Sequence[int]) -> None:
    """:func:`job_done` for many articles in one statement (batch path; loaded objects are
    not refreshed, so call it last)."""
    if not article_ids:
        return
    session.execute(
        update(Article)
        .where(Article.id.in_(sorted(article_ids)))
        .values(status="ready", error=None, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )


def job_failed(
    session: Session, article: Article, reason: str, *, max_attempts: int, base_seconds: float
) -> None:
    """Store the failure and schedule a retry with exponential backoff (never drop the article)."""
    article.attempts += 1
    article.error = reason[:2000]
    if article.attempts >= max_attempts:
        article.status = "failed"
        article.next_attempt_at = utcnow() + FAILED_RETRY
    else:
        article.status = "pending"
        delay = min(3600.0, base_seconds * 2 ** (article.attempts - 1))
        article.next_attempt_at = utcnow() + timedelta(seconds=delay)
    audit.record(
        session,
        audit.WORKER,
        "summary.failed",
        article_id=article.id,
        attempts=article.attempts,
        reason=article.error,
    )
