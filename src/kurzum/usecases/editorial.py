"""The editor desk: edit, approve (one or many), reject, retract, restore, regenerate.

Each call commits its transaction, then wakes workers (the webhook events the change queued in
that transaction, a fresh summary after a regeneration): a wake-up sent before the commit
could find nothing to do.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kurzum.errors import ConflictError
from kurzum.models import Summary
from kurzum.pipeline import check_summary, editor_bullets, stored_to_core
from kurzum.storage import summaries
from kurzum.storage.audit import Actor
from kurzum.storage.codec import bullets_from_json
from kurzum.storage.tables import SummaryVersion
from kurzum.text import require_texts
from kurzum.usecases.dispatch import Dispatcher, wake_webhooks


def edit(session: Session, summary_id: int, texts: list[str], actor: Actor) -> SummaryVersion:
    """An editor's bullets as a new draft version, checked against the stored article."""
    require_texts("a bullet", texts)  # before the check: it must not see unstorable text
    version = summaries.get_version(session, summary_id)
    article = stored_to_core(version.article)
    summaries.check_editable(session, version)  # only the current version: NotCurrentError
    bullets = editor_bullets(texts, bullets_from_json(version.bullets), article)
    language = article.language or "de"
    report = check_summary(Summary(bullets, language, method="editor"), article)
    new = summaries.add_edit(session, version, bullets, report, language, actor)
    session.commit()
    return new


def edit_and_approve(
    session: Session, dispatcher: Dispatcher, summary_id: int, texts: list[str], actor: Actor
) -> tuple[SummaryVersion, bool]:
    """ "Save and approve": the edit as a new version, approved at once when the check found
    nothing (one request for an edited item); with warnings it stays a draft for the editor to
    see. Returns the new version and whether it was approved."""
    new = edit(session, summary_id, texts, actor)
    if new.faithfulness.get("issues"):
        return new, False
    approve(session, dispatcher, new.id, actor)
    return new, True


def approve_many(
    session: Session, dispatcher: Dispatcher, summary_ids: list[int], actor: Actor
) -> tuple[list[int], list[int]]:
    """Bulk approval (after the editor's one confirmation): each version without warnings that
    can be approved is approved in its own transaction with its own audit entry; versions with
    warnings (never overridden in bulk) or no longer open are skipped. (approved, skipped)."""
    done: list[int] = []
    skipped: list[int] = []
    for summary_id in dict.fromkeys(summary_ids):
        version = session.get(SummaryVersion, summary_id)
        if version is None or version.faithfulness.get("issues"):
            skipped.append(summary_id)
            continue
        try:
            approve(session, dispatcher, summary_id, actor)
        except ConflictError:
            session.rollback()
            skipped.append(summary_id)
            continue
        done.append(summary_id)
    return done, skipped


def restore(
    session: Session, dispatcher: Dispatcher, summary_id: int, actor: Actor
) -> SummaryVersion:
    """Publish an earlier approved version again in one step (see
    :func:`kurzum.storage.summaries.restore`); webhooks after the commit."""
    version = summaries.get_version(session, summary_id)
    summaries.restore(session, version, actor)
    session.commit()
    wake_webhooks(session, dispatcher)
    return version


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
    summaries.approve(session, version, actor, override=override, reason=reason)
    session.commit()
    wake_webhooks(session, dispatcher)
    return version


def reject(
    session: Session, dispatcher: Dispatcher, summary_id: int, actor: Actor, reason: str = ""
) -> SummaryVersion:
    """Reject a version: readers stop seeing it at once (``summary.retracted`` if they saw it)."""
    version = summaries.get_version(session, summary_id)
    summaries.reject(session, version, actor, reason)
    session.commit()
    wake_webhooks(session, dispatcher)
    return version


def retract(
    session: Session, dispatcher: Dispatcher, summary_id: int, actor: Actor, reason: str = ""
) -> SummaryVersion:
    """Take a published version down with a reason; it stays in the history, and the article
    stays down until an editor publishes again (a CMS update makes a draft).
    ``summary.retracted`` goes to the publication's webhook after the commit."""
    version = summaries.get_version(session, summary_id)
    summaries.retract(session, version, actor, reason)
    session.commit()
    wake_webhooks(session, dispatcher)
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
