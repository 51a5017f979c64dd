"""`kurzum backfill`: one new version per selected article, rate-limited, resumable, and an
editor's approved summary is never replaced unless asked (embedded default, in-process)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kurzum.archive.backfill import BackfillPlan, run_backfill
from kurzum.archive.importer import ImportStats, store_batch
from kurzum.archive.records import Record
from kurzum.archive.sinks import InProcessSink
from kurzum.pipeline import content_hash, text_from_plain
from kurzum.settings import Settings
from kurzum.storage import articles as repo
from kurzum.storage import summaries
from kurzum.storage.articles import ArticleInput
from kurzum.storage.audit import Actor
from kurzum.storage.db import SessionFactory, make_engine, make_session_factory, session_scope
from kurzum.storage.db import upgrade as migrate
from kurzum.storage.tables import Article, SummaryVersion
from kurzum.workers.inprocess import InProcessWorker

EDITOR = Actor("editor@example.org")


@pytest.fixture
def factory(tmp_path: Path) -> Iterator[SessionFactory]:
    engine = make_engine(f"sqlite:///{tmp_path / 'kurzum.sqlite3'}")
    migrate(engine)
    session_factory = make_session_factory(engine)
    with session_scope(session_factory) as session:
        repo.create_publication(session, slug="blick", name="Blick", language="de")
        repo.create_publication(session, slug="other", name="Other", language="de")
    yield session_factory
    engine.dispose()


def _sink(factory: SessionFactory) -> InProcessSink:
    settings = Settings(environment="test", worker="off", retry_base_seconds=0)
    return InProcessSink(InProcessWorker(factory, settings), factory, settings)


def _import(factory: SessionFactory, pub_id: int, count: int, year: int) -> None:
    records = []
    for i in range(count):
        text = text_from_plain(
            f"Bericht {year}/{i}",
            None,
            f"Die Gemeinde {i} hat im Jahr {year} {200 + i} Bäume gepflanzt. "
            "Sie will damit die Hitze in den Quartieren mindern.\n\n"
            "Weitere Pflanzungen folgen im Herbst.",
        )
        data = ArticleInput(
            text=text, language="de", published_at=datetime(year, 5, 1 + i % 27, tzinfo=UTC)
        )
        records.append(Record(i, f"p{pub_id}-{year}-{i}", data, content_hash(text, "de")))
    wake = store_batch(factory, pub_id, records, None, ImportStats())
    _sink(factory).send(wake)


class FakeClock:
    """Monotonic seconds that move only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds


def _after_every_version(factory: SessionFactory) -> datetime:
    """A --before just after the newest stored version: no waiting on the wall clock, and the
    versions the backfill makes are newer (a rerun with the same cutoff finds nothing)."""
    with factory() as session:
        newest = session.scalar(select(func.max(SummaryVersion.created_at)))
    assert newest is not None
    return newest + timedelta(microseconds=1)


def _versions(factory: SessionFactory) -> dict[int, int]:
    with factory() as session:
        rows = session.execute(
            select(SummaryVersion.article_id, func.count(SummaryVersion.id)).group_by(
                SummaryVersion.article_id
            )
        )
        return {int(a): int(n) for a, n in rows}


def test_backfill_makes_one_new_version_per_article_and_resumes(factory: SessionFactory) -> None:
    _import(factory, 1, 12, 2023)
    _import(factory, 1, 5, 2020)  # before --since
    _import(factory, 2, 4, 2023)  # another publication
    with session_scope(factory) as session:
        approved = session.scalars(select(SummaryVersion).order_by(SummaryVersion.id)).first()
        assert approved is not None
        summaries.approve(session, approved, EDITOR)
        approved_article = approved.article_id
    cutoff = _after_every_version(factory)
    plan = BackfillPlan(
        publications=["blick"],
        before=cutoff,
        since=datetime(2022, 1, 1, tzinfo=UTC),
        rate=1000,
        window=5,
    )
    stats = run_backfill(plan, session_factory=factory, sink=_sink(factory))
    assert stats.sent == 11  # 12 of 2023 minus the approved one
    versions = _versions(factory)
    with factory() as session:
        rows = session.execute(
            select(Article.id, Article.publication_id, Article.published_at, Article.status)
        )
        for article_id, pub_id, published, status in rows:
            assert status == "ready"
            renewed = pub_id == 1 and published.year == 2023 and article_id != approved_article
            assert versions[article_id] == (2 if renewed else 1), (article_id, versions)
    again = run_backfill(plan, session_factory=factory, sink=_sink(factory))
    assert again.sent == 0, "a rerun with the same --before redid finished work"


def test_reviewed_summaries_are_replaced_only_when_asked(factory: SessionFactory) -> None:
    _import(factory, 1, 3, 2024)
    with session_scope(factory) as session:
        for version in session.scalars(select(SummaryVersion)):
            summaries.approve(session, version, EDITOR)
    before = _after_every_version(factory)
    plan = BackfillPlan(publications=["blick"], before=before, rate=1000, window=5)
    assert run_backfill(plan, session_factory=factory, sink=_sink(factory)).sent == 0
    plan = BackfillPlan(
        publications=["blick"], before=before, rate=1000, window=5, include_reviewed=True
    )
    assert run_backfill(plan, session_factory=factory, sink=_sink(factory)).sent == 3


def test_backfill_respects_the_rate_limit(factory: SessionFactory) -> None:
    _import(factory, 1, 10, 2024)
    plan = BackfillPlan(
        publications=["blick"], before=_after_every_version(factory), rate=4, window=2
    )
    clock = FakeClock()
    stats = run_backfill(
        plan, session_factory=factory, sink=_sink(factory), sleep=clock.sleep, clock=clock
    )
    assert stats.sent == 10
    # Ten articles at four per second, sent two at a time: the last tick is due at 10 / 4 s.
    assert clock.slept == pytest.approx(2.5)
    assert stats.seconds == pytest.approx(2.5)


def test_backfill_cli_reports_and_limits(factory: SessionFactory, tmp_path: Path) -> None:
    _import(factory, 1, 6, 2024)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KURZUM_")}
    env |= {"KURZUM_DATA_DIR": str(tmp_path), "KURZUM_ENVIRONMENT": "test"}
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kurzum",
            "backfill",
            "--publication",
            "blick",
            "--since",
            "2024-01-01",
            "--before",
            later,
            "--limit",
            "4",
            "--rate",
            "100",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "backfill sent 4 articles" in result.stderr, result.stderr
    assert f"--before {later}" in result.stderr
    assert sorted(_versions(factory).values()) == [1, 1, 2, 2, 2, 2]
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "kurzum",
            "backfill",
            "--publication",
            "blick",
            "--since",
            "last tuesday",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2 and "--since" in bad.stderr and "Traceback" not in bad.stderr
