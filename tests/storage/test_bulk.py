"""Batch writes of the archive path: the same rows, states, audit events and outbox deliveries
as the one-by-one ORM functions, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kurzum.archive.importer import ImportStats, store_batch, wait_for_summaries
from kurzum.archive.records import Record
from kurzum.backends.fallback import FALLBACK_NOTE
from kurzum.models import Bullet, FaithfulnessReport, Issue, Source, Summary
from kurzum.pipeline import content_hash, text_from_plain
from kurzum.settings import Settings
from kurzum.storage import articles as repo
from kurzum.storage import audit, bulk, jobs
from kurzum.storage.articles import ArticleInput
from kurzum.storage.audit import Actor
from kurzum.storage.db import SessionFactory, session_scope
from kurzum.storage.summaries import store_machine_summary
from kurzum.storage.tables import (
    Article,
    AuditEvent,
    Publication,
    SummaryVersion,
    WebhookDelivery,
    utcnow,
)
from kurzum.workers.batch import summarize_articles

SETTINGS = Settings(environment="test", worker="off", retry_base_seconds=0)
ACTOR = Actor("cms")


def _input(i: int, extra: str = "") -> ArticleInput:
    text = text_from_plain(
        f"Titel {i}",
        None,
        f"Der Rat tagte am {i + 1}. Mai. Er beschloss {10 + i} Massnahmen.{extra}",
    )
    return ArticleInput(text=text, language="de", premium=i % 2 == 0, url=f"https://x.example/{i}")


def _record(i: int, extra: str = "") -> Record:
    data = _input(i, extra)
    return Record(i, f"a-{i}", data, content_hash(data.text, "de"))


def _actions(session: Session, article_id: int) -> list[tuple[str, dict[str, Any]]]:
    return [(e.action, e.detail) for e in audit.history(session, article_id)]


def _summary(notes: tuple[str, ...] = (), *, fell_back: bool = False) -> Summary:
    bullets = (Bullet("Der Rat tagte.", (Source(0, 0, 14),)),)
    return Summary(bullets, "de", notes=notes, fell_back=fell_back)


BAD = FaithfulnessReport((Issue(0, "number", "12", 0, 2),), checked=1)


def test_insert_articles_matches_upsert(session_factory: SessionFactory, build: Any) -> None:
    pub = build.publication()
    with session_scope(session_factory) as session:
        one = repo.upsert_article(session, pub, "one", _input(1), ACTOR).article
        many = repo.insert_articles(
            session,
            pub,
            [repo.NewArticle("one", _input(1), "x"), repo.NewArticle("two", _input(1), "y")],
            ACTOR,
        )
        assert list(many) == ["two"]  # "one" exists: skipped, left to the caller
        with pytest.raises(ValueError):
            repo.insert_articles(session, pub, [repo.NewArticle("x", _input(1), "x")] * 2, ACTOR)
        two = session.get(Article, many["two"])
        assert two is not None
        columns = ("title", "lead", "body", "url", "language", "premium", "status", "generation")
        assert [getattr(two, c) for c in columns] == [getattr(one, c) for c in columns]
        assert two.next_attempt_at is not None and two.attempts == 0
        assert (
            _actions(session, two.id)
            == _actions(session, one.id)
            == [("article.created", {"premium": False})]
        )


def test_store_batch_is_idempotent_and_resumable(
    session_factory: SessionFactory, build: Any
) -> None:
    pub = build.publication()
    stats = ImportStats()
    batch = [_record(0), _record(1), _record(2), _record(1, " Neu.")]  # a-1 twice: last wins
    wake = store_batch(session_factory, pub.id, batch, 600.0, stats)
    assert (stats.created, stats.updated, stats.unchanged) == (3, 1, 0)
    with session_scope(session_factory) as session:
        rows = {a.external_id: a for a in session.scalars(select(Article))}
        assert len(rows) == 3 and rows["a-1"].body.endswith("Neu.")
        assert {a.next_attempt_at > utcnow() for a in rows.values()} == {True}  # type: ignore[operator]
        assert [a for a, _ in _actions(session, rows["a-1"].id)] == [
            "article.created",
            "article.body_changed",
        ]
    assert (rows["a-1"].id, rows["a-1"].content_hash) in wake
    # A rerun: everything is still pending (never summarized), so it is sent again, not stored.
    again = ImportStats()
    wake2 = store_batch(session_factory, pub.id, [_record(0), _record(2)], None, again)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert sorted(wake2) == sorted((rows[k].id, rows[k].content_hash) for k in ("a-0", "a-2"))
    summarize_articles(session_factory, wake2, SETTINGS)
    third = ImportStats()
    assert store_batch(session_factory, pub.id, [_record(0), _record(2)], None, third) == []
    assert third.unchanged == 2
    with session_factory() as session:
        assert session.scalar(select(func.count(Article.id))) == 3
        article_events = select(func.count(AuditEvent.id)).where(
            AuditEvent.action.like("article.%")
        )
        assert session.scalar(article_events) == 4  # 3 created, 1 body changed


def _article(session: Session, pub: Publication, key: str) -> Article:
    return repo.upsert_article(session, pub, key, _input(3), ACTOR).article


def test_store_machine_summaries_matches_the_single_path(
    session_factory: SessionFactory, build: Any
) -> None:
    open_pub = build.publication("open", webhook_url="https://hook.example/x", webhook_secret="s")
    review = build.publication("review", review_policy="review-before-publish")
    cases = [  # (publication, summary, report)
        (open_pub, _summary(), FaithfulnessReport(checked=1)),  # published, with a webhook
        (open_pub, _summary(), BAD),  # held: unsupported number
        # held: fallback (the field decides; the note only says why)
        (open_pub, _summary((FALLBACK_NOTE + "x",), fell_back=True), FaithfulnessReport()),
        (review, _summary(), FaithfulnessReport()),  # held: policy
    ]
    single: list[tuple[Any, ...]] = []
    batch: list[tuple[Any, ...]] = []
    with session_scope(session_factory) as session:
        items = []
        for n, (pub, summary, report) in enumerate(cases):
            for mode in ("s", "b"):
                article = _article(session, pub, f"{mode}{n}")
                old = store_machine_summary(
                    session, article, summary, FaithfulnessReport(), job_key="old"
                )
                if mode == "s":
                    store_machine_summary(session, article, summary, report, job_key="new")
                else:
                    items.append(bulk.MachineSummary(article, summary, report, "new"))
                assert old.version.id
        session.flush()
        stored = bulk.store_machine_summaries(session, items)
        assert len(stored) == len(cases)
        hooks = [s for s in stored.values() if s.deliveries]
        assert len(hooks) == 3  # the webhook publication's changed summary and two held ones
        for mode, out in (("s", single), ("b", batch)):
            for n in range(len(cases)):
                pub = (open_pub, open_pub, open_pub, review)[n]
                article = repo.find_article(session, pub, f"{mode}{n}")
                assert article is not None
                versions = session.scalars(
                    select(SummaryVersion)
                    .where(SummaryVersion.article_id == article.id)
                    .order_by(SummaryVersion.version)
                ).all()
                out.append(
                    (
                        [(v.version, v.job_key, v.state, v.method, v.bullets) for v in versions],
                        [a for a, _ in _actions(session, article.id)],
                        [d for _, d in _actions(session, article.id)],
                        session.scalars(
                            select(WebhookDelivery.event).where(
                                WebhookDelivery.summary_id == versions[-1].id
                            )
                        ).all(),
                    )
                )
    assert batch == single
    assert batch[0][0][0][2] == "superseded" and batch[0][0][1][2] == "published"
    assert [row[0][1][2] for row in batch[1:]] == ["draft", "draft", "draft"]
    assert [row[3] for row in batch] == [
        ["summary.changed"],
        ["summary.held"],
        ["summary.held"],
        [],
    ]


def test_jobs_done_marks_ready(session_factory: SessionFactory, build: Any) -> None:
    pub = build.publication()
    with session_scope(session_factory) as session:
        ids = [_article(session, pub, f"k{i}").id for i in range(3)]
        jobs.jobs_done(session, ids[:2])
        jobs.jobs_done(session, [])
    with session_factory() as session:
        status = {int(i): str(s) for i, s in session.execute(select(Article.id, Article.status))}
    assert [status[i] for i in ids] == ["ready", "ready", "pending"]


def test_summarize_articles_sends_webhooks_once(
    session_factory: SessionFactory, build: Any
) -> None:
    pub = build.publication(webhook_url="https://hook.example/x", webhook_secret="s")
    # Articles with a bullet to publish (one without bullets is held for an editor, no webhook).
    records = [
        _record(i, f" Die Stadt baut eine Brücke über die Reuss für {i + 5} Millionen.")
        for i in range(5)
    ]
    wake = store_batch(session_factory, pub.id, records, None, ImportStats())
    first = summarize_articles(session_factory, wake, SETTINGS)
    assert sorted(r.outcome for r in first.values()) == ["created"] * 5
    assert sum(len(r.deliveries) for r in first.values()) == 5
    again = summarize_articles(session_factory, wake, SETTINGS)
    assert {r.outcome for r in again.values()} == {"exists"}
    with session_factory() as session:
        assert session.scalar(select(func.count(SummaryVersion.id))) == 5
        assert session.scalar(select(func.count(WebhookDelivery.id))) == 5
        assert set(session.scalars(select(Article.status))) == {"ready"}


def test_id_ranges_split_runs_from_stragglers() -> None:
    ranges, rest = bulk.id_ranges([*range(10, 130), 5, 7, 200, *range(300, 340)], min_run=50)
    assert ranges == [(10, 129)]
    assert rest == [5, 7, 200, *range(300, 340)]
    ranges, _ = bulk.id_ranges(range(1, 5001), max_run=2000)
    assert ranges == [(1, 2000), (2001, 4000), (4001, 5000)]
    assert bulk.id_ranges([]) == ([], [])


class _NoSink:
    lease_seconds = None

    def reconcile(self) -> None:
        """Nothing to re-send here."""


def test_wait_for_summaries_counts_ranges_and_single_ids(
    session_factory: SessionFactory, build: Any
) -> None:
    pub = build.publication()
    wake = store_batch(
        session_factory, pub.id, [_record(i) for i in range(70)], None, ImportStats()
    )
    ids = sorted(i for i, _ in wake)
    with session_scope(session_factory) as session:
        jobs.jobs_done(session, ids[:60])
        repo.delete_article(session, session.get_one(Article, ids[0]), ACTOR)
    # The first 65 ids make one range, the last 3 are polled one by one.
    sent = ids[:65] + ids[-3:]

    def wait(timeout: float) -> bulk.Progress:
        return wait_for_summaries(
            session_factory,
            _NoSink(),  # type: ignore[arg-type]
            article_ids=sent,
            timeout=timeout,
            reconcile_seconds=60,
        )

    state = wait(0)
    assert (state.total, state.ready, state.failed, state.pending) == (68, 59, 1, 8)
    with session_scope(session_factory) as session:
        jobs.jobs_done(session, ids[60:])
    state = wait(5)
    assert (state.total, state.ready, state.failed, state.pending) == (68, 67, 1, 0)


def test_wait_polls_seldom_while_much_is_pending_and_often_near_the_end() -> None:
    """Polling costs the database CPU the workers need; the last summaries are seen quickly."""
    from kurzum.archive.importer import poll_seconds

    assert poll_seconds(0) == 0.5
    assert poll_seconds(1_000) < 1.0
    assert poll_seconds(100_000) == 5.0
