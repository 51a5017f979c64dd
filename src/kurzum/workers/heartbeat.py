"""A worker process's heartbeat: a row in ``worker_heartbeats`` rewritten every few seconds.

Articles a process claims (``articles.leased_by``) are sent again as soon as its beat stops, so
a killed worker delays its work by seconds, not by the broker's visibility timeout.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import socket
import threading

from sqlalchemy import exc as sa_exc

from kurzum.storage import jobs
from kurzum.storage.db import SessionFactory, session_scope, wait_for_flush

log = logging.getLogger(__name__)


def new_worker_id() -> str:
    """A name no other process ever had: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


class Heartbeat:
    """Beats for one process in a daemon thread; the first beat is written before ``start``
    returns, so no article is claimed by a process that has no row yet."""

    def __init__(self, session_factory: SessionFactory, interval: float, config: str) -> None:
        self.worker = new_worker_id()
        self._factory = session_factory
        self._interval = interval
        self._config = config
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self, *, durable: bool = False) -> None:
        """Write one beat now; ``durable``: its commit waits for the WAL flush even on an engine
        that does not (PostgreSQL flushes up to it, so every earlier commit is durable too)."""
        with session_scope(self._factory) as session:
            if durable:
                wait_for_flush(session)
            jobs.beat(
                session,
                self.worker,
                hostname=socket.gethostname()[:200],
                pid=os.getpid(),
                config=self._config,
            )

    def start(self) -> None:
        """Beat once, then keep beating in the background (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self.beat()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="kurzum-heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop beating and remove the row: a clean stop frees nothing that is still running."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self._interval + 1)
            self._thread = None
        with contextlib.suppress(sa_exc.SQLAlchemyError), session_scope(self._factory) as s:
            jobs.forget_worker(s, self.worker)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.beat()
            except sa_exc.SQLAlchemyError as exc:  # database restarting: beat again next time
                log.warning("heartbeat failed: %s", exc)
