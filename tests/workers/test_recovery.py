"""Recovery without the visibility timeout, retries counted once, doubling gaps, retry on demand
and re-waking after a configuration change (issue 16). Clocks are injected; nothing sleeps."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kurzum.backoff import backoff_seconds
from kurzum.pipeline import text_from_plain
from kurzum.settings import Settings
from kurzum.storage import articles as repo
from kurzum.storage import jobs
from kurzum.storage.articles import ArticleInput
from kurzum.storage.audit import Actor
from kurzum.storage.db import SessionFactory, session_scope
from kurzum.storage.tables import Article, Publication, utcnow
from kurzum.workers import tasks
from kurzum.workers.batch import summarize_articles
from kurzum.workers.celery_app import SUMMARIZE_BATCH_TASK, SUMMARIZE_TASK, make_celery
from kurzum.workers.celery_tasks import CeleryDispatcher
from kurzum.workers.inprocess import InProcessWorker
from kurzum.workers.reconcile import reconcile, rewake_failed


def _article(session: Session, pub: Publication, external_id: str) -> Article:
    text = text_from_plain(
        f"Titel {external_id}",
        None,
        "Die Gemeinde Thun baut ein Schulhaus für 30 Millionen Franken. "
        "Es soll 2027 eröffnet werden.\n\nDer Gemeinderat hat den Kredit genehmigt.",
    )
    result = repo.upsert_article(
        session, pub, external_id, ArticleInput(text=text, language="de"), Actor("test")
    )
    session.commit()
    return result.article


class Recorder:
    """A dispatcher that records what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    def summarize(self, article_id: int, content_hash: str) -> None:
        self.sent.append((article_id, content_hash))

    def summarize_many(self, items: Any) -> int:
        items = list(items)
        self.sent.extend(items)
        return len(items)

    def webhook(self, delivery_id: int) -> None:
        pass


def _broken(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("backend down")


def test_a_dead_workers_articles_are_due_at_once_a_live_ones_are_not(
    build: Any, db: Session
) -> None:
    pub = build.publication()
    alive, dead, sent, fresh = (_article(db, pub, f"r{i}") for i in range(4))
    now = utcnow()
    jobs.beat(db, "w-alive", hostname="h", pid=1, config="c", now=now - timedelta(seconds=1))
    jobs.beat(db, "w-dead", hostname="h", pid=2, config="c", now=now - timedelta(seconds=30))
    jobs.claim(db, [alive.id], "w-alive", 600, now=now - timedelta(seconds=5))
    jobs.claim(db, [dead.id], "w-dead", 600, now=now - timedelta(seconds=5))
    jobs.lease(db, [sent.id], 600, now=now - timedelta(seconds=60))  # sent, never taken
    jobs.lease(db, [fresh.id], 600, now=now - timedelta(seconds=2))  # sent just now
    db.commit()

    def due(broker_idle: bool) -> set[int]:
        recovery = jobs.Recovery(dead_after=10, stranded_after=15, broker_idle=broker_idle)
        return {i for i, _ in jobs.due_articles(db, now, recovery=recovery)}

    assert due(broker_idle=False) == {dead.id}
    assert due(broker_idle=True) == {dead.id, sent.id}
    # Without recovery (the in-process worker) only the plain schedule counts.
    assert jobs.due_articles(db, now) == []
    assert jobs.due_articles(db, now + timedelta(seconds=601)) != []


def test_a_clean_stop_frees_the_workers_leases(build: Any, db: Session) -> None:
    pub = build.publication()
    article = _article(db, pub, "stop")
    now = utcnow()
    jobs.beat(db, "w", hostname="h", pid=1, config="c", now=now)
    jobs.claim(db, [article.id], "w", 600, now=now)
    assert jobs.workers_alive(db, 10, now) == 1
    recovery = jobs.Recovery(dead_after=10, stranded_after=15, broker_idle=False)
    assert jobs.due_articles(db, now, recovery=recovery) == []
    jobs.forget_worker(db, "w")
    assert [i for i, _ in jobs.due_articles(db, now, recovery=recovery)] == [article.id]


def test_reconcile_leases_what_it_sends(
    build: Any, db: Session, session_factory: SessionFactory
) -> None:
    pub = build.publication()
    article = _article(db, pub, "lease")
    recorder = Recorder()
    recovery = jobs.Recovery(dead_after=10, stranded_after=15, broker_idle=False)
    first = reconcile(session_factory, recorder, lease_seconds=600, recovery=recovery)
    again = reconcile(session_factory, recorder, lease_seconds=600, recovery=recovery)
    assert (first.articles, again.articles) == (1, 0)
    assert recorder.sent == [(article.id, article.content_hash)]


def test_retry_gaps_double(build: Any, db: Session) -> None:
    pub = build.publication()
    article = _article(db, pub, "gaps")
    now = utcnow()
    gaps = []
    for _ in range(4):
        delay = jobs.job_failed(db, article, "x", max_attempts=5, base_seconds=2, now=now)
        assert article.next_attempt_at is not None
        gaps.append((article.next_attempt_at - now).total_seconds())
        assert delay == gaps[-1]
    assert gaps == [2, 4, 8, 16]
    assert [backoff_seconds(n, 10, cap=60) for n in range(1, 6)] == [10, 20, 40, 60, 60]


@pytest.mark.parametrize("path", ["single", "batch"])
def test_max_attempts_is_the_number_of_attempts(
    path: str,
    build: Any,
    db: Session,
    session_factory: SessionFactory,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Celery tasks run eagerly: their retries run at once, the count is the database's."""
    pub = build.publication()
    article = _article(db, pub, f"max-{path}")
    monkeypatch.setattr(tasks, "make_summary", _broken)
    monkeypatch.setattr("kurzum.workers.batch.make_summary", _broken)
    three = settings.model_copy(
        update={"max_attempts": 3, "retry_base_seconds": 1, "broker_url": "memory://"}
    )
    app = make_celery(three)
    app.conf.task_always_eager = True
    context = app.conf.kurzum_context
    monkeypatch.setattr(context, "session_factory", lambda: session_factory)
    later: list[tuple[int, str, float]] = []
    monkeypatch.setattr(
        CeleryDispatcher, "summarize_later", lambda self, i, h, c: later.append((i, h, c))
    )
    try:
        if path == "single":
            app.tasks[SUMMARIZE_TASK].apply(args=(article.id, article.content_hash))
        else:
            app.tasks[SUMMARIZE_BATCH_TASK].apply(args=([[article.id, article.content_hash]],))
            while later:  # what the broker would deliver after each countdown
                article_id, digest, countdown = later.pop()
                assert countdown > 0
                app.tasks[SUMMARIZE_TASK].apply(args=(article_id, digest))
    finally:
        context.stop()
    db.expire_all()
    stored = db.get(Article, article.id)
    assert stored is not None
    assert (stored.attempts, stored.status) == (3, "failed")
    assert stored.leased_by is None


def test_failures_list_puts_the_latest_failure_first(build: Any, db: Session) -> None:
    pub = build.publication()
    first, second = _article(db, pub, "f1"), _article(db, pub, "f2")
    now = utcnow()
    jobs.job_failed(db, first, "a", max_attempts=1, base_seconds=0, now=now)
    jobs.job_failed(db, second, "b", max_attempts=1, base_seconds=0, now=now + timedelta(1))
    jobs.job_failed(db, first, "c", max_attempts=1, base_seconds=0, now=now + timedelta(2))
    db.commit()
    assert [a.external_id for a, _ in jobs.failed_articles(db)] == ["f1", "f2"]


def test_retry_one_all_of_a_publication_and_only_failed_ones(
    build: Any, db: Session, session_factory: SessionFactory, settings: Settings
) -> None:
    blick = build.publication()
    other = build.publication(slug="other", name="Other")
    a, b, c = _article(db, blick, "a"), _article(db, blick, "b"), _article(db, other, "c")
    pending = _article(db, blick, "p")
    for article in (a, b, c):
        jobs.job_failed(db, article, "down", max_attempts=1, base_seconds=0)
    db.commit()
    assert [i for i, _ in jobs.retry_failed(db, article_ids=[a.id, pending.id])] == [a.id]
    assert [i for i, _ in jobs.retry_failed(db, publication_id=blick.id)] == [b.id]
    db.commit()
    for article in (a, b):
        db.refresh(article)
        assert (article.status, article.attempts) == ("pending", 0)
    db.refresh(c)
    assert c.status == "failed"
    InProcessWorker(session_factory, settings).drain()
    db.expire_all()
    assert {db.get(Article, i).status for i in (a.id, b.id)} == {"ready"}  # type: ignore[union-attr]


def test_a_changed_configuration_wakes_failed_articles(
    build: Any, db: Session, session_factory: SessionFactory, settings: Settings
) -> None:
    pub = build.publication()
    article = _article(db, pub, "cfg")
    broken = settings.model_copy(update={"summary_backend": "llm", "max_attempts": 1})
    assert tasks.summarize_article(session_factory, article.id, article.content_hash, broken)
    db.refresh(article)
    assert article.status == "failed" and article.failed_config == tasks.config_fingerprint(broken)
    recorder = Recorder()
    assert rewake_failed(session_factory, recorder, broken) == 0  # same configuration: no
    assert rewake_failed(session_factory, recorder, settings) == 1  # fixed: yes
    assert recorder.sent == [(article.id, article.content_hash)]
    with session_scope(session_factory) as session:
        assert session.scalar(select(Article.status).where(Article.id == article.id)) == "pending"


def test_batch_claims_its_articles_and_releases_them(
    build: Any, db: Session, session_factory: SessionFactory, settings: Settings
) -> None:
    pub = build.publication()
    articles = [_article(db, pub, f"b{i}") for i in range(3)]
    holder = tasks.Holder("w-batch", 300)
    results = summarize_articles(
        session_factory, [(a.id, a.content_hash) for a in articles], settings, holder
    )
    assert {r.outcome for r in results.values()} == {"created"}
    db.expire_all()
    assert {(a.status, a.leased_by) for a in db.scalars(select(Article))} == {("ready", None)}


def test_the_worker_thread_stops_at_once_not_at_its_next_reconcile(
    session_factory: SessionFactory, settings: Settings
) -> None:
    slow = settings.model_copy(update={"reconcile_seconds": 3600})
    worker = InProcessWorker(session_factory, slow)
    worker.start()
    thread = worker._thread
    assert thread is not None
    worker.stop(timeout=30)
    assert not thread.is_alive()  # before: it slept until its next reconcile, 10 s joined
