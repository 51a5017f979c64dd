"""``kurzum backfill``: re-summarize an existing archive, slowly and behind live work.

Selection: live articles of the given publications, published in [since, until), whose newest
summary was made before ``before`` (default: when the command started) and was not approved by
an editor (an editor's work is never replaced unless asked). Each article gets a new
regeneration counter, so the idempotent task makes exactly one new version for it.

Priority below live articles: backfill tasks go to their own queue, which workers read only
when the live queue is empty, and the producer keeps at most ``window`` of them waiting and sends
at most ``rate`` per second. Resumable: rerunning with the same ``--before`` skips what is done.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from kurzum.archive.importer import publication_id
from kurzum.archive.sinks import Sink
from kurzum.errors import InputError
from kurzum.storage import bulk, jobs, summaries
from kurzum.storage.audit import Actor
from kurzum.storage.db import SessionFactory, session_scope
from kurzum.storage.tables import Article

BACKFILL_ACTOR = Actor("backfill")
SELECT_BATCH = 500


@dataclass
class BackfillStats:
    """Running totals of one backfill."""

    sent: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True, slots=True)
class BackfillPlan:
    """What to re-summarize and how fast."""

    publications: Sequence[str]
    before: datetime
    since: datetime | None = None
    until: datetime | None = None
    rate: float = 20.0
    window: int = 50
    include_reviewed: bool = False
    limit: int | None = None


def _regenerate(
    session_factory: SessionFactory, ids: Sequence[int], lease_seconds: float | None
) -> list[tuple[int, str]]:
    with session_scope(session_factory) as session:
        items: list[tuple[int, str]] = []
        for article in session.scalars(select(Article).where(Article.id.in_(list(ids)))):
            summaries.regenerate(session, article, BACKFILL_ACTOR)
            items.append((article.id, article.content_hash))
        if lease_seconds is not None:
            jobs.lease(session, [i for i, _ in items], lease_seconds)
        return items


def run_backfill(
    plan: BackfillPlan,
    *,
    session_factory: SessionFactory,
    sink: Sink,
    on_progress: Callable[[BackfillStats], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> BackfillStats:
    """Regenerate the planned articles' summaries at ``plan.rate`` per second.

    ``clock`` (seconds, monotonic) and ``sleep`` are injected so tests drive time by hand."""
    if plan.rate <= 0 or plan.window < 1:
        raise InputError("rate must be positive and window at least 1")
    pub_ids = [publication_id(session_factory, slug)[0] for slug in plan.publications]
    stats = BackfillStats()
    start = clock()
    step = max(1, min(plan.window, int(plan.rate)))  # articles sent per tick
    after_id = 0
    while plan.limit is None or stats.sent < plan.limit:
        with session_scope(session_factory) as session:
            ids = bulk.backfill_batch(
                session,
                pub_ids,
                since=plan.since,
                until=plan.until,
                before=plan.before,
                after_id=after_id,
                include_reviewed=plan.include_reviewed,
                limit=SELECT_BATCH,
            )
        if not ids:
            break
        after_id = ids[-1]
        if plan.limit is not None:
            ids = ids[: plan.limit - stats.sent]
        for offset in range(0, len(ids), step):
            while sink.waiting(backfill=True) >= plan.window:
                sleep(0.2)
            chunk = ids[offset : offset + step]
            sink.send(_regenerate(session_factory, chunk, sink.lease_seconds), backfill=True)
            stats.sent += len(chunk)
            # Rate limit: the next tick is due when this many articles' worth of time passed.
            due = start + stats.sent / plan.rate
            stats.seconds = clock() - start
            if on_progress is not None:
                on_progress(stats)
            if due > clock():
                sleep(due - clock())
    stats.seconds = clock() - start
    return stats
