"""Summarize many articles per transaction: the archive path of the task function.

Same contract and building blocks as :func:`kurzum.workers.tasks.summarize_article` (idempotent
by article + content hash, failures stored on the article, ``store_machine_summary`` and the job
bookkeeping of :mod:`kurzum.storage.jobs`), but one read and one write transaction for the whole
batch instead of three per article: at archive scale the database round trips, not the
summarizer, set the pace (measured here: ~17 articles/s one by one, ~95/s in batches of 25, on
PostgreSQL). A race with a single-article run of the same job key makes the batch fall back to
the one-by-one function, which resolves it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kurzum.models import Article as CoreArticle
from kurzum.models import FaithfulnessReport, Language, Summary
from kurzum.pipeline import ArticleText, check_summary, make_summary, split_paragraphs, to_article
from kurzum.settings import Settings
from kurzum.storage import jobs
from kurzum.storage.db import SessionFactory, session_scope
from kurzum.storage.summaries import store_machine_summary
from kurzum.storage.tables import Article, SummaryVersion
from kurzum.workers.tasks import SummarizeResult, summarize_article

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Job:
    article_id: int
    job_key: str
    core: CoreArticle


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
) -> list[_Job]:
    """The jobs still to do; gone, outdated and done articles get their result at once."""
    wanted = dict(items)
    with session_scope(session_factory) as session:
        stmt = select(Article).where(Article.id.in_(list(wanted)))
        found = {a.id: a for a in session.scalars(stmt)}
        done = _existing_keys(session, [(a.id, a.job_key) for a in found.values()])
        todo: list[_Job] = []
        for article_id, digest in wanted.items():
            article = found.get(article_id)
            if article is None or article.deleted_at is not None:
                results[article_id] = SummarizeResult("gone")
            elif article.content_hash != digest:
                results[article_id] = SummarizeResult("outdated")
            elif (article.id, article.job_key) in done:
                if article.status != "ready":
                    jobs.job_done(article)
                results[article_id] = SummarizeResult("exists")
            else:
                language: Language = article.language  # type: ignore[assignment]
                text = ArticleText(article.title, article.lead, split_paragraphs(article.body))
                core = to_article(
                    text, language=language, premium=article.premium, ident=article.external_id
                )
                todo.append(_Job(article.id, article.job_key, core))
        return todo


def _write(
    session_factory: SessionFactory,
    made: dict[int, tuple[_Job, Summary, FaithfulnessReport]],
    failed: dict[int, tuple[_Job, str]],
    settings: Settings,
    results: dict[int, SummarizeResult],
) -> None:
    ids = sorted({*made, *failed})
    with session_scope(session_factory) as session:
        # Row locks in id order: two batches never deadlock, a concurrent batch waits.
        stmt = select(Article).where(Article.id.in_(ids)).order_by(Article.id).with_for_update()
        articles = {a.id: a for a in session.scalars(stmt)}
        done = _existing_keys(session, [(i, job.job_key) for i, (job, _, _) in made.items()])
        for article_id, (job, summary, report) in made.items():
            article = articles.get(article_id)
            if article is None or article.deleted_at is not None:
                results[article_id] = SummarizeResult("gone")
            elif article.job_key != job.job_key:
                results[article_id] = SummarizeResult("outdated")
            elif (article_id, job.job_key) in done:
                jobs.job_done(article)
                results[article_id] = SummarizeResult("exists")
            else:
                transition = store_machine_summary(
                    session, article, summary, report, job_key=job.job_key
                )
                jobs.job_done(article)
                session.flush()
                results[article_id] = SummarizeResult(
                    "created", transition.version.id, tuple(d.id for d in transition.deliveries)
                )
        for article_id, (job, reason) in failed.items():
            article = articles.get(article_id)
            if article is not None and article.job_key == job.job_key:
                jobs.job_failed(
                    session,
                    article,
                    reason,
                    max_attempts=settings.max_attempts,
                    base_seconds=settings.retry_base_seconds,
                )
            results[article_id] = SummarizeResult("failed")


def summarize_articles(
    session_factory: SessionFactory,
    items: Sequence[tuple[int, str]],
    settings: Settings | None = None,
) -> dict[int, SummarizeResult]:
    """Summarize these (article id, content hash) versions; safe to repeat or run concurrently
    with itself and with :func:`summarize_article`. Returns each article's result."""
    settings = settings or Settings()
    results: dict[int, SummarizeResult] = {}
    todo = _read(session_factory, items, results)
    made: dict[int, tuple[_Job, Summary, FaithfulnessReport]] = {}
    failed: dict[int, tuple[_Job, str]] = {}
    for job in todo:  # no transaction is held while summarizing
        try:
            summary = make_summary(job.core, settings)
            made[job.article_id] = (job, summary, check_summary(summary, job.core))
        except Exception as exc:  # stored on the article and retried, like the single task
            log.warning("summarizing article %s failed: %s", job.article_id, exc)
            failed[job.article_id] = (job, f"{type(exc).__name__}: {exc}")
    if not made and not failed:
        return results
    try:
        _write(session_factory, made, failed, settings, results)
    except IntegrityError:  # a single-article run stored one of these first: go one by one
        for job in todo:
            digest = dict(items)[job.article_id]
            results[job.article_id] = summarize_article(
                session_factory, job.article_id, digest, settings
            )
    return results
