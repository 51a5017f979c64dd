"""The batch task function of the archive path: same results as the one-by-one task, once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kurzum.archive.importer import ImportStats, store_batch
from kurzum.archive.records import Record
from kurzum.pipeline import content_hash, text_from_plain
from kurzum.settings import Settings
from kurzum.storage import articles as repo
from kurzum.storage.articles import ArticleInput
from kurzum.storage.audit import Actor
from kurzum.storage.db import SessionFactory, make_engine, make_session_factory, session_scope
from kurzum.storage.db import upgrade as migrate
from kurzum.storage.tables import Article, SummaryVersion
from kurzum.workers.batch import summarize_articles
from kurzum.workers.tasks import summarize_article

SETTINGS = Settings(environment="test", worker="off", retry_base_seconds=0, max_attempts=2)


@pytest.fixture
def factory(tmp_path: Path) -> Iterator[SessionFactory]:
    engine = make_engine(f"sqlite:///{tmp_path / 'kurzum.sqlite3'}")
    migrate(engine)
    session_factory = make_session_factory(engine)
    with session_scope(session_factory) as session:
        repo.create_publication(session, slug="blick", name="Blick", language="de")
    yield session_factory
    engine.dispose()


def _store(factory: SessionFactory, count: int) -> list[tuple[int, str]]:
    records = []
    for i in range(count):
        text = text_from_plain(
            f"Titel {i}",
            None,
            f"Der Rat tagte am {i + 1}. Mai. Er "
            f"beschloss {10 + i} Massnahmen.\n\nSie gelten ab Juni.",
        )
        records.append(
            Record(i, f"b-{i}", ArticleInput(text=text, language="de"), content_hash(text, "de"))
        )
    return store_batch(factory, 1, records, None, ImportStats())


def _versions(factory: SessionFactory) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count(SummaryVersion.id))) or 0)


def test_batch_creates_each_summary_once(factory: SessionFactory) -> None:
    items = _store(factory, 30)
    first = summarize_articles(factory, items, SETTINGS)
    assert sorted(r.outcome for r in first.values()) == ["created"] * 30
    again = summarize_articles(factory, items, SETTINGS)
    assert {r.outcome for r in again.values()} == {"exists"}
    assert summarize_article(factory, *items[0], SETTINGS).outcome == "exists"
    assert _versions(factory) == 30
    with factory() as session:
        assert set(session.scalars(select(Article.status))) == {"ready"}


def test_batch_after_single_runs_and_with_stale_items(factory: SessionFactory) -> None:
    items = _store(factory, 5)
    assert summarize_article(factory, *items[0], SETTINGS).outcome == "created"
    with session_scope(factory) as session:  # article 2 changes, article 3 is deleted
        pub = repo.get_publication(session, "blick")
        text = text_from_plain("Neu", None, "Ganz neuer Text. Mit zwei Sätzen.")
        repo.upsert_article(
            session, pub, "b-1", ArticleInput(text=text, language="de"), Actor("cms")
        )
        repo.delete_article(session, repo.get_article(session, pub, "b-2"), Actor("cms"))
    results = summarize_articles(factory, items, SETTINGS)
    assert [results[i].outcome for i, _ in items] == [
        "exists",
        "outdated",
        "gone",
        "created",
        "created",
    ]
    assert _versions(factory) == 3


def test_failures_are_stored_on_each_article(factory: SessionFactory) -> None:
    items = _store(factory, 3)
    broken = SETTINGS.model_copy(update={"summary_backend": "llm"})  # no LLM server configured
    results = summarize_articles(factory, items, broken)
    assert {r.outcome for r in results.values()} == {"failed"}
    summarize_articles(factory, items, broken)
    with factory() as session:
        rows = list(session.execute(select(Article.status, Article.attempts, Article.error)))
    assert all(status == "failed" and attempts == 2 and error for status, attempts, error in rows)
    assert _versions(factory) == 0
    assert {r.outcome for r in summarize_articles(factory, items, SETTINGS).values()} == {"created"}
