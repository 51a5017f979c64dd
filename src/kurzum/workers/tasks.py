"""Task functions: plain, idempotent and database-driven, so any runner can call them.

The in-process worker calls them from a thread; Celery tasks (issue 6) wrap the same functions.
``summarize_article`` is keyed by article + content hash (+ regeneration counter): a duplicate
delivery or a retry never creates a second version; a failure is stored on the article.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from typing import Literal

import httpx
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kurzum import __version__
from kurzum.errors import InputError
from kurzum.pipeline import check_summary, make_summary, stored_to_core, summary_options
from kurzum.settings import Settings
from kurzum.storage import jobs, outbox
from kurzum.storage.calibrations import calibrations
from kurzum.storage.db import SessionFactory, session_scope
from kurzum.storage.summaries import store_machine_summary
from kurzum.storage.tables import Article, Publication, SummaryVersion, WebhookDelivery, utcnow
from kurzum.webhooks import signing
from kurzum.webhooks.targets import Resolver, check_url, system_resolver

log = logging.getLogger(__name__)
USER_AGENT = f"kurzum-webhooks/{__version__}"  # stable: receivers may allow-list it

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
    resolve: Resolver | None = None,
) -> bool:
    """Send one outbox delivery (Standard Webhooks headers); log the try; on failure schedule a
    retry with backoff. True when delivered.

    The URL's host is resolved and checked again now (SSRF) and the request goes to the checked
    address, with the original ``Host`` and TLS SNI; redirects are not followed."""
    with session_scope(session_factory) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.status != "pending":
            return delivery is not None and delivery.status == "delivered"
        publication = session.get(Publication, delivery.publication_id)
        if publication is None or not outbox.enabled(publication):
            delivery.status = "failed"
            delivery.last_error = "the publication has no webhook URL and secret"
            return False
        url = publication.webhook_url or ""
        secret = publication.webhook_secret or ""
        message_id = delivery.message_id or f"msg_legacy_{delivery.id}"
        body = delivery.payload.encode("utf-8")
    started = time.monotonic()
    status_code, error = _post(url, secret, message_id, body, settings, client, resolve)
    with session_scope(session_factory) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None:
            return error is None
        outbox.record_attempt(
            session,
            delivery,
            status_code=status_code,
            error=error,
            duration_ms=int((time.monotonic() - started) * 1000),
            max_attempts=settings.webhook_max_attempts,
            base_seconds=settings.retry_base_seconds,
        )
        if error is not None:
            log.info("webhook delivery %s failed: %s", delivery_id, error)
        return error is None


def _post(
    url: str,
    secret: str,
    message_id: str,
    body: bytes,
    settings: Settings,
    client: httpx.Client | None,
    resolve: Resolver | None,
) -> tuple[int | None, str | None]:
    """One signed POST to the checked address: (status code, error or None when 2xx)."""
    try:
        target = check_url(
            url,
            allow_private=settings.webhooks_allow_private,
            resolve=resolve or system_resolver,
        )
        headers = signing.headers(
            secret, message_id, int(utcnow().timestamp()), body, user_agent=USER_AGENT
        )
    except InputError as exc:
        return None, f"refused: {exc}"
    headers["Host"] = target.host_header
    own = client is None
    http = client or httpx.Client(timeout=settings.webhook_timeout, follow_redirects=False)
    try:
        response = http.post(
            target.pinned_url(),
            content=body,
            headers=headers,
            extensions={"sni_hostname": target.host},
            follow_redirects=False,
        )
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    finally:
        if own:
            http.close()
    if 200 <= response.status_code < 300:
        return response.status_code, None
    if 300 <= response.status_code < 400:
        return response.status_code, f"HTTP {response.status_code} (redirects are not followed)"
    return response.status_code, f"HTTP {response.status_code}"
