"""The embedded default's worker: one background thread, a queue and a periodic reconcile.

A fresh install needs nothing else running. Tests construct it without starting the thread and
call :meth:`InProcessWorker.drain` to run all due work synchronously, deterministically.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterable
from typing import Literal

import httpx

from kurzum.settings import Settings
from kurzum.storage.db import SessionFactory
from kurzum.webhooks.targets import Resolver
from kurzum.workers import tasks
from kurzum.workers.reconcile import reconcile, rewake_failed

log = logging.getLogger(__name__)

Job = tuple[Literal["summarize"], int, str] | tuple[Literal["webhook"], int, str]


class InProcessWorker:
    """Runs summarization and webhook tasks in one daemon thread of the service process."""

    def __init__(
        self,
        session_factory: SessionFactory,
        settings: Settings,
        *,
        http: httpx.Client | None = None,
        resolve: Resolver | None = None,
    ) -> None:
        self._factory = session_factory
        self._settings = settings
        self._queue: queue.Queue[Job | None] = queue.Queue()  # None: wake up to stop
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._http = http
        self._resolve = resolve
        self._pending: set[Job] = set()  # queued jobs, so a reconcile does not queue them twice
        self._lock = threading.Lock()

    def _put(self, job: Job) -> None:
        with self._lock:
            if job in self._pending:
                return
            self._pending.add(job)
        self._queue.put(job)

    # Dispatcher protocol
    def summarize(self, article_id: int, content_hash: str) -> None:
        """Queue a summarization (duplicates are harmless)."""
        self._put(("summarize", article_id, content_hash))

    def summarize_many(self, items: Iterable[tuple[int, str]]) -> int:
        """Queue many summarizations."""
        count = 0
        for article_id, content_hash in items:
            self.summarize(article_id, content_hash)
            count += 1
        return count

    def webhook(self, delivery_id: int) -> None:
        """Queue a webhook delivery."""
        self._put(("webhook", delivery_id, ""))

    def run_job(self, job: Job) -> None:
        """Run one job; never raises (failures are stored by the task itself)."""
        with self._lock:
            self._pending.discard(job)
        try:
            if job[0] == "summarize":
                result = tasks.summarize_article(self._factory, job[1], job[2], self._settings)
                for delivery_id in result.deliveries:
                    self.webhook(delivery_id)
            else:
                tasks.deliver_webhook(
                    self._factory, job[1], self._settings, self._http, self._resolve
                )
        except Exception:  # a database hiccup must not kill the thread; reconcile retries
            log.exception("background job %s failed", job)

    def drain(self, *, reconcile_first: bool = True, max_jobs: int = 100_000) -> int:
        """Run queued and due work in the calling thread until none is left; returns the count."""
        done = 0
        if reconcile_first:
            reconcile(self._factory, self)
        while done < max_jobs:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                self.run_job(job)
                done += 1
        return done

    def start(self) -> None:
        """Start the background thread (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="kurzum-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to finish its current job and wait for it (queued jobs stay in the
        database and are found by the next start's reconcile)."""
        self._stop.set()
        self._queue.put(None)  # wakes the thread at once instead of at its next reconcile
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        interval = self._settings.reconcile_seconds
        try:
            rewake_failed(self._factory, self, self._settings)
        except Exception:  # database down: the failed articles wait for the next start
            log.exception("re-waking failed articles failed")
        self._safe_reconcile()
        last = time.monotonic()
        while not self._stop.is_set():
            try:
                job = self._queue.get(timeout=max(0.01, interval - (time.monotonic() - last)))
            except queue.Empty:
                job = None
            if job is not None:
                self.run_job(job)
            if time.monotonic() - last >= interval:  # also while busy: retries become due
                self._safe_reconcile()
                last = time.monotonic()

    def _safe_reconcile(self) -> None:
        try:
            reconcile(self._factory, self)
        except Exception:  # database down: try again next interval
            log.exception("reconcile failed")
