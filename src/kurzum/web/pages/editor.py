"""Editor pages: the review queue, the review page and its form actions.

Every action goes through the same repository functions as the editor API (edit, approve with
override, reject, regenerate, retract), so the audit log and the rules are the same. The live
check while typing is in :mod:`kurzum.web.pages.check`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Path, Query
from fastapi.responses import Response

from kurzum.errors import ConflictError, InputError
from kurzum.labels import label
from kurzum.pipeline import stored_to_core
from kurzum.storage import articles as repo
from kurzum.storage import jobs, summaries
from kurzum.storage.tables import SummaryVersion, User
from kurzum.usecases import editorial
from kurzum.web.api.editor import retry_articles
from kurzum.web.deps import DispatcherDep, EditorLogin, actor_of
from kurzum.web.pages.base import Page, PageDep, PageRoute, redirect
from kurzum.web.pages.check import issue_text
from kurzum.web.pages.history import history_entries
from kurzum.web.pages.provenance import segment_blocks
from kurzum.web.pages.reader import article_url, source_spans, split_lead
from kurzum.web.pages.templating import format_date, page_language

router = APIRouter(prefix="/editor", route_class=PageRoute, include_in_schema=False)

SummaryId = Annotated[int, Path(ge=1, le=2**31 - 1)]
STATES = ("draft", "published", "rejected", "retracted", "superseded")
StateFilter = Literal["", "draft", "published", "rejected", "retracted", "superseded"]
AGES = {"1d": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30)}
QUEUE_FETCH = 200  # rows read before the "to review" filter; enough for a newsroom's day


def _warnings(version: SummaryVersion) -> int:
    return len(version.faithfulness.get("issues", []))


def _needs_review(version: SummaryVersion, reports: int) -> bool:
    """Drafts, unreviewed published summaries, and anything readers reported."""
    return (
        reports > 0
        or version.state == "draft"
        or (version.state == "published" and not version.reviewed)
    )


@router.get("", name="page_editor_queue")
def queue(
    page: PageDep,
    login: EditorLogin,
    state: Annotated[StateFilter, Query()] = "",
    publication: Annotated[str, Query(max_length=64)] = "",
    language: Annotated[Literal["", "de", "fr", "en"], Query()] = "",
    age: Annotated[Literal["", "1d", "7d", "30d"], Query()] = "",
) -> Response:
    """Summaries to review: problems (warnings, reader reports) first, then newest first."""
    lang = page_language(page.request)
    items = summaries.queue(
        page.session,
        states=(state,) if state else ("draft", "published"),
        publication=publication or None,
        language=language or None,
        max_age=AGES.get(age),
        limit=QUEUE_FETCH,
    )
    if not state:
        items += summaries.queue(
            page.session,
            reported_only=True,
            publication=publication or None,
            language=language or None,
            max_age=AGES.get(age),
            limit=QUEUE_FETCH,
        )
    seen: set[int] = set()
    rows: list[dict[str, Any]] = []
    for item in items:
        version = item.version
        if version.id in seen or (not state and not _needs_review(version, item.open_reports)):
            continue
        seen.add(version.id)
        rows.append(
            {
                "review_url": f"/editor/summaries/{version.id}",
                "title": item.article.title or item.article.external_id,
                "language": version.language,
                "version": version.version,
                "state": version.state,
                "warnings": _warnings(version),
                "reports": item.open_reports,
                "stale": version.stale,
                "publication": item.publication.name,
                "created": version.created_at,
                "created_text": format_date(version.created_at, lang),
                "_problem": bool(_warnings(version) or item.open_reports),
            }
        )
    rows.sort(key=lambda r: (r["_problem"], r["created"]), reverse=True)
    context = {
        "rows": rows,
        "filters": {"state": state, "publication": publication, "language": language, "age": age},
        "state_options": STATES,
        "age_options": tuple(AGES),
        "publications": [
            {"slug": p.slug, "name": p.name} for p in repo.list_publications(page.session)
        ],
    }
    return page.render("editor/queue.html", context)


def _review(
    page: Page, version: SummaryVersion, flash: str | None = None, status_code: int = 200
) -> Response:
    """The review page of one version."""
    _ = page.gettext
    lang = page_language(page.request)
    article = version.article
    core = stored_to_core(article)
    issues = list(version.faithfulness.get("issues", []))
    bullets = [
        {
            "number": i + 1,
            "text": str(b["text"]),
            "warnings": [issue_text(page, x) for x in issues if x.get("bullet") == i],
        }
        for i, b in enumerate(version.bullets)
    ]
    lead_segments, body_segments = split_lead(
        article, segment_blocks(core.blocks, source_spans(version))
    )
    live = article.deleted_at is None and not version.stale
    reviewed_by = _reviewer_name(page, version) if version.reviewed_at is not None else None
    base = f"/editor/summaries/{version.id}"
    context = {
        "summary": {
            "id": version.id,
            "version": version.version,
            "state": version.state,
            "method": version.method,
            "model": version.model,
            "notes": list(version.notes or []),
            "label": label(version) if version.state == "published" else None,
            "reviewed": version.reviewed,
            "reviewer": reviewed_by,
            "reviewed_text": format_date(version.reviewed_at, lang),
        },
        "article": {
            "title": article.title or article.external_id,
            "language": article.language,
            "reader_url": article_url(article.publication, article),
        },
        "lead_segments": lead_segments,
        "body_segments": body_segments,
        "bullets": bullets,
        "has_warnings": bool(issues),
        "checked": True,
        "urls": {
            name: f"{base}/{name}"
            for name in ("save", "check", "approve", "reject", "regenerate", "retract")
        },
        "can": {
            "approve": live
            and (
                version.state == "draft" or (version.state == "published" and not version.reviewed)
            ),
            "reject": live and version.state in ("draft", "published"),
            "retract": version.state == "published",
            "regenerate": article.deleted_at is None,
        },
        "reports": [
            {
                "number": r.bullet + 1,
                "message": r.message,
                "created": r.created_at,
                "created_text": format_date(r.created_at, lang),
            }
            for r in summaries.open_reports(page.session, version.id)
        ],
        "history": history_entries(page.session, article.id, _, lang),
        "flash": flash,
        "flash_kind": "error" if status_code >= 400 else "ok",
    }
    return page.render("editor/review.html", context, status_code=status_code)


def _reviewer_name(page: Page, version: SummaryVersion) -> str:
    user = page.session.get(User, version.reviewer_id) if version.reviewer_id else None
    return user.email if user is not None else page.gettext("editor.review.system")


DONE = {
    "saved": "editor.review.saved",
    "approve": "audit.summary.approved",
    "reject": "audit.summary.rejected",
    "retract": "audit.summary.retracted",
    "regenerate": "editor.review.regenerating",
}


@router.get("/summaries/{summary_id}", name="page_editor_review")
def review(
    summary_id: SummaryId,
    page: PageDep,
    login: EditorLogin,
    done: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """Article with highlighted sources, editable bullets, decisions, reports and history."""
    version = summaries.get_version(page.session, summary_id)
    flash = None
    if done in DONE:
        text = page.gettext(DONE[done])
        flash = (
            text
            if done in ("saved", "regenerate")
            else page.gettext("editor.review.done", action=text)
        )
    return _review(page, version, flash)


@router.post("/summaries/{summary_id}/save", name="page_editor_save")
def save(
    summary_id: SummaryId,
    page: PageDep,
    login: EditorLogin,
    bullet: Annotated[list[str], Form(max_length=10)],
) -> Response:
    """The edited bullets become a new draft version (checked); show it with its warnings."""
    texts = [t for t in bullet if t.strip()]
    new = editorial.edit(page.session, summary_id, texts, actor_of(login))
    return redirect(f"/editor/summaries/{new.id}?done=saved")


@router.post("/summaries/{summary_id}/approve", name="page_editor_approve")
def approve(
    summary_id: SummaryId,
    page: PageDep,
    login: EditorLogin,
    dispatcher: DispatcherDep,
    override: Annotated[bool, Form()] = False,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Publish as reviewed; warnings need the override box and a reason (logged)."""
    try:
        version = editorial.approve(
            page.session,
            dispatcher,
            summary_id,
            actor_of(login),
            override=override,
            reason=reason or None,
        )
    except (ConflictError, InputError) as exc:
        page.session.rollback()
        version = summaries.get_version(page.session, summary_id)
        return _review(page, version, page.gettext("error.conflict", detail=str(exc)), 409)
    return redirect(f"/editor/summaries/{version.id}?done=approve")


@router.post("/summaries/{summary_id}/reject", name="page_editor_reject")
def reject(
    summary_id: SummaryId,
    page: PageDep,
    login: EditorLogin,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Readers stop seeing this version at once."""
    version = editorial.reject(page.session, summary_id, actor_of(login), reason)
    return redirect(f"/editor/summaries/{version.id}?done=reject")


@router.post("/summaries/{summary_id}/retract", name="page_editor_retract")
def retract(
    summary_id: SummaryId,
    page: PageDep,
    login: EditorLogin,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Take a published summary down; it stays in the history."""
    version = editorial.retract(page.session, summary_id, actor_of(login), reason)
    return redirect(f"/editor/summaries/{version.id}?done=retract")


@router.post("/summaries/{summary_id}/regenerate", name="page_editor_regenerate")
def regenerate(
    summary_id: SummaryId, page: PageDep, login: EditorLogin, dispatcher: DispatcherDep
) -> Response:
    """Queue a fresh machine summary of the article."""
    version = editorial.regenerate(page.session, dispatcher, summary_id, actor_of(login))
    return redirect(f"/editor/summaries/{version.id}?done=regenerate")


@router.get("/failures", name="page_editor_failures")
def failures(
    page: PageDep,
    login: EditorLogin,
    done: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Response:
    """Articles whose summarization failed, most recent first, each with a retry button."""
    lang = page_language(page.request)
    rows = [
        {
            "title": article.title or article.external_id,
            "publication": pub.name,
            "error": article.error,
            "attempts": article.attempts,
            "status": article.status,
            "failed_at": article.failed_at,
            "failed_text": format_date(article.failed_at, lang) if article.failed_at else "",
            "retry_url": f"/editor/failures/{article.id}/retry",
        }
        for article, pub in jobs.failed_articles(page.session, limit=200)
    ]
    context = {
        "rows": rows,
        "done": done,
        "publications": [
            {"slug": p.slug, "name": p.name} for p in repo.list_publications(page.session)
        ],
    }
    return page.render("editor/failures.html", context)


@router.post("/failures/{article_id}/retry", name="page_editor_retry")
def retry(
    article_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    page: PageDep,
    login: EditorLogin,
    dispatcher: DispatcherDep,
) -> Response:
    """Send one failed article again."""
    result = retry_articles(page.session, dispatcher, actor_of(login), article_ids=[article_id])
    return redirect(f"/editor/failures?done={result.retried}")


@router.post("/failures/retry", name="page_editor_retry_publication")
def retry_publication(
    page: PageDep,
    login: EditorLogin,
    dispatcher: DispatcherDep,
    publication: Annotated[str, Form(min_length=1, max_length=64)],
) -> Response:
    """Send every failed article of a publication again."""
    result = retry_articles(page.session, dispatcher, actor_of(login), publication=publication)
    return redirect(f"/editor/failures?done={result.retried}")
