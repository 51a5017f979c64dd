"""Where imported and backfilled articles go to be summarized: Celery workers or in-process.

Both run the same task function; the sink only decides who runs it and when.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from kurzum.settings import Settings
from kurzum.storage.db import SessionFactory
from kurzum.workers.batch import summarize_articles
from kurzum.workers.inprocess import InProcessWorker
from kurzum.workers.queues import BACKFILL_QUEUE, BATCH_SIZE, IMPORT_BATCH_SIZE, LIVE_QUEUE

if TYPE_CHECKING:  # Celery is an extra: imported only by a Celery sink
    from kurzum.workers.celery_tasks import CeleryDispatcher


class Sink(Protocol):
    """Accepts (article id, content hash) pairs after their transaction committed."""

    lease_seconds: float | None  # how long a sent task is leased; None: run before returning

    def send(self, items: Sequence[tuple[int, str]], *, backfill: bool = False) -> None:
        """Have these article versions summarized."""

    def waiting(self, *, backfill: bool) -> int:
        """Articles still waiting in the queue (0 when unknown)."""

    def reconcile(self) -> None:
        """Send whatever the database says is due (lost messages, due retries)."""


@dataclass
class CelerySink:
    """Sends to Celery workers; live and backfill work go to separate queues."""

    dispatcher: CeleryDispatcher
    session_factory: SessionFactory
    settings: Settings
    lease_seconds: float | None = None

    def __post_init__(self) -> None:
        self.lease_seconds = self.settings.broker_visibility_timeout

    def send(self, items: Sequence[tuple[int, str]], *, backfill: bool = False) -> None:
        if backfill:  # small messages: the backfill window counts them full (``waiting``)
            self.dispatcher.summarize_many(items, queue=BACKFILL_QUEUE)
        else:
            self.dispatcher.summarize_many(items, queue=LIVE_QUEUE, batch_size=IMPORT_BATCH_SIZE)

    def waiting(self, *, backfill: bool) -> int:
        # Messages carry up to BATCH_SIZE articles: count them full (errs on waiting longer).
        return BATCH_SIZE * self.dispatcher.queue_length(BACKFILL_QUEUE if backfill else LIVE_QUEUE)

    def reconcile(self) -> None:
        from kurzum.workers.celery_tasks import reconcile_leased

        reconcile_leased(self.session_factory, self.dispatcher, self.settings)


@dataclass
class InProcessSink:
    """Runs the tasks in this process, synchronously, before ``send`` returns: the same batch
    task function the Celery workers run, and the in-process worker for webhooks and retries."""

    worker: InProcessWorker
    session_factory: SessionFactory
    settings: Settings
    lease_seconds: float | None = field(default=None)

    def send(self, items: Sequence[tuple[int, str]], *, backfill: bool = False) -> None:
        size = BATCH_SIZE if backfill else IMPORT_BATCH_SIZE
        for start in range(0, len(items), size):
            results = summarize_articles(
                self.session_factory, items[start : start + size], self.settings
            )
            for result in results.values():
                for delivery_id in result.deliveries:
                    self.worker.webhook(delivery_id)
        self.worker.drain(reconcile_first=False)  # the webhooks

    def waiting(self, *, backfill: bool) -> int:
        return 0

    def reconcile(self) -> None:
        self.worker.drain(reconcile_first=True)


def make_sink(settings: Settings, session_factory: SessionFactory, *, celery: bool) -> Sink:
    """A Celery sink (``celery=True``) or the in-process one of the embedded default."""
    if celery:
        from kurzum.workers.celery_app import make_celery
        from kurzum.workers.celery_tasks import CeleryDispatcher

        return CelerySink(CeleryDispatcher(make_celery(settings)), session_factory, settings)
    return InProcessSink(InProcessWorker(session_factory, settings), session_factory, settings)
