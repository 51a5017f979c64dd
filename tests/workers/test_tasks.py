"""The task functions: idempotent summarization, stored failures with retry, reconcile, webhooks,
and the in-process worker thread."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from standardwebhooks import Webhook

from kurzum.pipeline import ArticleText, text_from_plain
from kurzum.settings import Settings
from kurzum.storage import articles as repo
from kurzum.storage.articles import ArticleInput
from kurzum.storage.audit import Actor
from kurzum.storage.db import SessionFactory
from kurzum.storage.tables import Article, AuditEvent, Publication, SummaryVersion, WebhookDelivery
from kurzum.workers import tasks
from kurzum.workers.inprocess import InProcessWorker
from kurzum.workers.reconcile import reconcile

TEXT = text_from_plain(
    "Titel",
    None,
    "Die Gemeinde Thun baut ein neues Schulhaus für 30 Millionen Franken. "
    "Es soll 2027 eröffnet werden.\n\nDer Gemeinderat hat den Kredit am Dienstag genehmigt.",
)


def add_article(
    session: Session, pub: Publication, external_id: str = "a1", text: ArticleText = TEXT
) -> Article:
    result = repo.upsert_article(
        session, pub, external_id, ArticleInput(text=text, language="de"), Actor("test")
    )
    session.commit()
    return result.article


def count_versions(session: Session, article_id: int) -> int:
    session.expire_all()
    stmt = select(func.count(SummaryVersion.id)).where(SummaryVersion.article_id == article_id)
    return int(session.scalar(stmt) or 0)


def test_summarize_is_idempotent(
    build: Any, db: Session, session_factory: SessionFactory, settings: Settings
) -> None:
    article = add_article(db, build.publication())
    first = tasks.summarize_article(session_factory, article.id, article.content_hash, settings)
    second = tasks.summarize_article(session_factory, article.id, article.content_hash, settings)
    assert first.outcome == "created"
    assert second.outcome == "exists" and second.summary_id == first.summary_id
    assert count_versions(db, article.id) == 1
    db.refresh(article)
    assert article.status == "ready"


def test_concurrent_duplicate_deliveries_make_one_version(
    build: Any, db: Session, session_factory: SessionFactory, settings: Settings
) -> None:
    article = add_article(db, build.publication())
    with ThreadPoolExecutor(4) as pool:
        results = list(
            pool.map(
                lambda _: tasks.summarize_article(
                    session_factory, article.id, article.content_hash, settings
                ),
                range(4),
            )
        )
    assert sum(r.outcome == "created" for r in results) == 1
    assert {r.outcome for r in results} <= {"created", "exists"}
    assert count_versions(db, article.id) == 1


def test_outdated_and_gone_jobs_do_nothing(
    build: Any, db: Session, session_factory: SessionFactory, settings: Settings
) -> None:
    pub = build.publication()
    article = add_article(db, pub)
    assert (
        tasks.summarize_article(session_factory, article.id, "0" * 64, settings).outcome
        == "outdated"
    )
    assert tasks.summarize_article(session_factory, 999_999, "0" * 64, settings).outcome == "gone"
    assert count_versions(db, article.id) == 0


def test_failure_is_stored_retried_and_never_loses_the_article(
    build: Any,
    db: Session,
    session_factory: SessionFactory,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    article = add_article(db, build.publication())

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("backend down")

    monkeypatch.setattr(tasks, "make_summary", broken)
    strict = settings.model_copy(update={"max_attempts": 2})
    result = tasks.summarize_article(session_factory, article.id, article.content_hash, strict)
    assert result.outcome == "failed"
    db.refresh(article)
    assert article.status == "pending" and article.attempts == 1
    assert article.error == "RuntimeError: backend down"
    tasks.summarize_article(session_factory, article.id, article.content_hash, strict)
    db.refresh(article)
    assert article.status == "failed" and article.attempts == 2
    audit = db.scalars(select(AuditEvent.action).where(AuditEvent.article_id == article.id)).all()
    assert audit.count("summary.failed") == 2
    monkeypatch.undo()
    assert (
        tasks.summarize_article(session_factory, article.id, article.content_hash, strict).outcome
        == "created"
    )
    db.refresh(article)
    assert article.status == "ready" and article.error is None


def test_reconcile_finds_missing_summaries(
    build: Any, db: Session, session_factory: SessionFactory, settings: Settings
) -> None:
    pub = build.publication()
    a1 = add_article(db, pub, "a1")
    a2 = add_article(
        db, pub, "a2", text_from_plain("Zwei", None, "Ein anderer Text. Mit zwei Sätzen.")
    )
    worker = InProcessWorker(session_factory, settings)  # nothing was enqueued: a lost message
    found = reconcile(session_factory, worker)
    assert found.articles == 2
    worker.drain(reconcile_first=False)
    assert count_versions(db, a1.id) == count_versions(db, a2.id) == 1
    # a "ready" article whose summary vanished is repaired
    db.execute(SummaryVersion.__table__.delete().where(SummaryVersion.article_id == a1.id))
    db.commit()
    assert reconcile(session_factory, InProcessWorker(session_factory, settings)).repaired == 1


def test_worker_thread_summarizes_in_the_background(
    build: Any, db: Session, session_factory: SessionFactory, settings: Settings
) -> None:
    article = add_article(db, build.publication())
    worker = InProcessWorker(session_factory, settings.model_copy(update={"worker": "thread"}))
    worker.start()
    try:
        deadline = time.monotonic() + 20
        while count_versions(db, article.id) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
    assert count_versions(db, article.id) == 1


# -- webhooks ---------------------------------------------------------------------------


class Recorder(BaseHTTPRequestHandler):
    """Answers 500 to the first call, then 200; records every request."""

    calls: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Recorder.calls.append((dict(self.headers), body))
        self.send_response(500 if len(Recorder.calls) == 1 else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def hook_server() -> Iterator[str]:
    Recorder.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def test_publish_webhook_is_signed_and_retried(
    build: Any, db: Session, session_factory: SessionFactory, settings: Settings, hook_server: str
) -> None:
    secret = "whsec_" + base64.b64encode(b"s3cret-s3cret-s3cret-32-bytes!!!").decode()
    pub = build.publication(webhook_url=hook_server, webhook_secret=secret)
    article = add_article(db, pub)
    local = settings.model_copy(update={"webhooks_allow_private": True})
    worker = InProcessWorker(session_factory, local)
    worker.drain()  # summarizes, publishes, first delivery fails with 500
    delivery = db.scalars(select(WebhookDelivery)).one()
    assert (
        delivery.status == "pending"
        and delivery.attempts == 1
        and delivery.last_error == "HTTP 500"
    )
    worker.drain()  # retry (backoff 0 s in tests) succeeds
    db.refresh(delivery)
    assert delivery.status == "delivered" and delivery.attempts == 2
    assert len(Recorder.calls) == 2
    (first_headers, _), (headers, body) = Recorder.calls
    assert headers["webhook-id"] == first_headers["webhook-id"] == delivery.message_id
    payload = Webhook(secret).verify(body, headers)  # the standardwebhooks library
    assert payload["type"] == "summary.published" and payload["version"] == 1
    assert payload["data"]["article"]["external_id"] == article.external_id
    assert payload["data"]["summary"]["label"] == "KI-generiert"
    worker.drain()
    assert len(Recorder.calls) == 2  # delivered once, never again
