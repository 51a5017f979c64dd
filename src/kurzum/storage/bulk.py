"""Queries for work at archive scale: import skip-checks, leases on due work, backfill selection.

A *lease* pushes an article's ``next_attempt_at`` forward when its task is handed to the broker,
so the periodic reconciler does not enqueue the same article again while the task is queued or
running; if the message is lost, the lease expires and the reconciler enqueues it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, cast, func, select, update
from sqlalchemy.orm import Session

from kurzum.storage.tables import Article, SummaryVersion, utcnow


def existing_hashes(
    session: Session, publication_id: int, external_ids: Sequence[str]
) -> dict[str, tuple[str, bool]]:
    """external id -> (content hash, deleted?) for the ids of this batch that already exist."""
    if not external_ids:
        return {}
    stmt = select(Article.external_id, Article.content_hash, Article.deleted_at).where(
        Article.publication_id == publication_id, Article.external_id.in_(list(external_ids))
    )
    return {str(e): (str(h), d is not None) for e, h, d in session.execute(stmt)}


def lease(session: Session, article_ids: Iterable[int], seconds: float) -> None:
    """Mark pending articles as handed to a worker for ``seconds`` (see the module docstring)."""
    ids = list(article_ids)
    if not ids:
        return
    session.execute(
        update(Article)
        .where(Article.id.in_(ids), Article.status.in_(("pending", "failed")))
        .values(next_attempt_at=utcnow() + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False)
    )


def lease_due(session: Session, seconds: float, limit: int = 500) -> list[tuple[int, str]]:
    """(id, content hash) of due articles, leased in the same transaction (skip-locked on PG)."""
    now = utcnow()
    stmt = (
        select(Article.id, Article.content_hash)
        .where(
            Article.status.in_(("pending", "failed")),
            Article.deleted_at.is_(None),
            Article.next_attempt_at <= now,
        )
        .order_by(Article.next_attempt_at, Article.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    due = [(int(i), str(h)) for i, h in session.execute(stmt)]
    lease(session, (i for i, _ in due), seconds)
    return due


@dataclass(frozen=True, slots=True)
class Progress:
    """Summarization state of a set of articles (what `kurzum import --wait` shows)."""

    total: int
    ready: int
    failed: int

    @property
    def pending(self) -> int:
        return self.total - self.ready - self.failed


def finished(session: Session, article_ids: Sequence[int]) -> dict[int, str]:
    """id -> status of those ``article_ids`` no longer pending (ready, failed or deleted)."""
    out: dict[int, str] = {}
    for start in range(0, len(article_ids), 500):
        chunk = list(article_ids[start : start + 500])
        stmt = select(Article.id, Article.status).where(
            Article.id.in_(chunk), Article.status != "pending"
        )
        out.update((int(i), str(s)) for i, s in session.execute(stmt))
    return out


def backfill_batch(
    session: Session,
    publication_ids: Sequence[int],
    *,
    since: datetime | None,
    until: datetime | None,
    before: datetime,
    after_id: int,
    include_reviewed: bool,
    limit: int,
) -> list[int]:
    """Next ids (ascending, > ``after_id``) of ready articles whose newest summary predates
    ``before``; reviewed summaries are skipped unless asked, an editor's work is not replaced."""
    newest = (
        select(SummaryVersion.article_id, func.max(SummaryVersion.created_at).label("at"))
        .group_by(SummaryVersion.article_id)
        .subquery()
    )
    stmt = (
        select(Article.id)
        .join(newest, newest.c.article_id == Article.id)
        .where(
            Article.id > after_id,
            Article.deleted_at.is_(None),
            Article.status == "ready",
            newest.c.at < before,
        )
        .order_by(Article.id)
        .limit(limit)
    )
    if publication_ids:
        stmt = stmt.where(Article.publication_id.in_(list(publication_ids)))
    published = func.coalesce(Article.published_at, Article.created_at)
    if since is not None:
        stmt = stmt.where(published >= since)
    if until is not None:
        stmt = stmt.where(published < until)
    if not include_reviewed:
        reviewed = select(SummaryVersion.id).where(
            SummaryVersion.article_id == Article.id,
            SummaryVersion.reviewed.is_(True),
            SummaryVersion.state == "published",
        )
        stmt = stmt.where(~reviewed.exists())
    return [int(i) for i in session.scalars(stmt)]


def current_summary_counts(session: Session, article_ids: Sequence[int]) -> dict[int, int]:
    """article id -> number of versions made for its current content (job key); for checks."""
    key = Article.content_hash + ":" + cast(Article.generation, String)
    stmt = (
        select(Article.id, func.count(SummaryVersion.id))
        .outerjoin(
            SummaryVersion,
            (SummaryVersion.article_id == Article.id) & (SummaryVersion.job_key == key),
        )
        .where(Article.id.in_(list(article_ids)))
        .group_by(Article.id)
    )
    return {int(i): int(n) for i, n in session.execute(stmt)}
