"""Task functions: plain, idempotent and database-driven, so any runner can call them.

The in-process worker calls them from a thread; Celery tasks (issue 6) wrap the same functions.
``summarize_article`` is keyed by article + content hash (+ regeneration counter): a duplicate
delivery or a retry never creates a second version; a failure is stored on the article.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import httpx
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kurzum.backoff import backoff_seconds
from kurzum.pipeline import check_summary, make_summary, stored_to_core, summary_options
from kurzum.settings import Settings
from kurzum.storage import jobs, outbox
from kurzum.storage.calibrations import calibrations
from kurzum.storage.db import SessionFactory, session_scope
from kurzum.storage.summaries import store_machine_summary
from kurzum.storage.tables import Article, Publication, SummaryVersion, WebhookDelivery, utcnow

log = logging.getLogger(__name__)

Outcome = Literal["created", "exists", "outdated", "gone", "failed"]


@dataclass(frozen=True, slots=True)
class SummarizeResult:
    """What one run did, plus webhook deliveries the runner should send next."""

    outcome: Outcome
    summary_id: int | None = None
    deliveries: tuple[int, ...] = ()
    retry_in: float | None = None  # failed: seconds until the next attempt (None: no more)


@dataclass(frozen=True, slots=True)
class Holder:
    """The worker process running a job: it claims the article while it runs it and while its
    own retry of a failure is scheduled (see :mod:`kurzum.storage.jobs`)."""

    worker: str
    claim_seconds: float  # longest a job may run (the task time limit) plus a margin
    max_retry_delay: float = 0.0  # the holder schedules its own retries up to this wait

    def retries_itself(self, delay: float) -> bool:
        """True when the holder itself runs the retry after ``delay`` seconds; longer waits
        are left to the reconciler."""
        return delay <= self.max_retry_delay


# What decides the summary an article gets: a failure under one of these is worth retrying
# under another. Not secrets: the API key is hashed with the rest.
_CONFIG_FIELDS = ("summary_backend", "llm_url", "llm_model", "llm_timeout", "llm_api_key")


def config_fingerprint(settings: Settings) -> str:
    """A short hash of the worker configuration that shapes summaries (stored with failures)."""
    parts = []
    for name in _CONFIG_FIELDS:
        value = getattr(settings, name)
        if hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        parts.append(f"{name}={value}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def record_failure(
    session: Session,
    article: Article,
    reason: str,
    settings: Settings,
    holder: Holder | None,
) -> float | None:
    """Store a failed attempt; a holder keeps the article claimed until its own retry runs."""
    delay = jobs.job_failed(
        session,
        article,
        reason,
        max_attempts=settings.max_attempts,
        base_seconds=settings.retry_base_seconds,
        config=config_fingerprint(settings),
    )
    if delay is not None and holder is not None and holder.retries_itself(delay):
        jobs.claim(session, [article.id], holder.worker, delay + holder.claim_seconds)
    log.info(
        "article %s attempt %d failed (%s); %s",
        article.id,
        article.attempts,
        reason[:200],
        f"retry in {delay:g} s" if delay is not None else "no more automatic retries",
    )
    return delay


def _existing(session: Session, article: Article) -> SummaryVersion | None:
    return session.scalar(
        select(SummaryVersion).where(
            SummaryVersion.article_id == article.id, SummaryVersion.job_key == article.job_key
        )
    )


def summarize_article(
    session_factory: SessionFactory,
    article_id: int,
    content_hash: str,
    settings: Settings,
    holder: Holder | None = None,
) -> SummarizeResult:
    """Summarize one article version; safe to run twice or concurrently for the same key."""
    with session_scope(session_factory) as session:
        article = session.get(Article, article_id)
        if article is None or article.deleted_at is not None:
            return SummarizeResult("gone")
        if article.content_hash != content_hash:
            return SummarizeResult("outdated")
        existing = _existing(session, article)
        if existing is not None:
            jobs.job_done(article)
            return SummarizeResult("exists", existing.id)
        if holder is not None:
            jobs.claim(session, [article_id], holder.worker, holder.claim_seconds)
        job_key = article.job_key
        core = stored_to_core(article)
        calibration = calibrations(session, [article.publication_id])[article.publication_id]
    try:  # the summarizer may be slow (LLM): no transaction is held meanwhile
        summary = make_summary(core, settings, summary_options(calibration))
        report = check_summary(summary, core)
    except Exception as exc:  # any failure is stored on the article and retried
        log.warning("summarizing article %s failed: %s", article_id, exc)
        delay: float | None = None
        with session_scope(session_factory) as session:
            article = session.get(Article, article_id)
            if article is not None and article.job_key == job_key:
                delay = record_failure(
                    session, article, f"{type(exc).__name__}: {exc}", settings, holder
                )
        return SummarizeResult("failed", retry_in=delay)
    try:
        with session_scope(session_factory) as session:
            article = session.get(Article, article_id)
            if article is None or article.deleted_at is not None:
                return SummarizeResult("gone")
            if article.job_key != job_key:
                return SummarizeResult("outdated")
            existing = _existing(session, article)
            if existing is not None:
                jobs.job_done(article)
                return SummarizeResult("exists", existing.id)
            transition = store_machine_summary(session, article, summary, report, job_key=job_key)
            jobs.job_done(article)
            session.flush()
            return SummarizeResult(
                "created", transition.version.id, tuple(d.id for d in transition.deliveries)
            )
    except IntegrityError:  # a concurrent run stored the same job key first
        return SummarizeResult("exists")


def deliver_webhook(
    session_factory: SessionFactory,
    delivery_id: int,
    settings: Settings,
    client: httpx.Client | None = None,
) -> bool:
    """Send one webhook delivery; on failure schedule a retry with backoff. True when delivered."""
    with session_scope(session_factory) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.status != "pending":
            return delivery is not None and delivery.status == "delivered"
        publication = session.get(Publication, delivery.publication_id)
        if publication is None or not publication.webhook_url:
            delivery.status = "failed"
            delivery.last_error = "publication has no webhook URL"
            return False
        url, secret, body = (
            publication.webhook_url,
            publication.webhook_secret or "",
            delivery.payload,
        )
    timestamp = str(int(utcnow().timestamp()))
    data = body.encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        outbox.TIMESTAMP_HEADER: timestamp,
        outbox.SIGNATURE_HEADER: outbox.sign(secret, timestamp, data),
        "X-Kurzum-Event": json.loads(body).get("event", ""),
        "X-Kurzum-Delivery": str(delivery_id),
    }
    error: str | None = None
    try:
        own = client is None
        http = client or httpx.Client(timeout=settings.webhook_timeout, follow_redirects=False)
        try:
            response = http.post(url, content=data, headers=headers)
        finally:
            if own:
                http.close()
        if not 200 <= response.status_code < 300:
            error = f"HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"
    with session_scope(session_factory) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None:
            return error is None
        delivery.attempts += 1
        if error is None:
            delivery.status = "delivered"
            delivery.delivered_at = utcnow()
            delivery.last_error = None
            return True
        delivery.last_error = error
        if delivery.attempts >= settings.webhook_max_attempts:
            delivery.status = "failed"
        else:
            wait = backoff_seconds(delivery.attempts, settings.retry_base_seconds)
            delivery.next_attempt_at = utcnow() + timedelta(seconds=wait)
        return False
