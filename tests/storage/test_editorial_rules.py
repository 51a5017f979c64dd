"""Editorial state rules of issue 13, on SQLite and PostgreSQL.

Regenerate after approval holds the new version; a retraction sticks across CMS updates until an
editor publishes again; an earlier approved version is restored in one step; only the current
version can be edited; edits get fresh provenance; an article too short for bullets is never
published empty.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from kurzum.errors import ConflictError, InputError
from kurzum.pipeline import check_summary, make_summary, stored_to_core, text_from_plain
from kurzum.settings import Settings
from kurzum.storage import articles as repo
from kurzum.storage import audit, summaries
from kurzum.storage.articles import ArticleInput
from kurzum.storage.audit import Actor
from kurzum.storage.tables import Article, SummaryVersion
from kurzum.usecases import editorial

EDITOR = Actor("user:editor@example.org")
SETTINGS = Settings(environment="test", worker="off")
BODY = (
    "Die Stadt Luzern baut eine neue Brücke über die Reuss. Sie soll im Jahr 2028 eröffnet "
    "werden.\n\nDie Kosten liegen bei 40 Millionen Franken. Der Stadtrat spricht von einem "
    "Jahrhundertprojekt."
)
UPDATED = BODY + "\n\nDie Bauarbeiten beginnen im Frühling 2026 und dauern zwei Jahre."


def _article(db: Session, pub: Any, body: str = BODY, external_id: str = "a") -> Article:
    data = ArticleInput(text=text_from_plain("Neue Brücke", None, body), language="de")
    return repo.upsert_article(db, pub, external_id, data, Actor("api-key:test")).article


def _machine(db: Session, article: Article, *, generation: int | None = None) -> SummaryVersion:
    """What a worker does: summarize the stored article and store the result."""
    core = stored_to_core(article)
    summary = make_summary(core, SETTINGS)
    key = f"{article.id}:{article.content_hash}:{generation or article.generation}"
    transition = summaries.store_machine_summary(
        db, article, summary, check_summary(summary, core), job_key=key
    )
    db.flush()
    return transition.version


def _regenerate(db: Session, article: Article) -> SummaryVersion:
    summaries.regenerate(db, article, EDITOR)
    return _machine(db, article)


def test_regenerate_after_approval_is_a_held_draft(db: Session, build: Any) -> None:
    article = _article(db, build.publication())
    first = _machine(db, article)
    assert first.state == "published" and not first.reviewed
    summaries.approve(db, first, EDITOR)
    draft = _regenerate(db, article)
    assert draft.state == "draft"  # never replaces an approved version unreviewed
    assert summaries.served_summary(db, article) is first
    held = [e for e in audit.history(db, article.id) if e.action == "summary.held"]
    assert held and (held[-1].detail or {})["reason"] == "over_approved"
    summaries.reject(db, draft, EDITOR, "kein Gewinn")  # discard: the approved one stays
    assert summaries.served_summary(db, article) is first
    again = _regenerate(db, article)
    summaries.approve(db, again, EDITOR)  # approve: the new one replaces it
    assert summaries.served_summary(db, article) is again and first.state == "superseded"


def test_regenerate_replaces_an_unreviewed_version_under_publish_then_review(
    db: Session, build: Any
) -> None:
    article = _article(db, build.publication())
    first = _machine(db, article)
    second = _regenerate(db, article)
    assert second.state == "published" and first.state == "superseded"
    assert summaries.served_summary(db, article) is second


def test_retraction_needs_a_reason_and_sticks_across_cms_updates(db: Session, build: Any) -> None:
    pub = build.publication()
    article = _article(db, pub)
    first = _machine(db, article)
    with pytest.raises(InputError):
        summaries.retract(db, first, EDITOR, "  ")
    summaries.retract(db, first, EDITOR, "Zahl falsch")
    assert summaries.served_summary(db, article) is None and article.held
    retracted = [e for e in audit.history(db, article.id) if e.action == "summary.retracted"]
    assert (retracted[-1].detail or {})["reason"] == "Zahl falsch"
    _article(db, pub, UPDATED)  # the CMS updates the body
    after_update = _machine(db, article)
    assert after_update.state == "draft"  # a draft for review, never published
    assert summaries.served_summary(db, article) is None
    regenerated = _regenerate(db, article)
    assert regenerated.state == "draft"
    summaries.approve(db, regenerated, EDITOR)  # an editor publishes again
    assert not article.held and summaries.served_summary(db, article) is regenerated
    summaries.retract(db, regenerated, EDITOR, "doch nicht")
    summaries.restore(db, regenerated, EDITOR)  # one step back to the approved version
    assert summaries.served_summary(db, article) is regenerated and not article.held


def test_restore_an_earlier_approved_version(db: Session, build: Any) -> None:
    article = _article(db, build.publication())
    first = _machine(db, article)
    summaries.approve(db, first, EDITOR)
    texts = [*first.bullet_texts[:1], "Die Brücke kostet 40 Millionen Franken."]
    edited = editorial.edit(db, first.id, texts, EDITOR)
    summaries.approve(db, edited, EDITOR)
    assert first.state == "superseded"
    summaries.restore(db, first, EDITOR)
    assert summaries.served_summary(db, article) is first and edited.state == "superseded"
    assert any(e.action == "summary.restored" for e in audit.history(db, article.id))
    unreviewed = _machine(db, _article(db, article.publication, external_id="b"))
    with pytest.raises(ConflictError):
        summaries.restore(db, unreviewed, EDITOR)  # published, never approved: nothing to restore


def test_only_the_current_version_can_be_edited(db: Session, build: Any) -> None:
    article = _article(db, build.publication())
    first = _machine(db, article)
    edited = editorial.edit(db, first.id, first.bullet_texts[:2], EDITOR)
    with pytest.raises(summaries.NotCurrentError) as refused:
        editorial.edit(db, first.id, first.bullet_texts[:1], EDITOR)
    assert refused.value.current_id == edited.id
    summaries.approve(db, edited, EDITOR)
    queue = summaries.queue(db, states=("draft", "published"))
    assert [i.version.id for i in queue if i.article.id == article.id] == [edited.id]


def test_edited_bullets_get_provenance_from_the_article(db: Session, build: Any) -> None:
    article = _article(db, build.publication())
    first = _machine(db, article)
    core = stored_to_core(article)
    texts = [
        first.bullet_texts[1],  # moved, unchanged: keeps its own sources
        "Ein Jahrhundertprojekt, spricht der Stadtrat.",  # rewritten
        "Ein ganz anderer Gedanke ohne Bezug.",  # matches nothing
    ]
    edited = editorial.edit(db, first.id, texts, EDITOR)
    assert edited.bullets[0]["sources"] == first.bullets[1]["sources"]
    (source,) = edited.bullets[1]["sources"]
    assert "Jahrhundertprojekt" in core.text[source["start"] : source["end"]]
    assert edited.bullets[2].get("sources", []) == []  # no source link at all


def test_too_short_article_is_never_published_empty(db: Session, build: Any) -> None:
    article = _article(db, build.publication(), body="Kurz.")
    version = _machine(db, article)
    assert version.bullets == [] and version.state == "draft"
    assert summaries.served_summary(db, article) is None
    held = [e for e in audit.history(db, article.id) if e.action == "summary.held"]
    assert (held[-1].detail or {})["reason"] == "empty"
    assert version.notes and version.notes[0].startswith("only 0 of 3 bullets")
    with pytest.raises(ConflictError):
        summaries.approve(db, version, EDITOR)
    written = editorial.edit(db, version.id, ["Kurz."], EDITOR)
    assert written.faithfulness["issues"] == []  # checked like any edit
    summaries.approve(db, written, EDITOR)
    assert summaries.served_summary(db, article) is written


def test_hold_reason_rules() -> None:
    hold = summaries.hold_reason
    assert hold("publish-then-review", faithful=True, fell_back=False) is None
    assert hold("review-before-publish", faithful=True, fell_back=False) == "policy"
    assert hold("publish-then-review", faithful=False, fell_back=False) == "warnings"
    assert hold("publish-then-review", faithful=True, fell_back=True) == "fallback"
    assert hold("publish-then-review", faithful=True, fell_back=False, empty=True) == "empty"
    assert hold("publish-then-review", faithful=True, fell_back=False, retracted=True)
    assert hold("publish-then-review", faithful=True, fell_back=False, over_approved=True)
