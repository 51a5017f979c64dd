"""What the operator's metrics count, read from the database at scrape time.

Derived from the tables, not from counters in one process, so the numbers are the same whoever
is asked: any of ``serve --workers`` processes, with any number of Celery workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kurzum.storage import jobs
from kurzum.storage.tables import (
    AuditEvent,
    SummaryVersion,
    WebhookDelivery,
    WorkerHeartbeat,
    utcnow,
)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Counts of one scrape."""

    summaries: dict[tuple[str, str], int] = field(default_factory=dict)  # (method, state) -> n
    fallbacks: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    failures: int = 0  # failed summarization attempts ever (audit events)
    retries: int = 0  # retries asked for (editor, CLI, configuration change)
    articles: dict[str, int] = field(default_factory=dict)  # status -> n
    webhooks: dict[str, int] = field(default_factory=dict)  # status -> n
    heartbeats: dict[str, float] = field(default_factory=dict)  # worker -> seconds since beat
    workers_alive: int = 0


def snapshot(session: Session, *, dead_after: float, now: datetime | None = None) -> Snapshot:
    """Everything the metrics endpoint shows, in a handful of grouped counts."""
    now = now or utcnow()
    summaries = {
        (str(m), str(s)): int(n)
        for m, s, n in session.execute(
            select(SummaryVersion.method, SummaryVersion.state, func.count()).group_by(
                SummaryVersion.method, SummaryVersion.state
            )
        )
    }
    fallbacks = int(
        session.scalar(select(func.count()).where(SummaryVersion.fell_back.is_(True))) or 0
    )
    prompt, completion = session.execute(
        select(
            func.coalesce(func.sum(SummaryVersion.prompt_tokens), 0),
            func.coalesce(func.sum(SummaryVersion.completion_tokens), 0),
        )
    ).one()
    actions = {
        str(a): int(n)
        for a, n in session.execute(
            select(AuditEvent.action, func.count())
            .where(AuditEvent.action.in_(("summary.failed", "summary.retry")))
            .group_by(AuditEvent.action)
        )
    }
    webhooks = {
        str(s): int(n)
        for s, n in session.execute(
            select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status)
        )
    }
    beats = {
        str(w): max(0.0, (now - b).total_seconds())
        for w, b in session.execute(select(WorkerHeartbeat.worker, WorkerHeartbeat.beat_at))
    }
    alive = sum(1 for age in beats.values() if age <= dead_after)
    return Snapshot(
        summaries=summaries,
        fallbacks=fallbacks,
        prompt_tokens=int(prompt),
        completion_tokens=int(completion),
        failures=int(actions.get("summary.failed", 0)),
        retries=int(actions.get("summary.retry", 0)),
        articles=jobs.backlog(session),
        webhooks=webhooks,
        heartbeats=beats,
        workers_alive=alive,
    )
