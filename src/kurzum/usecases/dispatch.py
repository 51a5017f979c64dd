"""How use cases wake workers; the in-process worker and Celery both implement it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from sqlalchemy.orm import Session

from kurzum.storage import outbox


class Dispatcher(Protocol):
    """Wake-up calls only: the database already holds the work, so a lost call is recovered."""

    def summarize(self, article_id: int, content_hash: str) -> None:
        """Summarize this article version soon."""

    def summarize_many(self, items: Iterable[tuple[int, str]]) -> int:
        """Summarize these (article id, content hash) versions soon; returns how many were sent."""

    def webhook(self, delivery_id: int) -> None:
        """Send this webhook delivery soon."""


def wake_webhooks(session: Session, dispatcher: Dispatcher) -> None:
    """After a commit: send the webhook events this session queued (the outbox rows exist)."""
    for delivery_id in outbox.take_new(session):
        dispatcher.webhook(delivery_id)
