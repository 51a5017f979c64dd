"""Queries for work at archive scale: import skip-checks, progress, backfill selection and
batch summary writes (leases on due work live in :mod:`kurzum.storage.jobs`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from kurzum.models import FaithfulnessReport, Summary
from kurzum.storage import audit, outbox
from kurzum.storage.codec import bullets_to_json, report_to_json
from kurzum.storage.rules import hold_reason, served
from kurzum.storage.tables import Article, Publication, SummaryVersion, utcnow
from kurzum.webhooks.events import EventType


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


def id_ranges(
    article_ids: Iterable[int], *, min_run: int = 50, max_run: int = 2000
) -> tuple[list[tuple[int, int]], list[int]]:
    """Split ids into contiguous ranges (``min_run`` to ``max_run`` ids each) and the ids left
    over, so that waiting for an import polls a few range queries instead of huge IN lists."""
    ids = sorted(set(article_ids))
    ranges: list[tuple[int, int]] = []
    rest: list[int] = []
    start = 0
    for k in range(1, len(ids) + 1):
        if k < len(ids) and ids[k] == ids[k - 1] + 1 and k - start < max_run:
            continue
        if k - start >= min_run:
            ranges.append((ids[start], ids[k - 1]))
        else:
            rest.extend(ids[start:k])
        start = k
    return ranges, rest


def range_statuses(session: Session, first: int, last: int) -> dict[str, int]:
    """status -> number of articles with ids ``first`` to ``last`` (one primary-key range)."""
    stmt = (
        select(Article.status, func.count(Article.id))
        .where(Article.id >= first, Article.id <= last)
        .group_by(Article.status)
    )
    return {str(status): int(n) for status, n in session.execute(stmt)}


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


@dataclass(frozen=True, slots=True)
class MachineSummary:
    """One article's new machine summary for :func:`store_machine_summaries`."""

    article: Article
    summary: Summary
    report: FaithfulnessReport
    job_key: str


@dataclass(frozen=True, slots=True)
class StoredSummary:
    """What :func:`store_machine_summaries` stored for one article."""

    article_id: int
    summary_id: int
    deliveries: tuple[int, ...] = ()


def store_machine_summaries(
    session: Session, items: Sequence[MachineSummary]
) -> dict[int, StoredSummary]:
    """``summaries.store_machine_summary`` for many articles (one item each) in a handful of
    statements: same versions, states, audit events and webhook deliveries. For the archive
    path, where per-row ORM round trips cost more than the summarizer."""
    if not items:
        return {}
    ids = [item.article.id for item in items]
    if len(set(ids)) != len(ids):
        raise ValueError("one machine summary per article")
    session.flush()
    pubs = {
        p.id: p
        for p in session.scalars(
            select(Publication).where(
                Publication.id.in_(sorted({i.article.publication_id for i in items}))
            )
        )
    }
    stmt = (
        select(SummaryVersion.article_id, func.max(SummaryVersion.version))
        .where(SummaryVersion.article_id.in_(ids))
        .group_by(SummaryVersion.article_id)
    )
    last = {int(a): int(v or 0) for a, v in session.execute(stmt)}
    approved = set(  # articles whose served version an editor approved: never replaced unseen
        session.scalars(
            select(Article.id)
            .join(SummaryVersion, served(SummaryVersion, Article))
            .where(Article.id.in_(ids), SummaryVersion.reviewed.is_(True))
        )
    )
    rows: list[dict[str, object]] = []
    publish: list[int] = []
    held: dict[int, str] = {}
    hold_reasons: dict[int, str] = {}
    now = utcnow()
    for item in items:
        article, summary, report = item.article, item.summary, item.report
        fell_back = summary.fell_back
        pub = pubs[article.publication_id]
        reason = hold_reason(
            pub.review_policy,
            faithful=report.ok,
            fell_back=fell_back,
            empty=not summary.bullets,
            retracted=article.held,
            over_approved=article.id in approved,
        )
        hold = reason is not None
        if reason is not None:
            hold_reasons[article.id] = reason
        if reason not in (None, "policy", "warnings"):
            held[article.id] = str(reason)
        if not hold:
            publish.append(article.id)
        rows.append(
            {
                "article_id": article.id,
                "version": last.get(article.id, 0) + 1,
                "job_key": item.job_key,
                "state": "draft" if hold else "published",
                "reviewed": False,
                "stale": False,
                "fell_back": fell_back,
                "method": summary.method,
                "model": summary.model,
                "prompt_tokens": summary.usage.prompt_tokens if summary.usage else 0,
                "completion_tokens": summary.usage.completion_tokens if summary.usage else 0,
                "article_hash": article.content_hash,
                "language": summary.language,
                "bullets": bullets_to_json(summary.bullets),
                "faithfulness": report_to_json(report),
                "notes": list(summary.notes),
                "override_reason": None,
                "created_by_id": None,
                "reviewer_id": None,
                "reviewed_at": None,
                "created_at": now,
            }
        )
    previous: dict[int, int] = {}  # article -> its published version that steps back
    if publish:  # what _publish does for one: the article's other published versions step back
        previous = {
            int(a): int(i)
            for a, i in session.execute(
                select(SummaryVersion.article_id, func.max(SummaryVersion.id))
                .where(SummaryVersion.article_id.in_(publish), SummaryVersion.state == "published")
                .group_by(SummaryVersion.article_id)
            )
        }
        session.execute(
            update(SummaryVersion)
            .where(SummaryVersion.article_id.in_(publish), SummaryVersion.state == "published")
            .values(state="superseded")
        )
    table = SummaryVersion.__table__
    assert isinstance(table, Table)
    add = insert(table).returning(table.c.id, table.c.article_id)
    version_ids = {int(a): int(i) for i, a in session.connection().execute(add, rows)}
    published = set(publish)
    events: list[audit.Event] = []
    for item in items:
        article_id, summary_id = item.article.id, version_ids[item.article.id]
        detail = {"method": item.summary.method, "faithful": item.report.ok}
        events.append(audit.Event(audit.WORKER, "summary.created", article_id, summary_id, detail))
        if article_id in held:
            why = {"reason": held[article_id]}
            events.append(audit.Event(audit.WORKER, "summary.held", article_id, summary_id, why))
        if article_id in published:
            events.append(audit.Event(audit.WORKER, "summary.published", article_id, summary_id))
    audit.record_many(session, events)
    out = {a: StoredSummary(a, version_ids[a]) for a in ids}
    pub_of = {item.article.id: item.article.publication_id for item in items}
    hooks = [version_ids[a] for a in ids if outbox.enabled(pubs[pub_of[a]])]
    if hooks:  # outbox rows need the versions as objects (payload, label)
        for version in session.scalars(
            select(SummaryVersion).where(SummaryVersion.id.in_(hooks)).order_by(SummaryVersion.id)
        ):
            article_id = version.article_id
            if article_id in published:
                before = previous.get(article_id)
                event: EventType = "summary.published" if before is None else "summary.changed"
                deliveries = outbox.summary_event(
                    session, version, event, previous_summary_id=before
                )
            else:
                deliveries = outbox.summary_event(
                    session, version, "summary.held", reason=hold_reasons.get(article_id)
                )
            out[article_id] = StoredSummary(article_id, version.id, tuple(d.id for d in deliveries))
    return out
