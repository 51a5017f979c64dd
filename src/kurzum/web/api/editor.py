"""Editor API (editor session + CSRF): queue, get, edit, approve, reject, regenerate, retract."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from kurzum.errors import NotFoundError
from kurzum.storage import articles as repo
from kurzum.storage import audit, jobs, summaries
from kurzum.storage.tables import SummaryVersion
from kurzum.usecases import editorial
from kurzum.usecases.dispatch import Dispatcher
from kurzum.web.deps import DispatcherDep, EditorLogin, SessionDep, actor_of
from kurzum.web.errors import ERROR_RESPONSES
from kurzum.web.schemas import (
    ApproveIn,
    AuditOut,
    BulletsIn,
    EditorSummaryOut,
    FailedArticleOut,
    QueueItemOut,
    ReasonIn,
    ReportOut,
    RetryIn,
    RetryOut,
    SummaryOut,
)

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/editor", tags=["editor"], responses=ERROR_RESPONSES)
MAX_OFFSET = 1_000_000  # far beyond any queue; larger values overflowed the database integer
SummaryId = Annotated[int, Path(ge=1, le=2**31 - 1)]
NO_STORE = {"Cache-Control": "private, no-store", "Vary": "Cookie"}


def _detail(session: SessionDep, version: SummaryVersion) -> EditorSummaryOut:
    article = version.article
    return EditorSummaryOut(
        summary=SummaryOut.of(version),
        publication=article.publication.slug,
        external_id=article.external_id,
        article_id=article.id,
        title=article.title,
        lead=article.lead,
        body=article.body,
        premium=article.premium,
        article_status=article.status,
        article_error=article.error,
        reports=[
            ReportOut(id=r.id, bullet=r.bullet, message=r.message, created_at=r.created_at)
            for r in summaries.open_reports(session, version.id)
        ],
    )


@router.get("/queue", summary="Summaries to review")
def queue(
    login: EditorLogin,
    session: SessionDep,
    response: Response,
    state: Annotated[
        list[Literal["draft", "published", "rejected", "retracted", "superseded"]] | None,
        Query(),
    ] = None,
    publication: Annotated[str | None, Query(max_length=64)] = None,
    language: Annotated[Literal["de", "fr", "en"] | None, Query()] = None,
    max_age_hours: Annotated[float | None, Query(gt=0, le=24 * 3650)] = None,
    reported: Annotated[bool, Query(description="Only summaries with open error reports")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[QueueItemOut]:
    """Drafts by default; reader-reported summaries first, then newest first."""
    response.headers.update(NO_STORE)
    items = summaries.queue(
        session,
        states=tuple(state or ("draft",)),
        publication=publication,
        language=language,
        max_age=timedelta(hours=max_age_hours) if max_age_hours else None,
        reported_only=reported,
        limit=limit,
        offset=offset,
    )
    return [
        QueueItemOut(
            summary=SummaryOut.of(i.version),
            publication=i.publication.slug,
            external_id=i.article.external_id,
            article_id=i.article.id,
            title=i.article.title,
            premium=i.article.premium,
            open_reports=i.open_reports,
        )
        for i in items
    ]


@router.get("/failures", summary="Articles whose summarization fails")
def failures(
    login: EditorLogin,
    session: SessionDep,
    response: Response,
    publication: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[FailedArticleOut]:
    """Articles with a stored failure reason, most recently failed first."""
    response.headers.update(NO_STORE)
    return [
        FailedArticleOut(
            article_id=a.id,
            publication=p.slug,
            external_id=a.external_id,
            title=a.title,
            status=a.status,
            attempts=a.attempts,
            error=a.error,
            failed_at=a.failed_at,
        )
        for a, p in jobs.failed_articles(session, publication=publication, limit=limit)
    ]


def retry_articles(
    session: SessionDep,
    dispatcher: Dispatcher,
    actor: audit.Actor,
    *,
    article_ids: list[int] | None = None,
    publication: str | None = None,
) -> RetryOut:
    """Send failed articles again with a fresh attempt budget (API and editor page)."""
    pub_id = repo.get_publication(session, publication).id if publication else None
    woken = jobs.retry_failed(session, article_ids=article_ids, publication_id=pub_id, actor=actor)
    session.commit()
    dispatcher.summarize_many(woken)
    log.info("%s retried %d failed articles", actor.name, len(woken))
    return RetryOut(retried=len(woken), article_ids=[i for i, _ in woken])


@router.post("/failures/{article_id}/retry", summary="Retry one failed article")
def retry_one(
    article_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    login: EditorLogin,
    session: SessionDep,
    dispatcher: DispatcherDep,
) -> RetryOut:
    """Once the cause is fixed: the article is summarized again (404 when it has not failed)."""
    result = retry_articles(session, dispatcher, actor_of(login), article_ids=[article_id])
    if not result.retried:
        raise NotFoundError(f"no failed article {article_id}")
    return result


@router.post("/failures/retry", summary="Retry every failed article of a publication")
def retry_publication(
    body: RetryIn, login: EditorLogin, session: SessionDep, dispatcher: DispatcherDep
) -> RetryOut:
    """All failed articles of ``publication`` are summarized again."""
    return retry_articles(session, dispatcher, actor_of(login), publication=body.publication)


@router.get("/summaries/{summary_id}", summary="A summary version with its article")
def get_summary(
    summary_id: SummaryId, login: EditorLogin, session: SessionDep, response: Response
) -> EditorSummaryOut:
    """The version, its article text, faithfulness warnings and open reader reports."""
    response.headers.update(NO_STORE)
    return _detail(session, summaries.get_version(session, summary_id))


@router.get("/summaries/{summary_id}/history", summary="Versions and audit log of the article")
def history(
    summary_id: SummaryId, login: EditorLogin, session: SessionDep, response: Response
) -> list[AuditOut]:
    """Every audit event of the summary's article, oldest first."""
    response.headers.update(NO_STORE)
    version = summaries.get_version(session, summary_id)
    return [
        AuditOut(at=e.at, actor=e.actor, action=e.action, summary_id=e.summary_id, detail=e.detail)
        for e in audit.history(session, version.article_id)
    ]


@router.get("/articles/{article_id}/versions", summary="All versions of an article's summary")
def article_versions(
    article_id: SummaryId, login: EditorLogin, session: SessionDep, response: Response
) -> list[SummaryOut]:
    """Newest first."""
    response.headers.update(NO_STORE)
    article = repo.get_article_by_id(session, article_id)
    return [SummaryOut.of(v) for v in summaries.versions(session, article.id)]


@router.put("/summaries/{summary_id}/bullets", status_code=201, summary="Edit the bullets")
def edit_bullets(
    summary_id: SummaryId, data: BulletsIn, login: EditorLogin, session: SessionDep
) -> EditorSummaryOut:
    """Creates a new draft version, checked by the faithfulness check (warnings in the answer)."""
    new = editorial.edit(session, summary_id, data.bullets, actor_of(login))
    return _detail(session, new)


@router.post("/summaries/{summary_id}/approve", summary="Approve and publish")
def approve(
    summary_id: SummaryId,
    data: ApproveIn,
    login: EditorLogin,
    session: SessionDep,
    dispatcher: DispatcherDep,
) -> EditorSummaryOut:
    """Publishes as reviewed; faithfulness warnings need ``override`` plus a ``reason`` (logged)."""
    version = editorial.approve(
        session, dispatcher, summary_id, actor_of(login), override=data.override, reason=data.reason
    )
    return _detail(session, version)


@router.post("/summaries/{summary_id}/reject", summary="Reject")
def reject(
    summary_id: SummaryId,
    data: ReasonIn,
    login: EditorLogin,
    session: SessionDep,
    dispatcher: DispatcherDep,
) -> EditorSummaryOut:
    """Readers stop seeing this version at once."""
    version = editorial.reject(session, dispatcher, summary_id, actor_of(login), data.reason)
    return _detail(session, version)


@router.post("/summaries/{summary_id}/retract", summary="Retract a published summary")
def retract(
    summary_id: SummaryId,
    data: ReasonIn,
    login: EditorLogin,
    session: SessionDep,
    dispatcher: DispatcherDep,
) -> EditorSummaryOut:
    """Takes the summary down; it stays in the history."""
    version = editorial.retract(session, dispatcher, summary_id, actor_of(login), data.reason)
    return _detail(session, version)


@router.post("/summaries/{summary_id}/regenerate", status_code=202, summary="Regenerate")
def regenerate(
    summary_id: SummaryId, login: EditorLogin, session: SessionDep, dispatcher: DispatcherDep
) -> EditorSummaryOut:
    """Queues a fresh machine summary of the article (a new version when it is done)."""
    return _detail(session, editorial.regenerate(session, dispatcher, summary_id, actor_of(login)))
