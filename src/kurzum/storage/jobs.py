"""Summarization job bookkeeping on the article row: what is due, leases, heartbeats, success,
failure, backoff and retry on demand.

The database is the source of truth; queues only wake workers. :func:`due_articles` is the one
query for "what must be sent (again)", used by every reconciler, so a lost message or a crashed
worker never loses an article. Recovery does not wait for the broker's visibility timeout:

* a worker process *claims* the articles it runs (``leased_by``) and beats in
  ``worker_heartbeats``; when its beat stops (SIGKILL, OOM, power) its articles are due at once;
* an article sent to the broker but not taken by any worker (``leased_by`` empty) is due again
  when it has waited ``stranded_after`` seconds while the broker's queues are empty: the
  message was lost (a broker restarted without persistence).

A duplicate send is harmless (the tasks are idempotent by job key), a missed one is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from kurzum.backoff import backoff_seconds
from kurzum.storage import audit
from kurzum.storage.tables import Article, Publication, SummaryVersion, WorkerHeartbeat, utcnow

FAILED_RETRY = timedelta(hours=1)  # articles past max_attempts are still retried, slowly
OPEN_STATES = ("pending", "failed")
FORGET_WORKERS_AFTER = timedelta(hours=1)  # heartbeat rows of long-dead processes are removed


@dataclass(frozen=True, slots=True)
class Recovery:
    """When leased work counts as abandoned (see the module docstring)."""

    dead_after: float  # seconds without a heartbeat before a worker is taken for dead
    stranded_after: float  # seconds an unclaimed sent article waits before it is sent again
    broker_idle: bool  # the broker's queues are empty: unclaimed sent articles were lost


def live_workers(now: datetime, dead_after: float) -> ColumnElement[bool]:
    """SQL condition: ``Article.leased_by`` names a worker process that is still beating."""
    return exists().where(
        WorkerHeartbeat.worker == Article.leased_by,
        WorkerHeartbeat.beat_at >= now - timedelta(seconds=dead_after),
    )


def due_condition(now: datetime, recovery: Recovery | None = None) -> ColumnElement[bool]:
    """SQL condition of an article whose summary must be sent (again) now."""
    due: ColumnElement[bool] = Article.next_attempt_at <= now
    if recovery is not None:
        abandoned = Article.leased_by.is_not(None) & ~live_workers(now, recovery.dead_after)
        due = or_(due, abandoned)
        if recovery.broker_idle:
            stranded = (
                Article.leased_by.is_(None)
                & Article.leased_at.is_not(None)
                & (Article.leased_at <= now - timedelta(seconds=recovery.stranded_after))
            )
            due = or_(due, stranded)
    return Article.status.in_(OPEN_STATES) & Article.deleted_at.is_(None) & due


def due_articles(
    session: Session,
    now: datetime | None = None,
    limit: int = 500,
    *,
    lease_seconds: float | None = None,
    recovery: Recovery | None = None,
) -> list[tuple[int, str]]:
    """(id, content hash) of articles whose summary is missing or stale and due now. With
    ``lease_seconds`` they are leased in the same transaction (rows skip-locked on PostgreSQL),
    so that the next pass does not send them again while they wait in the broker."""
    now = now or utcnow()
    stmt = (
        select(Article.id, Article.content_hash)
        .where(due_condition(now, recovery))
        .order_by(Article.next_attempt_at, Article.id)
        .limit(limit)
    )
    if lease_seconds is not None:
        stmt = stmt.with_for_update(skip_locked=True)
    due = [(int(i), str(h)) for i, h in session.execute(stmt)]
    if lease_seconds is not None:
        lease(session, [i for i, _ in due], lease_seconds, now=now)
    return due


def lease(
    session: Session, article_ids: Sequence[int], seconds: float, *, now: datetime | None = None
) -> None:
    """Mark open articles as sent to the broker for ``seconds``: the reconciler leaves them
    alone meanwhile unless their message is found lost (see :class:`Recovery`)."""
    _hold(session, article_ids, None, seconds, now)


def claim(
    session: Session,
    article_ids: Sequence[int],
    worker: str,
    seconds: float,
    *,
    now: datetime | None = None,
) -> None:
    """Worker process ``worker`` runs these articles for at most ``seconds``: while it beats the
    reconciler leaves them alone; when it stops they are sent again at once."""
    _hold(session, article_ids, worker, seconds, now)


def _hold(
    session: Session,
    article_ids: Sequence[int],
    worker: str | None,
    seconds: float,
    now: datetime | None,
) -> None:
    """Due again in ``seconds``, held by ``worker`` (None: by the broker); open articles only."""
    if not article_ids:
        return
    now = now or utcnow()
    session.execute(
        update(Article)
        .where(Article.id.in_(list(article_ids)), Article.status.in_(OPEN_STATES))
        .values(next_attempt_at=now + timedelta(seconds=seconds), leased_at=now, leased_by=worker)
        .execution_options(synchronize_session=False)
    )


def repair_ready_without_summary(session: Session) -> int:
    """Articles marked ready whose current job key has no summary go back to pending."""
    has_summary = exists().where(
        SummaryVersion.article_id == Article.id, SummaryVersion.job_key == Article.job_key
    )
    result = session.execute(
        update(Article)
        .where(Article.status == "ready", Article.deleted_at.is_(None), ~has_summary)
        .values(status="pending", next_attempt_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


_DONE = {
    "status": "ready",
    "error": None,
    "next_attempt_at": None,
    "leased_by": None,
    "leased_at": None,
}


def job_done(article: Article) -> None:
    """The current job key has its summary."""
    for name, value in _DONE.items():
        setattr(article, name, value)


def jobs_done(session: Session, article_ids: Sequence[int]) -> None:
    """:func:`job_done` for many articles in one statement (batch path; loaded objects are
    not refreshed, so call it last)."""
    if not article_ids:
        return
    session.execute(
        update(Article)
        .where(Article.id.in_(sorted(article_ids)))
        .values(**_DONE)
        .execution_options(synchronize_session=False)
    )


def job_failed(
    session: Session,
    article: Article,
    reason: str,
    *,
    max_attempts: int,
    base_seconds: float,
    config: str | None = None,
    now: datetime | None = None,
) -> float | None:
    """Store the failure and schedule the next attempt with exponential backoff (never drop the
    article). Returns the seconds until the next attempt, or None once ``max_attempts`` attempts
    failed: the article is then ``failed`` (retried hourly, on demand, or when the worker
    configuration changes from ``config``)."""
    now = now or utcnow()
    article.attempts += 1
    article.error = reason[:2000]
    article.failed_at = now
    article.failed_config = config
    article.leased_by = None
    article.leased_at = None
    delay: float | None
    if article.attempts >= max_attempts:
        article.status = "failed"
        article.next_attempt_at = now + FAILED_RETRY
        delay = None
    else:
        article.status = "pending"
        delay = backoff_seconds(article.attempts, base_seconds)
        article.next_attempt_at = now + timedelta(seconds=delay)
    audit.record(
        session,
        audit.WORKER,
        "summary.failed",
        article_id=article.id,
        attempts=article.attempts,
        reason=article.error,
    )
    return delay


def retry_failed(
    session: Session,
    *,
    article_ids: Sequence[int] | None = None,
    publication_id: int | None = None,
    other_config: str | None = None,
    actor: audit.Actor = audit.WORKER,
) -> list[tuple[int, str]]:
    """Make failed articles due now with a fresh attempt budget: the given ones, all of a
    publication, or (``other_config``) those that failed under another worker configuration.
    Returns (id, content hash) to send; articles not failed are left alone."""
    stmt = select(Article).where(
        Article.status == "failed", Article.deleted_at.is_(None), Article.error.is_not(None)
    )
    if article_ids is not None:
        stmt = stmt.where(Article.id.in_(list(article_ids)))
    if publication_id is not None:
        stmt = stmt.where(Article.publication_id == publication_id)
    if other_config is not None:
        stmt = stmt.where(
            or_(Article.failed_config.is_(None), Article.failed_config != other_config)
        )
    now = utcnow()
    woken: list[tuple[int, str]] = []
    for article in session.scalars(stmt.order_by(Article.id).with_for_update()):
        article.status = "pending"
        article.attempts = 0
        article.next_attempt_at = now
        article.leased_by = None
        article.leased_at = None
        audit.record(session, actor, "summary.retry", article_id=article.id, error=article.error)
        woken.append((article.id, article.content_hash))
    return woken


def beat(
    session: Session,
    worker: str,
    *,
    hostname: str,
    pid: int,
    config: str,
    now: datetime | None = None,
) -> None:
    """Record that worker process ``worker`` is alive (insert or refresh its row)."""
    now = now or utcnow()
    result = session.execute(
        update(WorkerHeartbeat)
        .where(WorkerHeartbeat.worker == worker)
        .values(beat_at=now)
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        session.add(
            WorkerHeartbeat(
                worker=worker,
                hostname=hostname,
                pid=pid,
                config=config,
                started_at=now,
                beat_at=now,
            )
        )


def forget_worker(session: Session, worker: str) -> None:
    """A worker process that stops cleanly removes its row (its leases are free at once)."""
    session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.worker == worker))


def forget_dead_workers(session: Session, now: datetime | None = None) -> int:
    """Remove heartbeat rows of processes silent for over an hour; returns how many."""
    cutoff = (now or utcnow()) - FORGET_WORKERS_AFTER
    result = session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


def workers_alive(session: Session, dead_after: float, now: datetime | None = None) -> int:
    """Worker processes that beat within the last ``dead_after`` seconds."""
    cutoff = (now or utcnow()) - timedelta(seconds=dead_after)
    stmt = (
        select(func.count()).select_from(WorkerHeartbeat).where(WorkerHeartbeat.beat_at >= cutoff)
    )
    return int(session.scalar(stmt) or 0)


def failed_articles(
    session: Session, *, publication: str | None = None, limit: int = 50
) -> list[tuple[Article, Publication]]:
    """Articles with a stored failure, most recently failed first (``failed_at``)."""
    stmt = (
        select(Article, Publication)
        .join(Publication, Article.publication_id == Publication.id)
        .where(Article.error.is_not(None), Article.deleted_at.is_(None))
        .order_by(Article.failed_at.desc().nulls_last(), Article.id.desc())
        .limit(limit)
    )
    if publication is not None:
        stmt = stmt.where(Publication.slug == publication)
    return [(a, p) for a, p in session.execute(stmt)]


def backlog(session: Session) -> dict[str, int]:
    """Live articles per status (pending, ready, failed): the metrics' backlog gauge."""
    stmt = (
        select(Article.status, func.count(Article.id))
        .where(Article.deleted_at.is_(None))
        .group_by(Article.status)
    )
    return {str(s): int(n) for s, n in session.execute(stmt)}
