"""The audit log: one row per state change or edit, with who did it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kurzum.storage.tables import AuditEvent


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a user, a publisher API key or the worker (``name`` is shown in the log)."""

    name: str
    user_id: int | None = None


WORKER = Actor("worker")
SYSTEM = Actor("system")


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    article_id: int | None = None,
    summary_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Append one audit event (flushed with the caller's transaction)."""
    event = AuditEvent(
        actor=actor.name,
        user_id=actor.user_id,
        action=action,
        article_id=article_id,
        summary_id=summary_id,
        detail=detail,
    )
    session.add(event)
    return event


def history(session: Session, article_id: int) -> list[AuditEvent]:
    """Every audit event of an article, oldest first."""
    stmt = select(AuditEvent).where(AuditEvent.article_id == article_id).order_by(AuditEvent.id)
    return list(session.scalars(stmt))
