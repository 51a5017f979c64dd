"""Celery tasks with a real Redis broker and real `kurzum worker` processes (on SQLite):
delivery settings, priority of live work over backfill, failures stored after the last retry,
and the service sending its articles to the workers (``KURZUM_WORKER=celery``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from kurzum.archive.importer import store_batch
from kurzum.archive.records import Record
from kurzum.pipeline import content_hash, text_from_plain
from kurzum.settings import Settings
from kurzum.storage import accounts
from kurzum.storage import articles as repo
from kurzum.storage.articles import ArticleInput
from kurzum.storage.db import (
    SessionFactory,
    make_engine,
    make_session_factory,
    session_scope,
    upgrade,
)
from kurzum.storage.tables import Article, SummaryVersion
from kurzum.web.app import create_app
from kurzum.workers.celery_app import BACKFILL_QUEUE, LIVE_QUEUE, celery_config, make_celery
from kurzum.workers.celery_tasks import CeleryDispatcher

pytestmark = pytest.mark.redis

REDIS_DB = 5  # this suite's own database number on the shared Redis; only it is flushed
BROKER = f"redis://127.0.0.1:6379/{REDIS_DB}"
PASSWORD = "correct horse battery"


def _redis_reason() -> str | None:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return None if sock.recv(16).startswith(b"+PONG") else "Redis did not answer PING"
    except OSError as exc:
        return f"Redis not reachable at 127.0.0.1:6379: {exc}"


def _flush() -> None:
    with socket.create_connection(("127.0.0.1", 6379), timeout=2) as sock:
        sock.sendall(f"SELECT {REDIS_DB}\r\nFLUSHDB\r\n".encode())
        sock.recv(64)


@pytest.fixture
def broker() -> Iterator[str]:
    reason = _redis_reason()
    if reason:
        pytest.skip(reason)
    _flush()
    yield BROKER
    _flush()


def _wait(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class Stack:
    """An embedded database file shared by the test and its worker processes."""

    def __init__(self, tmp: Path, broker: str, **extra: str) -> None:
        self.tmp = tmp
        self.values = {
            "environment": "test",
            "data_dir": str(tmp),
            "broker_url": broker,
            "worker": "celery",
            "broker_visibility_timeout": "30",
            "reconcile_seconds": "60",
            "cookie_secure": "false",
        } | extra
        self.settings = Settings(**self.values)  # type: ignore[arg-type]
        self.engine = make_engine(self.settings.sqlalchemy_url)
        upgrade(self.engine)
        self.factory: SessionFactory = make_session_factory(self.engine)
        with session_scope(self.factory) as session:
            repo.create_publication(session, slug="blick", name="Blick", language="de")
        self.procs: list[subprocess.Popen[bytes]] = []

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KURZUM_")}
        return env | {f"KURZUM_{k.upper()}": v for k, v in self.values.items()}

    def start_worker(self, *args: str) -> None:
        log = self.tmp / f"worker{len(self.procs)}.log"
        with log.open("wb") as out:
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
                        f"t-{uuid.uuid4().hex[:6]}@test",
                        *args,
                    ],
                    env=self.env(),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-2000:] for p in self.tmp.glob("*.log"))

    def close(self) -> None:
        for proc in self.procs:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        self.engine.dispose()

    def store(self, count: int, prefix: str) -> list[tuple[int, str]]:
        """Store articles without sending them anywhere (the test sends)."""
        records = []
        for i in range(count):
            text = text_from_plain(
                f"Titel {prefix} {i}",
                None,
                f"Der Rat von {prefix} tagte am {i + 1}. Mai. "
                f"Er beschloss {100 + i} neue Regeln.\n\n"
                "Die Regeln gelten ab Juni. Sie betreffen alle Gemeinden.",
            )
            data = ArticleInput(text=text, language="de")
            records.append(Record(i, f"{prefix}-{i}", data, content_hash(text, "de")))
        from kurzum.archive.importer import ImportStats

        return store_batch(self.factory, 1, records, 30.0, ImportStats())

    def summaries(self) -> list[SummaryVersion]:
        with self.factory() as session:
            return list(session.scalars(select(SummaryVersion).order_by(SummaryVersion.id)))


@pytest.fixture
def stack_factory(tmp_path: Path, broker: str) -> Iterator[Callable[..., Stack]]:
    stacks: list[Stack] = []

    def build(**extra: str) -> Stack:
        stack = Stack(tmp_path / f"s{len(stacks)}", broker, **extra)
        stacks.append(stack)
        return stack

    yield build
    for stack in stacks:
        stack.close()


def test_delivery_settings_requeue_work_of_a_dead_worker() -> None:
    settings = Settings(broker_url="redis://127.0.0.1:6379/0", broker_visibility_timeout=120)
    conf = celery_config(settings)
    assert conf["task_acks_late"] and conf["task_reject_on_worker_lost"]
    assert conf["worker_prefetch_multiplier"] == 1
    assert conf["broker_transport_options"]["visibility_timeout"] == 120
    assert conf["broker_transport_options"]["queue_order_strategy"] == "priority"
    assert [q.name for q in conf["task_queues"]] == [LIVE_QUEUE, BACKFILL_QUEUE]
    amqp = celery_config(Settings(broker_url="amqp://guest:guest@127.0.0.1:5672//"))
    assert "visibility_timeout" not in amqp["broker_transport_options"]
    app = make_celery(settings)
    assert {"kurzum.summarize", "kurzum.webhook"} <= set(app.tasks)
    assert app.tasks["kurzum.summarize"].acks_late


def test_sending_to_a_dead_broker_neither_raises_nor_hangs() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    dispatcher = CeleryDispatcher(make_celery(Settings(broker_url=f"redis://127.0.0.1:{port}/0")))
    start = time.monotonic()
    assert dispatcher.summarize_many([(1, "abc")]) == 0
    dispatcher.webhook(1)
    assert dispatcher.queue_length(LIVE_QUEUE) == 0
    assert time.monotonic() - start < 15


def test_queue_length_counts_waiting_tasks(broker: str) -> None:
    dispatcher = CeleryDispatcher(make_celery(Settings(broker_url=broker)))
    # 30 articles travel as two batch messages (25 + 5).
    assert dispatcher.summarize_many([(i, "h") for i in range(30)], queue=BACKFILL_QUEUE) == 30
    assert dispatcher.queue_length(BACKFILL_QUEUE) == 2
    assert dispatcher.queue_length(LIVE_QUEUE) == 0
    # An import sends larger messages: 150 articles as 100 + 50.
    assert dispatcher.summarize_many([(i, "h") for i in range(150)], batch_size=100) == 150
    assert dispatcher.queue_length(LIVE_QUEUE) == 2


def test_live_articles_are_summarized_before_backfill(stack_factory: Callable[..., Stack]) -> None:
    stack = stack_factory()
    backfill = stack.store(12, "alt")
    live = stack.store(6, "neu")
    dispatcher = CeleryDispatcher(make_celery(stack.settings))
    dispatcher.summarize_many(backfill, queue=BACKFILL_QUEUE)  # queued first ...
    dispatcher.summarize_many(live)  # ... live work arrives later
    stack.start_worker("--no-reconcile")
    try:
        _wait(lambda: len(stack.summaries()) == 18, 90, "18 summaries")
    except AssertionError:
        pytest.fail(stack.logs())
    order = [s.article_id for s in stack.summaries()]
    live_ids = {i for i, _ in live}
    assert set(order[: len(live)]) == live_ids, order


def test_failure_is_stored_and_shown_to_editors_after_the_last_retry(
    stack_factory: Callable[..., Stack],
) -> None:
    # An article whose stored text is empty fails for real on every attempt (a worker refuses
    # to start on an unusable configuration, so the failure comes from the article).
    stack = stack_factory(max_attempts="3", retry_base_seconds="0.2")
    ((article_id, digest),) = stack.store(1, "kaputt")
    with stack.factory() as session:
        session.execute(
            update(Article).where(Article.id == article_id).values(title=None, lead=None, body="")
        )
        session.commit()
    stack.start_worker("--no-reconcile")
    CeleryDispatcher(make_celery(stack.settings)).summarize(article_id, digest)

    def failed() -> bool:
        with stack.factory() as session:
            article = session.get(Article, article_id)
            return article is not None and article.status == "failed"

    try:
        _wait(failed, 60, "the article to be marked failed")
    except AssertionError:
        pytest.fail(stack.logs())
    with stack.factory() as session:
        article = session.get(Article, article_id)
        assert article is not None
        assert article.attempts >= 3 and article.error and "no text" in article.error
        assert not list(session.scalars(select(SummaryVersion)))
        editor = accounts.create_user(session, "ed@example.org", PASSWORD, role="editor")
        session.commit()
        assert editor.id
    app = create_app(
        stack.settings.model_copy(update={"worker": "off"}), session_factory=stack.factory
    )
    with TestClient(app) as client:
        login = client.post(
            "/api/v1/auth/login", json={"email": "ed@example.org", "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        listed = client.get("/api/v1/editor/failures").json()
    assert [(f["external_id"], f["status"]) for f in listed] == [("kaputt-0", "failed")]
    assert "no text to summarize" in listed[0]["error"]


def test_the_service_sends_new_articles_to_the_celery_workers(
    stack_factory: Callable[..., Stack],
) -> None:
    stack = stack_factory()
    with session_scope(stack.factory) as session:
        pub = repo.get_publication(session, "blick")
        _, key = repo.create_api_key(session, pub)
    stack.start_worker("--no-reconcile")
    app = create_app(stack.settings, session_factory=stack.factory)
    headers = {"Authorization": f"Bearer {key}"}
    body: dict[str, Any] = {
        "title": "Neue Brücke",
        "language": "de",
        "body": "Die Stadt baut eine neue Brücke für 12 Millionen Franken. "
        "Sie soll 2027 fertig sein.\n\nDer Bau beginnt im Mai.",
    }
    with TestClient(app) as client:
        put = client.put("/api/v1/publisher/articles/bruecke-1", json=body, headers=headers)
        assert put.status_code == 201, put.text

        def ready() -> bool:
            status = client.get("/api/v1/publisher/articles/bruecke-1", headers=headers)
            return bool(status.json()["status"] == "ready")

        try:
            _wait(ready, 60, "the worker to summarize the article")
        except AssertionError:
            pytest.fail(stack.logs())
        assert client.app.state.dispatcher.__class__.__name__ == "CeleryDispatcher"


def test_sigterm_stops_a_worker_quickly_and_it_leaves_no_lease(
    stack_factory: Callable[..., Stack],
) -> None:
    from kurzum.storage.tables import WorkerHeartbeat

    stack = stack_factory()
    ((article_id, digest),) = stack.store(1, "stop")
    stack.start_worker("--no-reconcile")
    CeleryDispatcher(make_celery(stack.settings)).summarize(article_id, digest)
    try:
        _wait(lambda: len(stack.summaries()) == 1, 60, "the summary")
    except AssertionError:
        pytest.fail(stack.logs())
    with stack.factory() as session:
        assert len(list(session.scalars(select(WorkerHeartbeat)))) == 1
        article = session.get(Article, article_id)
        assert article is not None and article.leased_by is None
    proc = stack.procs[-1]
    started = time.monotonic()
    proc.terminate()
    assert proc.wait(30) == 0
    assert time.monotonic() - started < 10, "SIGTERM took 10 s or more"
    with stack.factory() as session:  # a clean stop removes its heartbeat row
        assert list(session.scalars(select(WorkerHeartbeat))) == []
