"""Where short reads run: inline on embedded SQLite, in the thread pool on PostgreSQL."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from sqlalchemy import Engine

from kurzum.web.deps import run_read


def test_sqlite_reads_run_inline_and_postgresql_reads_in_a_worker_thread(engine: Engine) -> None:
    def where(value: int, *, plus: int) -> tuple[int, int]:
        return value + plus, threading.get_ident()

    seen: dict[str, Any] = {}

    def loop_thread() -> None:  # a fresh event loop, whatever other tests left in this thread
        seen["loop"] = threading.get_ident()
        seen["result"], seen["read"] = asyncio.run(run_read(engine, where, 1, plus=2))

    thread = threading.Thread(target=loop_thread)
    thread.start()
    thread.join()
    assert seen["result"] == 3
    assert (seen["read"] == seen["loop"]) is (engine.dialect.name == "sqlite")
