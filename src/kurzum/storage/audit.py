"""The audit log: one row per state change or edit, with who did it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from kurzum.storage.tables import AuditEvent, utcnow


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


@dataclass(frozen=True, slots=True)
class Event:
    """One audit event for :func:`record_many`."""

    actor: Actor
    action: str
    article_id: int | None = None
    summary_id: int | None = None
    detail: dict[str, Any] | None = None


def record_many(session: Session, events: Sequence[Event]) -> None:
    """Append many audit events in one statement, in order (batch paths; same rows as
    :func:`record`). Pending ORM changes are flushed first so event ids stay chronological."""
    if not events:
        return
    session.flush()
    now = utcnow()
    rows = [
        {
            "at": now,
            "actor": e.actor.name,
            "user_id": e.actor.user_id,
            "action": e.action,
            "article_id": e.article_id,
            "summary_id": e.summary_id,
            "detail": dict(e.detail or {}),
        }
        for e in events
    ]
    table = AuditEvent.__table__
    assert isinstance(table, Table)
    session.connection().execute(insert(table), rows)


def history(session: Session, article_id: int) -> list[AuditEvent]:
    """Every audit event of an article, oldest first."""
    stmt = select(AuditEvent).where(AuditEvent.article_id == article_id).order_by(AuditEvent.id)
    return list(session.scalars(stmt))
