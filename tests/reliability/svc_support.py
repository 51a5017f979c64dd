"""Real services for the fault tests: a private PostgreSQL cluster and Redis server that a test
may stop and start without disturbing anyone else, Celery worker processes, and the checks.

Private instances (on free ports, in temporary directories) keep a restart inside one test: the
machine's shared PostgreSQL and Redis stay untouched for the other suites.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from sqlalchemy import Engine, func, select

from kurzum.archive.importer import import_archive
from kurzum.archive.sinks import CelerySink
from kurzum.settings import Settings
from kurzum.storage import articles as repo
from kurzum.storage.db import SessionFactory, make_engine, make_session_factory, session_scope
from kurzum.storage.db import upgrade as migrate
from kurzum.storage.tables import Article, SummaryVersion, WorkerHeartbeat, utcnow
from kurzum.workers.celery_app import make_celery
from kurzum.workers.celery_tasks import CeleryDispatcher

VISIBILITY_TIMEOUT = 5.0  # seconds before Redis hands an abandoned message to another worker
RECONCILE_SECONDS = 2.0
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)
REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(
    predicate: Callable[[], bool], timeout: float, what: str, interval: float = 0.2
) -> None:
    """Poll ``predicate`` until true; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def postgres_unavailable() -> str | None:
    """Why a private PostgreSQL cluster cannot be run here (None when it can)."""
    if PG_BIN is None or not (PG_BIN / "initdb").exists():
        return "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return "a private PostgreSQL cluster needs root (to run initdb as user postgres)"
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        return "no 'postgres' system user to own a private cluster"
    return None


@dataclass
class PrivatePostgres:
    """A throw-away PostgreSQL cluster (fsync off) that tests may stop and start."""

    root: Path
    port: int = field(default_factory=free_port)

    def _as_postgres(self, *args: str) -> None:
        assert PG_BIN is not None
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )

    def init(self) -> None:
        assert PG_BIN is not None
        self.root.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.root, "postgres")
        self._as_postgres(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.root / "data"),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
        )
        self.start()

    def start(self) -> None:
        assert PG_BIN is not None
        opts = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=200"
        )
        self._as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.root / "data"),
            "-o",
            opts,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        assert PG_BIN is not None
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop"
        )

    def crash_and_start(self) -> None:
        """Stop at once (like a crash: WAL not yet written is lost) and start again."""
        self.stop()
        self.start()

    def running(self) -> bool:
        return (self.root / "data" / "postmaster.pid").exists()

    def create_database(self) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        import psycopg

        name = f"w_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"


@dataclass
class PrivateRedis:
    """A Redis server without persistence on a free port: a restart loses every message."""

    root: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        self.root.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, 10, "redis-server to answer")

    def _answers(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)
            self.proc = None


@dataclass
class Workers:
    """``kurzum worker`` processes (solo pool: one process each, so SIGKILL kills the worker)."""

    env: dict[str, str]
    logdir: Path
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    files: list[IO[bytes]] = field(default_factory=list)

    def start(self, count: int) -> None:
        for _ in range(count):
            index = len(self.procs)
            log = (self.logdir / f"worker{index}.log").open("wb")
            self.files.append(log)
            self.procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "kurzum",
                        "worker",
                        "--pool",
                        "solo",
                        "--loglevel",
                        "WARNING",
                        "--hostname",
                        f"w{index}-{uuid.uuid4().hex[:6]}@test",
                    ],
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )

    def kill(self, index: int) -> None:
        self.procs[index].send_signal(signal.SIGKILL)
        self.procs[index].wait(10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        for file in self.files:
            file.close()

    def logs(self) -> str:
        return "\n".join(
            p.read_text(errors="replace")[-2000:] for p in sorted(self.logdir.glob("worker*.log"))
        )


@contextlib.contextmanager
def running_workers(env: dict[str, str], logdir: Path, count: int) -> Iterator[Workers]:
    workers = Workers(env, logdir)
    try:
        workers.start(count)
        yield workers
    finally:
        workers.stop_all()


def summaries_made(factory: SessionFactory) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count(SummaryVersion.id))) or 0)


def ready_articles(factory: SessionFactory) -> int:
    with factory() as session:
        return int(
            session.scalar(select(func.count(Article.id)).where(Article.status == "ready")) or 0
        )


def unfinished_articles(factory: SessionFactory, limit: int = 5) -> str:
    """Why articles are not ready yet: counts by status and holder, a few examples, and the
    worker heartbeats (the failure message of a stalled run)."""
    now = utcnow()
    with factory() as session:
        rows = list(
            session.execute(
                select(
                    Article.id,
                    Article.status,
                    Article.attempts,
                    Article.leased_by,
                    Article.next_attempt_at,
                    Article.error,
                ).where(Article.status != "ready")
            )
        )
        beats = list(session.execute(select(WorkerHeartbeat.worker, WorkerHeartbeat.beat_at)))
    groups = Counter((r.status, "claimed" if r.leased_by else "unclaimed") for r in rows)
    examples = [
        f"#{r.id} {r.status} attempts={r.attempts} leased_by={r.leased_by} due_in="
        f"{(r.next_attempt_at - now).total_seconds() if r.next_attempt_at else None} "
        f"error={(r.error or '')[:120]!r}"
        for r in rows[:limit]
    ]
    beating = [f"{w} {(now - b).total_seconds():.0f}s ago" for w, b in beats]
    return f"{len(rows)} not ready {dict(groups)}, e.g. {examples}; heartbeats: {beating}"


def assert_exactly_one_current_summary(factory: SessionFactory, expected: int) -> None:
    """Every article is ready with exactly one version for its current content; none is lost,
    none is doubled."""
    with factory() as session:
        articles = list(
            session.execute(
                select(Article.id, Article.content_hash, Article.generation, Article.status)
            )
        )
        per_key: dict[tuple[int, str | None], int] = {}
        for article_id, job_key in session.execute(
            select(SummaryVersion.article_id, SummaryVersion.job_key)
        ):
            per_key[(article_id, job_key)] = per_key.get((article_id, job_key), 0) + 1
    assert len(articles) == expected, f"{len(articles)} articles stored, {expected} imported"
    not_ready = [a for a in articles if a.status != "ready"]
    assert not not_ready, f"{len(not_ready)} articles not ready, e.g. {not_ready[:3]}"
    for article in articles:
        key = (article.id, f"{article.content_hash}:{article.generation}")
        assert per_key.get(key) == 1, f"article {article.id} has {per_key.get(key, 0)} summaries"
    assert sum(per_key.values()) == expected, f"{sum(per_key.values())} versions for {expected}"


SENTENCES = (
    "Der Gemeinderat von {town} hat am Dienstag ein neues Budget von {n} Franken beschlossen.",
    "Gemeindepräsidentin {name} sagte, das Geld fliesse vor allem in Schulen und Strassen.",
    "Die Opposition kritisierte, die Ausgaben seien um {p} Prozent höher als im Vorjahr.",
    "Im Frühling sollen die Bauarbeiten an der Brücke über die {river} beginnen.",
    "Nach Angaben der Verwaltung dauern sie rund {m} Monate und kosten {k} Millionen Franken.",
    "Anwohner hatten sich in einer Petition mit {s} Unterschriften für das Projekt eingesetzt.",
    "Der Kanton beteiligt sich mit einem Beitrag an den Kosten.",
    "Eine Abstimmung über das Budget findet im {month} statt.",
)
TOWNS = ("Aarau", "Biel", "Chur", "Davos", "Emmen", "Frauenfeld", "Gossau", "Horgen")
NAMES = ("Anna Keller", "Marco Rossi", "Lea Meier", "Jonas Frei", "Sara Huber", "Luca Brunner")
RIVERS = ("Aare", "Reuss", "Limmat", "Thur", "Emme")
MONTHS = ("März", "Juni", "September", "November")


def article_records(count: int, prefix: str = "a") -> list[dict[str, object]]:
    """``count`` distinct hand-made articles in the bulk API schema (deterministic)."""
    out: list[dict[str, object]] = []
    for i in range(count):
        values = {
            "town": TOWNS[i % len(TOWNS)],
            "name": NAMES[i % len(NAMES)],
            "n": 100_000 + i,
            "p": 2 + i % 17,
            "river": RIVERS[i % len(RIVERS)],
            "m": 6 + i % 30,
            "k": 1 + i % 9,
            "s": 300 + i,
            "month": MONTHS[i % len(MONTHS)],
        }
        sentences = [s.format(**values) for s in SENTENCES]
        body = (
            " ".join(sentences[:3])
            + "\n\n"
            + " ".join(sentences[3:6])
            + "\n\n"
            + " ".join(sentences[6:])
        )
        out.append(
            {
                "external_id": f"{prefix}-{i:05d}",
                "title": f"{values['town']} beschliesst Budget für {values['n']} Franken",
                "body": body,
                "language": "de",
                "premium": i % 3 == 0,
            }
        )
    return out


@dataclass
class Service:
    """The web service (uvicorn) as its own process, configured by environment."""

    env: dict[str, str]
    logdir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    log: IO[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.log = (self.logdir / "service.log").open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kurzum",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.log is not None:
            self.log.close()

    def logs(self) -> str:
        return (self.logdir / "service.log").read_text(errors="replace")[-3000:]


@dataclass
class Cluster:
    """One test's database, broker and the environment its processes share."""

    settings: Settings
    session_factory: SessionFactory
    env: dict[str, str]
    tmp: Path
    engine: Engine

    def dispatcher(self) -> CeleryDispatcher:
        return CeleryDispatcher(make_celery(self.settings))

    def import_articles(self, count: int, prefix: str = "a") -> int:
        """Import ``count`` articles through `kurzum import`'s code path into Celery."""
        path = self.tmp / f"{prefix}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in article_records(count, prefix)))
        sink = CelerySink(self.dispatcher(), self.session_factory, self.settings)
        stats = import_archive(
            path,
            publication="blick",
            session_factory=self.session_factory,
            sink=sink,
            batch_size=200,
        )
        return stats.created


def make_cluster(database_url: str, broker_url: str, tmp: Path) -> Cluster:
    values = {
        "environment": "test",
        "data_dir": str(tmp),
        "database_url": database_url,
        "broker_url": broker_url,
        "worker": "celery",
        "broker_visibility_timeout": str(VISIBILITY_TIMEOUT),
        "reconcile_seconds": str(RECONCILE_SECONDS),
        "retry_base_seconds": "1",
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("KURZUM_")}
    env |= {f"KURZUM_{k.upper()}": v for k, v in values.items()}
    settings = Settings(**values)  # type: ignore[arg-type]
    engine = make_engine(database_url)
    migrate(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        repo.create_publication(
            session, slug="blick", name="Blick", language="de", premium_label="Blick+"
        )
    return Cluster(settings, factory, env, tmp, engine)
