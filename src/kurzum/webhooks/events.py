"""The webhook events and their versioned JSON payloads (schema version 1).

Every payload is ``{"type", "version", "timestamp", "data"}``; ``timestamp`` is when the event
happened (the same on every retry), ``data`` depends on the type. Bullet texts travel only in
``summary.published`` and ``summary.changed``, i.e. only for a version readers may see now, and
only ever to the webhook of the article's own publication (the outbox enforces that). The README
section "Webhooks" shows one example of each.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

SCHEMA_VERSION = 1

EventType = Literal[
    "summary.published",
    "summary.changed",
    "summary.retracted",
    "summary.held",
    "article.deleted",
    "webhook.test",
]
EVENT_TYPES: tuple[EventType, ...] = (
    "summary.published",
    "summary.changed",
    "summary.retracted",
    "summary.held",
    "article.deleted",
    "webhook.test",
)
DESCRIPTIONS: dict[EventType, str] = {
    "summary.published": "A summary became visible to readers (first served version).",
    "summary.changed": "The served summary changed: a new version or a new label (approved).",
    "summary.retracted": "Readers no longer see the summary (retracted or rejected).",
    "summary.held": "A new summary waits for an editor's review; nothing is served from it.",
    "article.deleted": "The article and every summary of it are gone for readers.",
    "webhook.test": "Sent by the admin's 'send test event'; carries no article data.",
}
# Only these carry bullet texts: the receiver may show them at once.
WITH_BULLETS: frozenset[str] = frozenset({"summary.published", "summary.changed"})


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """The article an event is about, as the publisher's CMS knows it."""

    external_id: str
    url: str | None
    language: str
    premium: bool


@dataclass(frozen=True, slots=True)
class SummaryInfo:
    """A summary version as events describe it (bullets used only where allowed)."""

    id: int
    version: int
    state: str
    reviewed: bool
    label: str
    method: str
    model: str | None
    language: str
    bullets: tuple[str, ...]


def iso(at: datetime) -> str:
    """A UTC time as ``2026-11-29T22:30:00Z``."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def envelope(type_: EventType, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    """The common frame of every payload."""
    return {"type": type_, "version": SCHEMA_VERSION, "timestamp": iso(at), "data": data}


def _article(article: ArticleRef) -> dict[str, Any]:
    return {
        "external_id": article.external_id,
        "url": article.url,
        "language": article.language,
        "premium": article.premium,
    }


def summary_event(
    type_: EventType,
    *,
    publication: str,
    article: ArticleRef,
    summary: SummaryInfo,
    at: datetime,
    reason: str | None = None,
    previous_summary_id: int | None = None,
) -> dict[str, Any]:
    """A ``summary.*`` payload; bullets only for a published version in a published/changed
    event, so a held draft or a retracted text never leaves kurzum."""
    if type_ not in ("summary.published", "summary.changed", "summary.retracted", "summary.held"):
        raise ValueError(f"{type_} is not a summary event")
    body: dict[str, Any] = {
        "id": summary.id,
        "version": summary.version,
        "state": summary.state,
        "reviewed": summary.reviewed,
        "label": summary.label,
        "method": summary.method,
        "model": summary.model,
        "language": summary.language,
    }
    if type_ in WITH_BULLETS and summary.state == "published":
        body["bullets"] = [{"text": text} for text in summary.bullets]
    data: dict[str, Any] = {
        "publication": publication,
        "article": _article(article),
        "summary": body,
    }
    if reason is not None:
        data["reason"] = reason
    if previous_summary_id is not None:
        data["previous_summary_id"] = previous_summary_id
    return envelope(type_, at, data)


def article_deleted(*, publication: str, article: ArticleRef, at: datetime) -> dict[str, Any]:
    """``article.deleted``: drop the article's summary from every cache."""
    return envelope(
        "article.deleted", at, {"publication": publication, "article": _article(article)}
    )


def ping(*, publication: str, at: datetime) -> dict[str, Any]:
    """``webhook.test``: proves URL, secret and signature check work; no article data."""
    data = {"publication": publication, "message": "kurzum webhook test"}
    return envelope("webhook.test", at, data)


def encode(payload: dict[str, Any]) -> str:
    """The payload as sent: compact UTF-8 JSON with sorted keys (stable bytes to sign)."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
