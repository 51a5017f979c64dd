"""The webhook outbox: deliveries are rows first, so a crash between commit and send loses none.

The worker sends them (``kurzum.workers.tasks.deliver_webhook``) signed with HMAC-SHA256 and
retries with exponential backoff.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kurzum.labels import label
from kurzum.storage.tables import Publication, SummaryVersion, WebhookDelivery, utcnow

SIGNATURE_HEADER = "X-Kurzum-Signature"
TIMESTAMP_HEADER = "X-Kurzum-Timestamp"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, timestamp + "." + body) (replay-resistant)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def enqueue(
    session: Session, pub: Publication, version: SummaryVersion, event: str
) -> tuple[WebhookDelivery, ...]:
    """Queue a webhook for ``event`` when the publication has a webhook URL."""
    if not pub.webhook_url:
        return ()
    article = version.article
    payload = {
        "event": event,
        "publication": pub.slug,
        "article": {"external_id": article.external_id, "url": article.url},
        "summary": {
            "id": version.id,
            "version": version.version,
            "state": version.state,
            "reviewed": version.reviewed,
            "label": label(version),
            "method": version.method,
            "language": version.language,
            "bullets": version.bullet_texts,
        },
    }
    delivery = WebhookDelivery(
        publication_id=pub.id,
        summary_id=version.id,
        event=event,
        payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
        status="pending",
        next_attempt_at=utcnow(),
    )
    session.add(delivery)
    session.flush()
    return (delivery,)


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
