"""``kurzum import``: load an archive in batches and have every article summarized.

Resumable by construction: each batch is one transaction of idempotent upserts keyed by
(publication, external id), so after Ctrl-C or a crash the same command continues where the
data stands; unchanged articles are neither rewritten nor summarized again. Work is sent only
after its batch committed, and leased, so an article whose message got lost is re-sent by the
reconciler once the lease runs out.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from kurzum.archive.records import BadLine, Record, archive_files, parse_line, read_lines
from kurzum.archive.sinks import Sink
from kurzum.storage import articles as repo
from kurzum.storage import bulk, jobs
from kurzum.storage.audit import Actor
from kurzum.storage.db import SessionFactory, session_scope
from kurzum.storage.tables import Article, Publication, utcnow

IMPORT_ACTOR = Actor("import")
MAX_REPORTED_ERRORS = 1000


@dataclass
class ImportStats:
    """Running totals of one import."""

    lines: int = 0
    sent: list[int] = field(default_factory=list)  # article ids sent to be summarized
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    bytes_read: int = 0
    errors: list[tuple[Path, BadLine]] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return self.created + self.updated


ProgressFn = Callable[[ImportStats], None]


def _batches(
    paths: Iterable[Path], size: int, language: str, stats: ImportStats
) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for path in paths:
        for number, text, nbytes in read_lines(path):
            stats.bytes_read += nbytes
            parsed = parse_line(text, number, language)
            if parsed is None:
                continue
            stats.lines += 1
            if isinstance(parsed, BadLine):
                stats.failed += 1
                if len(stats.errors) < MAX_REPORTED_ERRORS:
                    stats.errors.append((path, parsed))
                continue
            batch.append(parsed)
            if len(batch) >= size:
                yield batch
                batch = []
    if batch:
        yield batch


def store_batch(
    session_factory: SessionFactory,
    publication_id: int,
    batch: list[Record],
    lease_seconds: float | None,
    stats: ImportStats,
) -> list[tuple[int, str]]:
    """Upsert one batch in one transaction; returns the article versions needing a summary.

    One query finds the batch's existing articles; new ones are inserted in bulk (rows and
    audit events, leased at once), existing or repeated ones go through the ORM upsert."""
    wake: list[tuple[int, str]] = []
    now = utcnow()
    with session_scope(session_factory) as session:
        pub = session.get(Publication, publication_id)
        assert pub is not None
        stmt = select(Article).where(
            Article.publication_id == publication_id,
            Article.external_id.in_(sorted({r.external_id for r in batch})),
        )
        existing = {a.external_id: a for a in session.scalars(stmt)}
        fresh: dict[str, Record] = {}
        later: list[Record] = []  # existing, or a second line of an id new in this batch
        for record in batch:
            if record.external_id in existing or record.external_id in fresh:
                later.append(record)
            else:
                fresh[record.external_id] = record
        lease_until = now + timedelta(seconds=lease_seconds) if lease_seconds is not None else now
        inserted = repo.insert_articles(
            session,
            pub,
            [repo.NewArticle(r.external_id, r.data, r.digest) for r in fresh.values()],
            IMPORT_ACTOR,
            next_attempt_at=lease_until,
        )
        for external_id, article_id in inserted.items():
            stats.created += 1
            wake.append((article_id, fresh[external_id].digest))
        # Lost a race with a concurrent writer: upsert those one by one, after the rest.
        later.extend(r for r in fresh.values() if r.external_id not in inserted)
        for record in later:
            article = existing.get(record.external_id)
            if article is not None:
                result = repo.update_article(
                    session, article, record.data, IMPORT_ACTOR, digest=record.digest
                )
            else:
                result = repo.upsert_article(
                    session,
                    pub,
                    record.external_id,
                    record.data,
                    IMPORT_ACTOR,
                    digest=record.digest,
                )
                existing[record.external_id] = result.article
            if result.created:
                stats.created += 1
            elif result.changed:
                stats.updated += 1
            else:
                stats.unchanged += 1
            # Pending but unchanged: stored by an interrupted run before its work was sent.
            if result.needs_summary or result.article.status == "pending":
                wake.append((result.article.id, result.article.content_hash))
        if lease_seconds is not None:  # the inserted ones too: lease_at marks them as sent
            jobs.lease(session, [i for i, _ in wake], lease_seconds, now=now)
    return wake


def publication_id(session_factory: SessionFactory, slug: str) -> tuple[int, str]:
    """(id, language) of the publication ``slug``, or NotFoundError."""
    with session_scope(session_factory) as session:
        pub = repo.get_publication(session, slug)
        return pub.id, pub.language


def import_archive(
    path: Path,
    *,
    publication: str,
    session_factory: SessionFactory,
    sink: Sink,
    batch_size: int,
    on_progress: ProgressFn | None = None,
) -> ImportStats:
    """Import every record of ``path`` (a JSONL file or a directory of them) into
    ``publication`` and send the new or changed articles to ``sink``."""
    files = archive_files(path)
    pub_id, language = publication_id(session_factory, publication)
    stats = ImportStats()
    for batch in _batches(files, batch_size, language, stats):
        wake = store_batch(session_factory, pub_id, batch, sink.lease_seconds, stats)
        sink.send(wake)
        stats.sent.extend(i for i, _ in wake)
        if on_progress is not None:
            on_progress(stats)
    if on_progress is not None:
        on_progress(stats)
    return stats


def total_bytes(path: Path) -> int:
    """Size of the archive, for the progress bar."""
    return sum(p.stat().st_size for p in archive_files(path))


def wait_for_summaries(
    session_factory: SessionFactory,
    sink: Sink,
    *,
    article_ids: Sequence[int],
    timeout: float,
    reconcile_seconds: float,
    on_progress: Callable[[bulk.Progress], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> bulk.Progress:
    """Wait until none of ``article_ids`` is pending (or timeout), running the reconciler
    meanwhile so lost messages and due retries are sent again (``clock`` and ``sleep`` are
    injected so tests need not wait on wall time)."""
    deadline = clock() + timeout
    next_reconcile = clock() + reconcile_seconds
    ranges, waiting = bulk.id_ranges(article_ids)
    total = len(waiting) + sum(b - a + 1 for a, b in ranges)
    ready = failed = 0
    while True:
        open_ranges: list[tuple[int, int]] = []
        counted = [0, 0]  # ready, failed in ranges still open: counted again next time
        with session_scope(session_factory) as session:
            done = bulk.finished(session, waiting)
            for first, last in ranges:
                statuses = bulk.range_statuses(session, first, last)
                pending = statuses.pop("pending", 0)
                ready_here = statuses.pop("ready", 0)
                failed_here = sum(statuses.values())
                if pending:
                    open_ranges.append((first, last))
                    counted[0] += ready_here
                    counted[1] += failed_here
                else:  # finished: counted once, like single ids
                    ready += ready_here
                    failed += failed_here
        ranges = open_ranges
        ready += sum(1 for status in done.values() if status == "ready")
        failed += sum(1 for status in done.values() if status != "ready")
        waiting = [i for i in waiting if i not in done]
        state = bulk.Progress(total, ready + counted[0], failed + counted[1])
        if on_progress is not None:
            on_progress(state)
        waiting_any = bool(waiting or ranges)
        if not waiting_any or clock() >= deadline:
            return state
        if clock() >= next_reconcile:
            sink.reconcile()
            next_reconcile = clock() + reconcile_seconds
        sleep(poll_seconds(state.pending))


def poll_seconds(remaining: int) -> float:
    """How long ``--wait`` sleeps between polls: long while much is left (each poll reads the
    statuses of the open id ranges, which costs the database CPU the workers need), half a
    second near the end so the command returns soon after the last summary."""
    return min(5.0, 0.5 + remaining / 20_000)
