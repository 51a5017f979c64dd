"""The editor desk: edit, approve, reject, retract, regenerate a summary version.

Each call commits its transaction, then wakes workers (webhooks after an approval, a fresh
summary after a regeneration): a wake-up sent before the commit could find nothing to do.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kurzum.models import Summary
from kurzum.pipeline import check_summary, editor_bullets, stored_to_core
from kurzum.storage import summaries
from kurzum.storage.audit import Actor
from kurzum.storage.codec import bullets_from_json
from kurzum.storage.tables import SummaryVersion
from kurzum.usecases.dispatch import Dispatcher


def edit(session: Session, summary_id: int, texts: list[str], actor: Actor) -> SummaryVersion:
    """An editor's bullets as a new draft version, checked against the stored article."""
    version = summaries.get_version(session, summary_id)
    article = stored_to_core(version.article)
    bullets = editor_bullets(texts, bullets_from_json(version.bullets))
    language = article.language or "de"
    report = check_summary(Summary(bullets, language, method="editor"), article)
    new = summaries.add_edit(session, version, bullets, report, language, actor)
    session.commit()
    return new


def approve(
    session: Session,
    dispatcher: Dispatcher,
    summary_id: int,
    actor: Actor,
    *,
    override: bool = False,
    reason: str | None = None,
) -> SummaryVersion:
    """Publish a version as reviewed (see :func:`kurzum.storage.summaries.approve`); the
    publication's webhook deliveries are sent after the commit."""
    version = summaries.get_version(session, summary_id)
    transition = summaries.approve(session, version, actor, override=override, reason=reason)
    session.commit()
    for delivery in transition.deliveries:
        dispatcher.webhook(delivery.id)
    return version


def reject(session: Session, summary_id: int, actor: Actor, reason: str = "") -> SummaryVersion:
    """Reject a version: readers stop seeing it at once."""
    version = summaries.get_version(session, summary_id)
    summaries.reject(session, version, actor, reason)
    session.commit()
    return version


def retract(session: Session, summary_id: int, actor: Actor, reason: str = "") -> SummaryVersion:
    """Take a published version down (it stays in the history)."""
    version = summaries.get_version(session, summary_id)
    summaries.retract(session, version, actor, reason)
    session.commit()
    return version


def regenerate(
    session: Session, dispatcher: Dispatcher, summary_id: int, actor: Actor
) -> SummaryVersion:
    """Ask for a fresh machine summary of the version's article; wakes a worker after commit."""
    version = summaries.get_version(session, summary_id)
    article = summaries.regenerate(session, version.article, actor)
    session.commit()
    dispatcher.summarize(article.id, article.content_hash)
    return version
