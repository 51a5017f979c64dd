"""Model-written summaries in the service: stored with method and model, fallbacks held for review.

Runs the real worker task against the scripted OpenAI-compatible server on loopback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kurzum.backends import close_shared_backends
from kurzum.backends.fallback import FALLBACK_NOTE
from kurzum.labels import label
from kurzum.llm.testing import FakeOpenAI
from kurzum.pipeline import text_from_plain
from kurzum.settings import Settings
from kurzum.storage import articles as repo
from kurzum.storage import summaries
from kurzum.storage.articles import ArticleInput
from kurzum.storage.audit import Actor
from kurzum.storage.db import SessionFactory
from kurzum.storage.tables import AuditEvent, SummaryVersion
from kurzum.workers import tasks

TEXT = text_from_plain(
    "Neues Schulhaus in Thun",
    None,
    "Die Gemeinde Thun baut ein neues Schulhaus für 30 Millionen Franken. "
    "Es soll im Sommer 2027 eröffnet werden.\n\n"
    "Der Gemeinderat hat den Kredit am Dienstag mit 31 zu 4 Stimmen genehmigt. "
    "Das alte Schulhaus aus dem Jahr 1911 wird danach saniert.",
)


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake
    close_shared_backends()


def summarize_with(
    model: str,
    server: FakeOpenAI,
    build: Any,
    db: Session,
    session_factory: SessionFactory,
    settings: Settings,
) -> SummaryVersion:
    llm = settings.model_copy(
        update={"summary_backend": "llm", "llm_url": server.url, "llm_model": model}
    )
    article = repo.upsert_article(
        db, build.publication(), "a1", ArticleInput(text=TEXT, language="de"), Actor("test")
    ).article
    db.commit()
    result = tasks.summarize_article(session_factory, article.id, article.content_hash, llm)
    assert result.outcome == "created"
    db.expire_all()
    version = db.get(SummaryVersion, result.summary_id)
    assert version is not None
    return version


def test_a_good_model_answer_is_published_with_method_model_and_label(
    server: FakeOpenAI, build: Any, db: Session, session_factory: SessionFactory, settings: Settings
) -> None:
    version = summarize_with("good", server, build, db, session_factory, settings)
    assert (version.method, version.model, version.state) == ("llm", "good", "published")
    assert version.prompt_tokens > 0
    assert label(version) == "KI-generiert · Sprachmodell good"


def test_a_rejected_model_answer_falls_back_and_is_held_for_an_editor(
    server: FakeOpenAI,
    build: Any,
    db: Session,
    session_factory: SessionFactory,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="kurzum")
    version = summarize_with("invented-number", server, build, db, session_factory, settings)
    assert any("extractive fallback" in r.getMessage() for r in caplog.records)  # logged
    assert version.method == "extractive"
    assert version.state == "draft"  # publish-then-review would have published it otherwise
    assert version.fell_back  # the state is a column; the note keeps the reason for editors
    assert any(note.startswith(FALLBACK_NOTE) for note in version.notes)
    assert summaries.served_summary(db, version.article) is None
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.summary_id == version.id))
    assert "summary.held" in set(actions)
