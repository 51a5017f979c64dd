"""Recovery time after a fault, with the default settings: from a worker SIGKILL or a broker
restart to the last summary stored, on Redis and on RabbitMQ (issue 16).

Runs the code on PYTHONPATH (so ``PYTHONPATH=/path/to/other/src`` measures another version):
two ``kurzum worker`` processes (solo pool) on a fresh PostgreSQL database, an import of
ARTICLES articles, the fault once FAULT_AT summaries exist, then the time until every article
has its summary (capped at --cap seconds). Results are merged into benchmarks/results/
recovery.json and recovery.md under --label.

    PYTHONPATH=src python benchmarks/bench_recovery.py --label after
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "reliability"))

from sqlalchemy import text  # noqa: E402
from svc_support import (  # noqa: E402
    REDIS_SERVER,
    PrivateRedis,
    Workers,
    article_records,
    summaries_made,
    wait_until,
)

from kurzum.archive.importer import import_archive  # noqa: E402
from kurzum.archive.sinks import CelerySink  # noqa: E402
from kurzum.settings import Settings  # noqa: E402
from kurzum.storage import articles as repo  # noqa: E402
from kurzum.storage.db import make_engine, make_session_factory, session_scope, upgrade  # noqa: E402
from kurzum.workers.celery_app import make_celery  # noqa: E402
from kurzum.workers.celery_tasks import CeleryDispatcher  # noqa: E402

RESULTS = HERE / "results"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
RABBIT_VHOST = "kurzum_bench"
ARTICLES = {"redis": 1000, "rabbitmq": 600}
FAULT_AT = 150


def _database() -> str:
    name = f"bench_recovery_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_ADMIN).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def _rabbit_url() -> str:
    subprocess.run(["rabbitmqctl", "add_vhost", RABBIT_VHOST], capture_output=True, check=False)
    subprocess.run(
        ["rabbitmqctl", "set_permissions", "-p", RABBIT_VHOST, "guest", ".*", ".*", ".*"],
        capture_output=True,
        check=True,
    )
    return f"amqp://guest:guest@127.0.0.1:5672/{RABBIT_VHOST}"


def _rabbit_restart(app_dispatcher: CeleryDispatcher) -> None:
    """What a RabbitMQ restart that lost its messages does to kurzum: every connection of the
    vhost drops and the queues come back empty (the shared server itself keeps running)."""
    subprocess.run(
        ["rabbitmqctl", "close_all_connections", "-p", RABBIT_VHOST, "bench restart"],
        capture_output=True,
        check=False,
    )
    with app_dispatcher.app.connection_for_write() as conn, conn.channel() as channel:
        for queue in ("kurzum.live", "kurzum.backfill"):
            with contextlib.suppress(Exception):
                channel.queue_purge(queue)


def run(broker: str, fault: str, cap: float, tmp: Path) -> dict[str, object]:
    database = _database()
    redis: PrivateRedis | None = None
    if broker == "redis":
        assert REDIS_SERVER, "redis-server is needed"
        redis = PrivateRedis(tmp / "redis")
        redis.start()
        broker_url = redis.url
    else:
        broker_url = _rabbit_url()
    values = {
        "environment": "test",
        "data_dir": str(tmp),
        "database_url": database,
        "broker_url": broker_url,
        "worker": "celery",
    }  # everything else: defaults
    env = {k: v for k, v in os.environ.items() if not k.startswith("KURZUM_")}
    env |= {f"KURZUM_{k.upper()}": v for k, v in values.items()}
    settings = Settings(**values)  # type: ignore[arg-type]
    engine = make_engine(database)
    upgrade(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        repo.create_publication(session, slug="blick", name="Blick", language="de")
    dispatcher = CeleryDispatcher(make_celery(settings))
    if broker == "rabbitmq":
        _rabbit_restart(dispatcher)  # leftovers of an earlier run
    count = ARTICLES[broker]
    path = tmp / "a.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in article_records(count)))
    workers = Workers(env, tmp)
    workers.start(2)
    try:
        import_archive(
            path,
            publication="blick",
            session_factory=factory,
            sink=CelerySink(dispatcher, factory, settings),
            batch_size=200,
        )
        wait_until(lambda: summaries_made(factory) >= FAULT_AT, 180, "the workers to start")
        at_fault = summaries_made(factory)
        t0 = time.monotonic()
        if fault == "sigkill":
            workers.kill(0)
        elif redis is not None:
            redis.kill()
            time.sleep(1)
            redis.start()
        else:
            _rabbit_restart(dispatcher)
        last_change, last = t0, summaries_made(factory)
        while time.monotonic() - t0 < cap and last < count:
            time.sleep(0.25)
            now = summaries_made(factory)
            if now != last:
                last, last_change = now, time.monotonic()
        done = last >= count
        return {
            "broker": broker,
            "fault": fault,
            "articles": count,
            "summaries_at_fault": at_fault,
            "summaries_at_end": last,
            "recovered": done,
            "seconds": round(last_change - t0, 1) if done else None,
            "cap": cap,
        }
    finally:
        workers.stop_all()
        if redis is not None:
            redis.kill()
        engine.dispose()


def write(label: str, rows: list[dict[str, object]]) -> None:
    RESULTS.mkdir(exist_ok=True)
    store = RESULTS / "recovery.json"
    data = json.loads(store.read_text()) if store.exists() else {}
    data[label] = rows
    store.write_text(json.dumps(data, indent=2) + "\n")
    lines = [
        "# Recovery after a fault (default settings)",
        "",
        "Seconds from the fault to the last summary stored; two `kurzum worker --pool solo` "
        "processes, PostgreSQL, `benchmarks/bench_recovery.py`. *Broker restart* on Redis is a "
        "restart without persistence (every message lost); on RabbitMQ every connection of the "
        "vhost is closed and the queues purged (a restart that lost its messages). A stalled "
        "run waits for Redis's visibility timeout (600 s by default) to hand the killed "
        "worker's or the lost messages back; runs are capped at --cap seconds. Measured on a "
        "shared 2-core machine under load from other jobs.",
        "",
        "| version | broker | fault | articles | summaries at fault | seconds to last summary |",
        "|---|---|---|---|---|---|",
    ]
    for name, result in data.items():
        for r in result:
            secs = (
                r["seconds"]
                if r["recovered"]
                else f"> {r['cap']:.0f} (stalled at {r['summaries_at_end']})"
            )
            lines.append(
                f"| {name} | {r['broker']} | {r['fault']} | {r['articles']} | "
                f"{r['summaries_at_fault']} | {secs} |"
            )
    (RESULTS / "recovery.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--label", required=True)
    parser.add_argument("--cap", type=float, default=240.0, help="seconds to wait at most")
    parser.add_argument("--only", nargs="*", default=None, help="e.g. redis:sigkill")
    args = parser.parse_args()
    rows = []
    for broker in ("redis", "rabbitmq"):
        for fault in ("sigkill", "restart"):
            if args.only and f"{broker}:{fault}" not in args.only:
                continue
            with tempfile.TemporaryDirectory(prefix="kurzum-recovery-") as tmp:
                row = run(broker, fault, args.cap, Path(tmp))
            print(json.dumps(row), flush=True)
            rows.append(row)
    write(args.label, rows)


if __name__ == "__main__":
    main()
