"""Summarize many articles per transaction: the archive path of the task function.

Same contract as :func:`kurzum.workers.tasks.summarize_article` (idempotent by article + content
hash, failures stored on the article, the same versions, audit events and outbox rows as
``store_machine_summary``), but one read and one write transaction for the whole batch, and the
writes in a few statements per batch (:func:`kurzum.storage.bulk.store_machine_summaries`)
instead of about ten per article: at archive scale the database round trips, not the
summarizer, set the pace. A race with a single-article run of the same job key makes the
batch fall back to the one-by-one function, which resolves it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, load_only

from kurzum.core.options import SummaryOptions
from kurzum.models import Article as CoreArticle
from kurzum.models import FaithfulnessReport, Summary
from kurzum.pipeline import check_summary, make_summary, stored_to_core, summary_options
from kurzum.settings import Settings
from kurzum.storage import bulk, jobs
from kurzum.storage.calibrations import calibrations
from kurzum.storage.db import SessionFactory, session_scope
from kurzum.storage.tables import Article, SummaryVersion, make_job_key
from kurzum.workers.tasks import Holder, SummarizeResult, record_failure, summarize_article

log = logging.getLogger(__name__)


# What summarizing an article needs.
_READ_COLUMNS = (
    Article.id,
    Article.publication_id,
    Article.external_id,
    Article.title,
    Article.lead,
    Article.body,
    Article.language,
    Article.premium,
    Article.content_hash,
    Article.generation,
    Article.status,
    Article.deleted_at,
)
# What the write transaction needs of an article (its body was read before summarizing).
_LOCKED_COLUMNS = (
    Article.id,
    Article.publication_id,
    Article.external_id,
    Article.url,
    Article.content_hash,
    Article.generation,
    Article.status,
    Article.attempts,
    Article.error,
    Article.deleted_at,
)


@dataclass(frozen=True, slots=True)
class _Job:
    article_id: int
    job_key: str
    core: CoreArticle
    options: SummaryOptions  # the publication's, shared by its articles in the batch


def _existing_keys(session: Session, keys: Sequence[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which of these (article id, job key) pairs already have their summary version."""
    if not keys:
        return set()
    stmt = select(SummaryVersion.article_id, SummaryVersion.job_key).where(
        SummaryVersion.article_id.in_(sorted({a for a, _ in keys}))
    )
    have = {(int(a), str(k)) for a, k in session.execute(stmt)}
    return have & set(keys)


def _read(
    session_factory: SessionFactory,
    items: Sequence[tuple[int, str]],
    results: dict[int, SummarizeResult],
    holder: Holder | None,
) -> list[_Job]:
    """The jobs still to do; gone, outdated and done articles get their result at once."""
    wanted = dict(items)
    with session_scope(session_factory) as session:
        # Plain rows, not ORM objects: only read, and loading objects cost more than the query.
        stmt = select(*_READ_COLUMNS).where(Article.id.in_(list(wanted)))
        found = {int(row.id): row for row in session.execute(stmt)}
        keys = {i: make_job_key(row.content_hash, row.generation) for i, row in found.items()}
        done = _existing_keys(session, list(keys.items()))
        # One query and one parse per publication of the batch, not per article.
        options = {
            pid: summary_options(calibration)
            for pid, calibration in calibrations(
                session, (row.publication_id for row in found.values())
            ).items()
        }
        todo: list[_Job] = []
        finished: list[int] = []
        for article_id, digest in wanted.items():
            row = found.get(article_id)
            if row is None or row.deleted_at is not None:
                results[article_id] = SummarizeResult("gone")
            elif row.content_hash != digest:
                results[article_id] = SummarizeResult("outdated")
            elif (article_id, keys[article_id]) in done:
                if row.status != "ready":
                    finished.append(article_id)
                results[article_id] = SummarizeResult("exists")
            else:
                core = stored_to_core(row)
                todo.append(_Job(article_id, keys[article_id], core, options[row.publication_id]))
        jobs.jobs_done(session, finished)
        if holder is not None:
            jobs.claim(session, [j.article_id for j in todo], holder.worker, holder.claim_seconds)
        return todo


def _write(
    session_factory: SessionFactory,
    made: dict[int, tuple[_Job, Summary, FaithfulnessReport]],
    failed: dict[int, tuple[_Job, str]],
    settings: Settings,
    results: dict[int, SummarizeResult],
    holder: Holder | None,
) -> None:
    ids = sorted({*made, *failed})
    with session_scope(session_factory) as session:
        # Row locks in id order: two batches never deadlock, a concurrent batch waits.
        stmt = (
            select(Article)
            .options(load_only(*_LOCKED_COLUMNS))
            .where(Article.id.in_(ids))
            .order_by(Article.id)
            .with_for_update(of=Article)
        )
        articles = {a.id: a for a in session.scalars(stmt)}
        done = _existing_keys(session, [(i, job.job_key) for i, (job, _, _) in made.items()])
        store: list[bulk.MachineSummary] = []
        finished: list[int] = []
        for article_id, (job, summary, report) in made.items():
            article = articles.get(article_id)
            if article is None or article.deleted_at is not None:
                results[article_id] = SummarizeResult("gone")
            elif article.job_key != job.job_key:
                results[article_id] = SummarizeResult("outdated")
            elif (article_id, job.job_key) in done:
                finished.append(article_id)
                results[article_id] = SummarizeResult("exists")
            else:
                store.append(bulk.MachineSummary(article, summary, report, job.job_key))
        for stored in bulk.store_machine_summaries(session, store).values():
            finished.append(stored.article_id)
            results[stored.article_id] = SummarizeResult(
                "created", stored.summary_id, stored.deliveries
            )
        jobs.jobs_done(session, finished)
        for article_id, (job, reason) in failed.items():
            article = articles.get(article_id)
            delay: float | None = None
            if article is not None and article.job_key == job.job_key:
                delay = record_failure(session, article, reason, settings, holder)
            results[article_id] = SummarizeResult("failed", retry_in=delay)


def summarize_articles(
    session_factory: SessionFactory,
    items: Sequence[tuple[int, str]],
    settings: Settings,
    holder: Holder | None = None,
) -> dict[int, SummarizeResult]:
    """Summarize these (article id, content hash) versions; safe to repeat or run concurrently
    with itself and with :func:`summarize_article`. Returns each article's result."""
    results: dict[int, SummarizeResult] = {}
    todo = _read(session_factory, items, results, holder)
    made: dict[int, tuple[_Job, Summary, FaithfulnessReport]] = {}
    failed: dict[int, tuple[_Job, str]] = {}
    for job in todo:  # no transaction is held while summarizing
        try:
            summary = make_summary(job.core, settings, job.options)
            made[job.article_id] = (job, summary, check_summary(summary, job.core))
        except Exception as exc:  # stored on the article and retried, like the single task
            log.warning("summarizing article %s failed: %s", job.article_id, exc)
            failed[job.article_id] = (job, f"{type(exc).__name__}: {exc}")
    if not made and not failed:
        return results
    try:
        _write(session_factory, made, failed, settings, results, holder)
    except IntegrityError:  # a single-article run stored one of these first: go one by one
        for job in todo:
            digest = dict(items)[job.article_id]
            results[job.article_id] = summarize_article(
                session_factory, job.article_id, digest, settings, holder
            )
    return results
