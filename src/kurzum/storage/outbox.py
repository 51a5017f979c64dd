"""The webhook outbox: events are rows first, written in the transaction of the state change
they report, so a rolled-back change sends nothing and a crash after commit loses nothing.

The worker sends them (``kurzum.workers.tasks.deliver_webhook``) in the Standard Webhooks format
and retries with exponential backoff; every try is logged (``webhook_attempts``). Events only
ever go to the webhook of the article's own publication.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kurzum.backoff import backoff_seconds
from kurzum.errors import InputError
from kurzum.labels import label
from kurzum.storage.tables import (
    Article,
    Publication,
    SummaryVersion,
    WebhookAttempt,
    WebhookDelivery,
    utcnow,
)
from kurzum.webhooks import events
from kurzum.webhooks.events import EventType
from kurzum.webhooks.signing import new_message_id

_NEW = "kurzum.webhooks.new"  # session.info key: deliveries added since the last take_new()


def enabled(pub: Publication) -> bool:
    """Webhooks are on when the publication has a URL and a signing secret."""
    return bool(pub.webhook_url and pub.webhook_secret)


def article_ref(article: Article) -> events.ArticleRef:
    """The article as events describe it."""
    return events.ArticleRef(article.external_id, article.url, article.language, article.premium)


def summary_info(version: SummaryVersion) -> events.SummaryInfo:
    """A version as events describe it."""
    return events.SummaryInfo(
        id=version.id,
        version=version.version,
        state=version.state,
        reviewed=version.reviewed,
        label=label(version),
        method=version.method,
        model=version.model,
        language=version.language,
        bullets=tuple(version.bullet_texts),
    )


def add(
    session: Session,
    pub: Publication,
    type_: EventType,
    payload: str,
    *,
    summary_id: int | None = None,
) -> WebhookDelivery | None:
    """Queue one delivery of ``payload`` when the publication's webhooks are on."""
    if not enabled(pub):
        return None
    delivery = WebhookDelivery(
        publication_id=pub.id,
        message_id=new_message_id(),
        summary_id=summary_id,
        event=type_,
        payload=payload,
        status="pending",
        next_attempt_at=utcnow(),
    )
    session.add(delivery)
    session.flush()
    session.info.setdefault(_NEW, []).append(delivery.id)
    return delivery


def summary_event(
    session: Session,
    version: SummaryVersion,
    type_: EventType,
    *,
    reason: str | None = None,
    previous_summary_id: int | None = None,
) -> tuple[WebhookDelivery, ...]:
    """Queue a ``summary.*`` event for the version's own publication (flushes the version)."""
    session.flush()
    article = version.article
    pub = article.publication
    if not enabled(pub):
        return ()
    payload = events.summary_event(
        type_,
        publication=pub.slug,
        article=article_ref(article),
        summary=summary_info(version),
        at=utcnow(),
        reason=reason,
        previous_summary_id=previous_summary_id,
    )
    delivery = add(session, pub, type_, events.encode(payload), summary_id=version.id)
    return (delivery,) if delivery is not None else ()


def article_deleted(session: Session, article: Article) -> tuple[WebhookDelivery, ...]:
    """Queue ``article.deleted`` for the article's publication."""
    pub = article.publication
    if not enabled(pub):
        return ()
    payload = events.article_deleted(
        publication=pub.slug, article=article_ref(article), at=utcnow()
    )
    delivery = add(session, pub, "article.deleted", events.encode(payload))
    return (delivery,) if delivery is not None else ()


def ping(session: Session, pub: Publication) -> WebhookDelivery:
    """Queue a ``webhook.test`` event (the admin's "send test event"); InputError when off."""
    payload = events.ping(publication=pub.slug, at=utcnow())
    delivery = add(session, pub, "webhook.test", events.encode(payload))
    if delivery is None:
        raise InputError("the publication has no webhook URL and secret")
    return delivery


def take_new(session: Session) -> list[int]:
    """Ids of deliveries queued in this session since the last call (wake workers after commit)."""
    ids: list[int] = session.info.pop(_NEW, [])
    return ids


def due(session: Session, now: datetime | None = None, limit: int = 100) -> list[int]:
    """Ids of pending deliveries whose next attempt is due."""
    stmt = (
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= (now or utcnow()),
        )
        .order_by(WebhookDelivery.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def record_attempt(
    session: Session,
    delivery: WebhookDelivery,
    *,
    status_code: int | None,
    error: str | None,
    duration_ms: int,
    max_attempts: int,
    base_seconds: float,
) -> None:
    """Log one try and move the delivery on: delivered, retry later, or failed for good."""
    now = utcnow()
    session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            at=now,
            status_code=status_code,
            error=error,
            duration_ms=duration_ms,
        )
    )
    delivery.attempts += 1
    if error is None:
        delivery.status = "delivered"
        delivery.delivered_at = now
        delivery.last_error = None
        delivery.next_attempt_at = None
        return
    delivery.last_error = error
    if delivery.attempts >= max_attempts:
        delivery.status = "failed"
        delivery.next_attempt_at = None
    else:
        wait = backoff_seconds(delivery.attempts, base_seconds)  # kurzum's one backoff rule
        delivery.next_attempt_at = now + timedelta(seconds=wait)


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One delivery with its tries, newest try first."""

    delivery: WebhookDelivery
    attempts: list[WebhookAttempt]


def delivery_log(
    session: Session, pub: Publication, *, limit: int = 50, attempts_per: int = 5
) -> list[LogEntry]:
    """The publication's latest deliveries, newest first, each with its last tries."""
    deliveries = list(
        session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.publication_id == pub.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )
    tries: dict[int, list[WebhookAttempt]] = {d.id: [] for d in deliveries}
    if deliveries:
        for attempt in session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id.in_(list(tries)))
            .order_by(WebhookAttempt.id.desc())
        ):
            if len(tries[attempt.delivery_id]) < attempts_per:
                tries[attempt.delivery_id].append(attempt)
    return [LogEntry(d, tries[d.id]) for d in deliveries]
