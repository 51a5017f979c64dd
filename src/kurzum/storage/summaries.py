"""Summary versions and their review workflow: store, edit, approve, reject, retract, serve.

States: a machine summary starts ``published`` (publish-then-review, no faithfulness issue) or
``draft``; an editor's edit is a new ``draft`` version; approving publishes a version and
supersedes the article's other published ones. Readers see only :func:`served_summary`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kurzum import notes
from kurzum.errors import ConflictError, InputError, NotFoundError
from kurzum.models import Bullet, FaithfulnessReport, Language, Summary
from kurzum.storage import audit, outbox
from kurzum.storage.audit import Actor
from kurzum.storage.codec import bullets_to_json, report_to_json
from kurzum.storage.rules import hold_reason, served
from kurzum.storage.tables import (
    Article,
    ErrorReport,
    Publication,
    SummaryVersion,
    WebhookDelivery,
    utcnow,
)
from kurzum.text import require_text, require_texts
from kurzum.webhooks.events import EventType


@dataclass(frozen=True, slots=True)
class Transition:
    """The changed version plus webhook deliveries to send once the transaction commits."""

    version: SummaryVersion
    deliveries: tuple[WebhookDelivery, ...] = ()


def _next_version(session: Session, article_id: int) -> int:
    stmt = select(func.max(SummaryVersion.version)).where(SummaryVersion.article_id == article_id)
    return int(session.scalar(stmt) or 0) + 1


def get_version(session: Session, summary_id: int) -> SummaryVersion:
    """A summary version by id, or NotFoundError."""
    version = session.get(SummaryVersion, summary_id)
    if version is None:
        raise NotFoundError(f"no summary {summary_id}")
    return version


def versions(session: Session, article_id: int) -> list[SummaryVersion]:
    """Every version of an article's summary, newest first."""
    stmt = (
        select(SummaryVersion)
        .where(SummaryVersion.article_id == article_id)
        .order_by(SummaryVersion.version.desc())
    )
    return list(session.scalars(stmt))


def served_summary(session: Session, article: Article) -> SummaryVersion | None:
    """The one version readers may see: published, fresh, of a live article; else None."""
    if article.deleted_at is not None:
        return None
    stmt = (
        select(SummaryVersion)
        .join(Article, served())
        .where(Article.id == article.id)
        .order_by(SummaryVersion.version.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def latest_version(session: Session, article: Article) -> SummaryVersion | None:
    """The newest version of any state (what the publisher's status call reports)."""
    stmt = (
        select(SummaryVersion)
        .where(SummaryVersion.article_id == article.id)
        .order_by(SummaryVersion.version.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def _supersede_others(session: Session, keep: SummaryVersion) -> int | None:
    """Publishing ``keep`` supersedes the article's other published versions and its older
    drafts (the draft an edit was made from must not stay in the queue); returns the newest
    published version it replaced, if any (``summary.changed`` names it)."""
    previous: int | None = None
    for other in session.scalars(
        select(SummaryVersion)
        .where(
            SummaryVersion.article_id == keep.article_id,
            SummaryVersion.id != keep.id,
            (SummaryVersion.state == "published")
            | ((SummaryVersion.state == "draft") & (SummaryVersion.version < keep.version)),
        )
        .order_by(SummaryVersion.version)
    ):
        if other.state == "published":
            previous = other.id
        other.state = "superseded"
    return previous


def _publish(session: Session, version: SummaryVersion) -> Transition:
    """Publish ``version``: ``summary.published`` for the first one, ``summary.changed`` when it
    replaces a published one (the webhook is queued in this transaction)."""
    version.state = "published"
    previous = _supersede_others(session, version)
    event: EventType = "summary.published" if previous is None else "summary.changed"
    deliveries = outbox.summary_event(session, version, event, previous_summary_id=previous)
    return Transition(version, deliveries)


def store_machine_summary(
    session: Session,
    article: Article,
    summary: Summary,
    report: FaithfulnessReport,
    *,
    job_key: str,
) -> Transition:
    """Store a worker's summary as a new version and publish it when :func:`hold_reason`
    finds no reason to hold it."""
    pub: Publication = article.publication
    fell_back = summary.fell_back
    served = served_summary(session, article)
    reason = hold_reason(
        pub.review_policy,
        faithful=report.ok,
        fell_back=fell_back,
        empty=not summary.bullets,
        retracted=article.held,
        over_approved=served is not None and served.reviewed,
    )
    version = SummaryVersion(
        article_id=article.id,
        version=_next_version(session, article.id),
        job_key=job_key,
        state="draft",
        fell_back=fell_back,
        method=summary.method,
        model=summary.model,
        prompt_tokens=summary.usage.prompt_tokens if summary.usage else 0,
        completion_tokens=summary.usage.completion_tokens if summary.usage else 0,
        article_hash=article.content_hash,
        language=summary.language,
        bullets=bullets_to_json(summary.bullets),
        faithfulness=report_to_json(report),
        notes=list(summary.notes),
    )
    session.add(version)
    session.flush()
    audit.record(
        session,
        audit.WORKER,
        "summary.created",
        article_id=article.id,
        summary_id=version.id,
        method=summary.method,
        faithful=report.ok,
    )
    if reason not in (None, "policy", "warnings"):
        audit.record(
            session,
            audit.WORKER,
            "summary.held",
            article_id=article.id,
            summary_id=version.id,
            reason=reason,
        )
    if reason is not None:
        deliveries = outbox.summary_event(session, version, "summary.held", reason=reason)
        return Transition(version, deliveries)
    transition = _publish(session, version)
    audit.record(
        session, audit.WORKER, "summary.published", article_id=article.id, summary_id=version.id
    )
    return transition


def current_version(session: Session, article: Article) -> SummaryVersion | None:
    """The version an editor works on: the newest open one (draft or published) made from the
    article's current text; None when there is none."""
    stmt = (
        select(SummaryVersion)
        .where(
            SummaryVersion.article_id == article.id,
            SummaryVersion.state.in_(("draft", "published")),
            SummaryVersion.stale.is_(False),
            SummaryVersion.article_hash == article.content_hash,
        )
        .order_by(SummaryVersion.version.desc())
        .limit(1)
    )
    return session.scalar(stmt)


class NotCurrentError(ConflictError):
    """An edit of a version that is no longer the current one; ``current_id`` names it."""

    def __init__(self, version: SummaryVersion, current_id: int | None) -> None:
        super().__init__(
            f"version {version.version} is no longer current"
            + (f"; edit summary {current_id}" if current_id else "")
        )
        self.current_id = current_id


def check_editable(session: Session, version: SummaryVersion) -> None:
    """Refuse an edit of anything but the current version (NotCurrentError names it): an edit
    of a superseded version would put the article in the queue twice. With no open version
    (all rejected or retracted) the newest version may be edited."""
    current = current_version(session, version.article)
    if current is not None and current.id == version.id:
        return
    if current is None:
        newest = latest_version(session, version.article)
        if newest is not None and newest.id == version.id:
            return
    raise NotCurrentError(version, current.id if current is not None else None)


def add_edit(
    session: Session,
    version: SummaryVersion,
    bullets: tuple[Bullet, ...],
    report: FaithfulnessReport,
    language: Language,
    actor: Actor,
) -> SummaryVersion:
    """Store an editor's checked bullets as a new draft version based on ``version``.

    The bullets and their faithfulness report come from the use case
    (:func:`kurzum.usecases.editorial.edit`): storage does not run the check."""
    if not 1 <= len(bullets) <= 10:
        raise InputError("a summary has between 1 and 10 bullets")
    require_texts("a bullet", [b.text for b in bullets])
    check_editable(session, version)
    article = version.article
    new = SummaryVersion(
        article_id=article.id,
        version=_next_version(session, article.id),
        job_key=None,
        state="draft",
        method="editor",
        model=None,
        article_hash=article.content_hash,
        language=language,
        bullets=bullets_to_json(bullets),
        faithfulness=report_to_json(report),
        notes=[notes.edited_from(version.version)],
        created_by_id=actor.user_id,
    )
    session.add(new)
    session.flush()
    audit.record(
        session,
        actor,
        "summary.edited",
        article_id=article.id,
        summary_id=new.id,
        base=version.id,
        before=version.bullet_texts,
        after=new.bullet_texts,
        issues=len(report.issues),
    )
    return new


def approve(
    session: Session,
    version: SummaryVersion,
    actor: Actor,
    *,
    override: bool = False,
    reason: str | None = None,
) -> Transition:
    """Publish a version as reviewed; unsupported names/numbers need ``override`` + a reason."""
    require_text("the reason", reason)
    if version.state not in ("draft", "published"):
        raise ConflictError(f"a {version.state} summary cannot be approved")
    if version.stale or version.article_hash != version.article.content_hash:
        raise ConflictError("the article changed since this summary was made; regenerate it")
    if version.article.deleted_at is not None:
        raise ConflictError("the article was deleted")
    if not version.bullets:
        raise ConflictError("a summary without bullets cannot be published; write them first")
    issues = version.faithfulness.get("issues", [])
    if issues and not override:
        raise ConflictError(
            f"{len(issues)} unsupported name(s)/number(s); approve with override and a reason"
        )
    if issues and not (reason and reason.strip()):
        raise InputError("an override needs a reason")
    was_published = version.state == "published"
    version.article.held = False  # an editor published: machine summaries may follow again
    version.reviewed = True
    version.reviewer_id = actor.user_id
    version.reviewed_at = utcnow()
    if issues:
        version.override_reason = reason
        audit.record(
            session,
            actor,
            "summary.override",
            article_id=version.article_id,
            summary_id=version.id,
            reason=reason,
            issues=issues,
        )
    if was_published:  # the label changes to "reviewed": caches must refresh it
        transition = Transition(version, outbox.summary_event(session, version, "summary.changed"))
    else:
        transition = _publish(session, version)
    _resolve_reports(session, version.article_id)
    audit.record(
        session, actor, "summary.approved", article_id=version.article_id, summary_id=version.id
    )
    return transition


def reject(session: Session, version: SummaryVersion, actor: Actor, reason: str = "") -> None:
    """Reject a draft or an unreviewed published summary: readers stop seeing it at once."""
    require_text("the reason", reason)
    if version.state not in ("draft", "published"):
        raise ConflictError(f"a {version.state} summary cannot be rejected")
    was_published = version.state == "published"
    version.state = "rejected"
    version.reviewer_id = actor.user_id
    version.reviewed_at = utcnow()
    audit.record(
        session,
        actor,
        "summary.rejected",
        article_id=version.article_id,
        summary_id=version.id,
        reason=reason,
    )
    if was_published:  # readers saw it: the CMS must drop it too
        outbox.summary_event(session, version, "summary.retracted", reason="rejected")
    session.flush()


def retract(session: Session, version: SummaryVersion, actor: Actor, reason: str = "") -> None:
    """Take a published summary down, with a reason (logged); it stays in the history.

    The retraction sticks: the article is ``held``, so a later machine summary (a CMS update,
    a regeneration) is a draft for review until an editor publishes again."""
    require_text("the reason", reason)
    if version.state != "published":
        raise ConflictError(f"a {version.state} summary cannot be retracted")
    if not reason.strip():
        raise InputError("a retraction needs a reason")
    version.state = "retracted"
    version.article.held = True
    audit.record(
        session,
        actor,
        "summary.retracted",
        article_id=version.article_id,
        summary_id=version.id,
        reason=reason,
    )
    outbox.summary_event(session, version, "summary.retracted", reason="retracted")
    session.flush()


def restore(session: Session, version: SummaryVersion, actor: Actor) -> Transition:
    """Publish an earlier approved version again in one step (after a retraction or a newer
    version): it must have been reviewed and be made from the article's current text."""
    if not version.reviewed or version.state not in ("superseded", "retracted"):
        raise ConflictError("only an earlier approved version can be restored")
    if version.stale or version.article_hash != version.article.content_hash:
        raise ConflictError("the article changed since this summary was made; regenerate it")
    if version.article.deleted_at is not None:
        raise ConflictError("the article was deleted")
    version.article.held = False
    transition = _publish(session, version)
    audit.record(
        session, actor, "summary.restored", article_id=version.article_id, summary_id=version.id
    )
    return transition


def regenerate(session: Session, article: Article, actor: Actor) -> Article:
    """Ask for a fresh machine summary of the article (a new generation of the job key)."""
    if article.deleted_at is not None:
        raise ConflictError("the article was deleted")
    article.generation += 1
    article.status = "pending"
    article.attempts = 0
    article.error = None
    article.next_attempt_at = utcnow()
    audit.record(
        session, actor, "summary.regenerate", article_id=article.id, generation=article.generation
    )
    session.flush()
    return article


# -- reader error reports -------------------------------------------------------------------


# "Fehler melden" throttle: per client (address or account) and per summary, in one window.
REPORT_WINDOW = timedelta(hours=1)
REPORTS_PER_CLIENT = 10
REPORTS_PER_SUMMARY = 30


def client_key(client: str) -> str:
    """How a reporting client is stored: a hash, never the address itself."""
    return hashlib.sha256(client.encode()).hexdigest()


def report_allowed(
    session: Session, summary_id: int, client: str, *, now: datetime | None = None
) -> bool:
    """Whether this client may file another report now (per-client and per-summary limits)."""
    since = (now or utcnow()) - REPORT_WINDOW
    recent = select(func.count(ErrorReport.id)).where(ErrorReport.created_at > since)
    by_client = session.scalar(recent.where(ErrorReport.client_key == client_key(client)))
    if int(by_client or 0) >= REPORTS_PER_CLIENT:
        return False
    by_summary = session.scalar(recent.where(ErrorReport.summary_id == summary_id))
    return int(by_summary or 0) < REPORTS_PER_SUMMARY


def report_error(
    session: Session,
    version: SummaryVersion,
    bullet: int,
    message: str,
    user_id: int | None,
    client: str = "",
) -> ErrorReport:
    """File a reader's "Fehler melden" on bullet ``bullet`` (0-based) of a version."""
    require_text("the message", message)
    if not 0 <= bullet < len(version.bullets):
        raise InputError(f"bullet must be between 0 and {len(version.bullets) - 1}")
    report = ErrorReport(
        summary_id=version.id,
        bullet=bullet,
        message=message,
        user_id=user_id,
        client_key=client_key(client) if client else None,
    )
    session.add(report)
    session.flush()
    audit.record(
        session,
        Actor("reader", user_id),
        "report.filed",
        article_id=version.article_id,
        summary_id=version.id,
        bullet=bullet,
    )
    return report


def open_reports(session: Session, summary_id: int) -> list[ErrorReport]:
    """Unresolved reports on a version."""
    stmt = select(ErrorReport).where(
        ErrorReport.summary_id == summary_id, ErrorReport.resolved_at.is_(None)
    )
    return list(session.scalars(stmt.order_by(ErrorReport.id)))


def _resolve_reports(session: Session, article_id: int) -> None:
    ids = select(SummaryVersion.id).where(SummaryVersion.article_id == article_id)
    for report in session.scalars(
        select(ErrorReport).where(
            ErrorReport.summary_id.in_(ids), ErrorReport.resolved_at.is_(None)
        )
    ):
        report.resolved_at = utcnow()


# -- editors' queue -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One row of the editors' queue."""

    version: SummaryVersion
    article: Article
    publication: Publication
    open_reports: int


def queue(
    session: Session,
    *,
    states: tuple[str, ...] = ("draft",),
    publication: str | None = None,
    language: str | None = None,
    max_age: timedelta | None = None,
    reported_only: bool = False,
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
) -> list[QueueItem]:
    """Versions to review, fresh ones only; reader reports first, then newest first."""
    reports = (
        select(ErrorReport.summary_id, func.count(ErrorReport.id).label("n"))
        .where(ErrorReport.resolved_at.is_(None))
        .group_by(ErrorReport.summary_id)
        .subquery()
    )
    n_reports = func.coalesce(reports.c.n, 0)
    stmt = (
        select(SummaryVersion, Article, Publication, n_reports)
        .join(Article, SummaryVersion.article_id == Article.id)
        .join(Publication, Article.publication_id == Publication.id)
        .outerjoin(reports, reports.c.summary_id == SummaryVersion.id)
        .where(Article.deleted_at.is_(None), SummaryVersion.stale.is_(False))
    )
    if reported_only:
        stmt = stmt.where(n_reports > 0)
    else:
        stmt = stmt.where(SummaryVersion.state.in_(states))
    if publication:
        stmt = stmt.where(Publication.slug == publication)
    if language:
        stmt = stmt.where(SummaryVersion.language == language)
    if max_age is not None:
        stmt = stmt.where(SummaryVersion.created_at >= (now or utcnow()) - max_age)
    stmt = stmt.order_by(n_reports.desc(), SummaryVersion.created_at.desc(), SummaryVersion.id)
    rows = session.execute(stmt.limit(limit).offset(offset)).all()
    return [QueueItem(v, a, p, int(n)) for v, a, p, n in rows]
