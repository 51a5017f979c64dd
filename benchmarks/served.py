"""What the benchmarks that start ``kurzum serve`` share: the server's environment, a free
loopback port and the head of the script that seeds its database.

The seed script runs in a subprocess with the server's environment, so it uses the code under
test (``bench_abuse --before REF`` points ``PYTHONPATH`` at another ref's ``src``).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

SEED_HEAD = """
from datetime import timedelta
from kurzum.settings import get_settings
from kurzum.pipeline import text_from_plain
from kurzum.storage import accounts, articles
from kurzum.storage.audit import Actor
from kurzum.storage.articles import ArticleInput
from kurzum.storage.db import make_engine, make_session_factory, session_scope, upgrade
from kurzum.workers.inprocess import InProcessWorker
s = get_settings(); e = make_engine(s.sqlalchemy_url); upgrade(e); f = make_session_factory(e)
"""


def server_env(data_dir: Path, src: Path | None = None) -> dict[str, str]:
    """This process's environment without any ``KURZUM_*``, plus a test server's settings:
    data in ``data_dir``, no worker thread, plain-http cookies; ``src`` on ``PYTHONPATH``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KURZUM_")}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env | {
        "KURZUM_DATA_DIR": str(data_dir),
        "KURZUM_ENVIRONMENT": "test",
        "KURZUM_WORKER": "off",
        "KURZUM_COOKIE_SECURE": "false",
    }


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
