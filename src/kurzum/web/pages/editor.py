"""Editor pages: the review queue, the review page and its form actions.

Every action goes through the same repository functions as the editor API (edit, approve with
override, reject, regenerate, retract), so the audit log and the rules are the same. The live
check while typing is in :mod:`kurzum.web.pages.check`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query
from fastapi.responses import Response

from kurzum import notes
from kurzum.errors import ConflictError, InputError
from kurzum.labels import label
from kurzum.pipeline import stored_to_core
from kurzum.storage import articles as repo
from kurzum.storage import jobs, summaries
from kurzum.storage.tables import SummaryVersion, User
from kurzum.usecases import editorial
from kurzum.web.api.editor import retry_articles
from kurzum.web.deps import DispatcherDep, EditorLogin, actor_of
from kurzum.web.i18n import catalogue
from kurzum.web.pages.base import Page, PageDep, PageRoute, redirect
from kurzum.web.pages.check import issue_text
from kurzum.web.pages.diff import diff_bullets
from kurzum.web.pages.history import history_entries
from kurzum.web.pages.provenance import segment_blocks
from kurzum.web.pages.reader import article_url, source_spans, split_lead
from kurzum.web.pages.templating import format_datetime, page_language

router = APIRouter(prefix="/editor", route_class=PageRoute, include_in_schema=False)

SummaryId = Annotated[int, Path(ge=1, le=2**31 - 1)]
STATES = ("draft", "published", "rejected", "retracted", "superseded")
StateFilter = Literal["", "draft", "published", "rejected", "retracted", "superseded"]
AGES = {"1d": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30)}
QUEUE_FETCH = 200  # rows read before the "to review" filter; enough for a newsroom's day
PREVIEW_CHARS = 160  # of each bullet in a queue row
WANTED_BULLETS = 3  # fields offered when a summary has fewer bullets ("needs a summary")


@dataclass(frozen=True, slots=True)
class QueueFilters:
    """The queue's filters, as query parameters (kept through review and decisions)."""

    state: str = ""
    publication: str = ""
    language: str = ""
    age: str = ""
    reported: bool = False
    failed: bool = False
    held: bool = False

    @property
    def query(self) -> str:
        """The filters as a query string (empty values left out)."""
        pairs = {
            "state": self.state,
            "publication": self.publication,
            "language": self.language,
            "age": self.age,
            "reported": "1" if self.reported else "",
            "failed": "1" if self.failed else "",
            "held": "1" if self.held else "",
        }
        return urlencode({k: v for k, v in pairs.items() if v})


def queue_filters(
    state: Annotated[StateFilter, Query()] = "",
    publication: Annotated[str, Query(max_length=64)] = "",
    language: Annotated[Literal["", "de", "fr", "en"], Query()] = "",
    age: Annotated[Literal["", "1d", "7d", "30d"], Query()] = "",
    reported: Annotated[bool, Query()] = False,
    failed: Annotated[bool, Query()] = False,
    held: Annotated[bool, Query()] = False,
) -> QueueFilters:
    """The filters of a queue (or review) request."""
    return QueueFilters(state, publication, language, age, reported, failed, held)


FiltersDep = Annotated[QueueFilters, Depends(queue_filters)]


def _warnings(version: SummaryVersion) -> int:
    return len(version.faithfulness.get("issues", []))


def _needs_review(version: SummaryVersion, reports: int) -> bool:
    """Drafts, unreviewed published summaries, and anything readers reported."""
    return (
        reports > 0
        or version.state == "draft"
        or (version.state == "published" and not version.reviewed)
    )


def _preview(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= PREVIEW_CHARS else line[: PREVIEW_CHARS - 1].rstrip() + "…"


def queue_items(page: Page, filters: QueueFilters) -> list[summaries.QueueItem]:
    """The versions the queue shows for ``filters``: problems first, then newest first."""
    common: dict[str, Any] = {
        "publication": filters.publication or None,
        "language": filters.language or None,
        "max_age": AGES.get(filters.age),
        "limit": QUEUE_FETCH,
    }
    if filters.reported:
        items = summaries.queue(page.session, reported_only=True, **common)
    elif filters.held:
        items = summaries.queue(page.session, states=("draft",), **common)
    else:
        states = (filters.state,) if filters.state else ("draft", "published")
        items = summaries.queue(page.session, states=states, **common)
        if not filters.state:
            items += summaries.queue(page.session, reported_only=True, **common)
    seen: set[int] = set()
    kept: list[summaries.QueueItem] = []
    for item in items:
        version = item.version
        if version.id in seen:
            continue
        if not filters.state and not _needs_review(version, item.open_reports):
            continue
        seen.add(version.id)
        kept.append(item)
    kept.sort(
        key=lambda i: (bool(_warnings(i.version) or i.open_reports), i.version.created_at),
        reverse=True,
    )
    return kept


def _row(page: Page, item: summaries.QueueItem, filters: QueueFilters) -> dict[str, Any]:
    version = item.version
    lang = page_language(page.request)
    suffix = f"?{filters.query}" if filters.query else ""
    warnings = _warnings(version)
    return {
        "id": version.id,
        "review_url": f"/editor/summaries/{version.id}{suffix}",
        "title": item.article.title or item.article.external_id,
        "language": version.language,
        "version": version.version,
        "state": version.state,
        "reviewed": version.reviewed,
        "bullets": [_preview(str(b["text"])) for b in version.bullets],
        "needs_summary": not version.bullets,
        "warnings": warnings,
        "reports": item.open_reports,
        "stale": version.stale,
        "publication": item.publication.name,
        "created": version.created_at,
        "created_text": format_datetime(version.created_at, lang, item.publication.time_zone),
        "bulk": warnings == 0 and bool(version.bullets) and _approvable(version),
    }


def _failed_rows(page: Page, filters: QueueFilters) -> list[dict[str, Any]]:
    """Articles whose summary could not be made (the "failed" filter)."""
    lang = page_language(page.request)
    rows = []
    for article in repo.failed_articles(
        page.session,
        publication=filters.publication or None,
        language=filters.language or None,
        max_age=AGES.get(filters.age),
        limit=QUEUE_FETCH,
    ):
        pub = article.publication
        rows.append(
            {
                "title": article.title or article.external_id,
                "language": article.language,
                "error": article.error or "",
                "publication": pub.name,
                "reader_url": article_url(pub, article),
                "created": article.modified_at,
                "created_text": format_datetime(article.modified_at, lang, pub.time_zone),
            }
        )
    return rows


def _approvable(version: SummaryVersion) -> bool:
    live = version.article.deleted_at is None and not version.stale and bool(version.bullets)
    return live and (
        version.state == "draft" or (version.state == "published" and not version.reviewed)
    )


@router.get("", name="page_editor_queue")
def queue(page: PageDep, login: EditorLogin, filters: FiltersDep) -> Response:
    """Summaries to review with their bullets and flags; failed articles on request."""
    rows = [] if filters.failed else [_row(page, i, filters) for i in queue_items(page, filters)]
    context = {
        "rows": rows,
        "failed_rows": _failed_rows(page, filters) if filters.failed else [],
        "filters": filters,
        "filter_query": filters.query,
        "state_options": STATES,
        "age_options": tuple(AGES),
        "publications": [
            {"slug": p.slug, "name": p.name} for p in repo.list_publications(page.session)
        ],
        "bulk_url": "/editor/bulk-approve",
        "flash": _bulk_flash(page),
    }
    return page.render("editor/queue.html", context)


def _bulk_flash(page: Page) -> str | None:
    params = page.request.query_params
    if "approved" not in params:
        return None
    try:
        approved, skipped = int(params.get("approved", 0)), int(params.get("skipped", 0))
    except ValueError:
        return None
    _n = catalogue(page_language(page.request)).ngettext
    text = _n("editor.bulk.approved", approved)
    if skipped:
        text += " " + _n("editor.bulk.skipped", skipped)
    return text


def note_text(page: Page, note: str) -> str:
    """A stored note in the UI language (:mod:`kurzum.notes` gives its code)."""
    parsed = notes.parse(str(note))
    return page.gettext(f"editor.note.{parsed.code}", **parsed.params)


def _neighbours(
    page: Page, version: SummaryVersion, filters: QueueFilters
) -> tuple[int | None, int | None]:
    """(previous, next) version ids of the queue around ``version`` (auto-advance)."""
    ids = [i.version.id for i in queue_items(page, filters)]
    if version.id not in ids:
        return None, ids[0] if ids else None
    at = ids.index(version.id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


def _review(
    page: Page,
    version: SummaryVersion,
    filters: QueueFilters,
    flash: str | None = None,
    flash_kind: str = "ok",
    current_url: str | None = None,
) -> Response:
    """The review page of one version."""
    _ = page.gettext
    lang = page_language(page.request)
    article = version.article
    zone = article.publication.time_zone
    core = stored_to_core(article)
    issues = list(version.faithfulness.get("issues", []))
    bullets = [
        {
            "number": i + 1,
            "text": str(b["text"]),
            "warnings": [issue_text(page, x) for x in issues if x.get("bullet") == i],
            "has_source": bool(b.get("sources")),
        }
        for i, b in enumerate(version.bullets)
    ]
    # Too few bullets ("needs a summary"): empty fields to write the rest from scratch.
    for number in range(len(bullets) + 1, WANTED_BULLETS + 1):
        bullets.append({"number": number, "text": "", "warnings": [], "has_source": True})
    served = summaries.served_summary(page.session, article)
    compare = None
    if served is not None and served.id != version.id and version.state == "draft":
        compare = {
            "version": served.version,
            "reviewed": served.reviewed,
            "url": f"/editor/summaries/{served.id}",
            "served": served.bullet_texts,
            "diffs": diff_bullets(served.bullet_texts, version.bullet_texts),
        }
    lead_segments, body_segments = split_lead(
        article, segment_blocks(core.blocks, source_spans(version))
    )
    reviewed_by = _reviewer_name(page, version) if version.reviewed_at is not None else None
    base = f"/editor/summaries/{version.id}"
    previous, following = _neighbours(page, version, filters)
    suffix = f"?{filters.query}" if filters.query else ""
    queue_url = f"/editor{suffix}"
    context = {
        "summary": {
            "id": version.id,
            "version": version.version,
            "state": version.state,
            "method": version.method,
            "model": version.model,
            "notes": [note_text(page, n) for n in version.notes or []],
            "label": label(version) if version.state == "published" else None,
            "reviewed": version.reviewed,
            "reviewer": reviewed_by,
            "reviewed_text": format_datetime(version.reviewed_at, lang, zone),
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
            name: f"{base}/{name}{suffix}"
            for name in ("save", "check", "approve", "reject", "regenerate", "retract", "restore")
        },
        "queue_url": queue_url,
        "prev_url": f"/editor/summaries/{previous}{suffix}" if previous else None,
        "next_url": f"/editor/summaries/{following}{suffix}" if following else None,
        "compare": compare,
        "needs_summary": not version.bullets,
        "current_url": current_url,
        "can": {
            "restore": version.reviewed
            and version.state in ("superseded", "retracted")
            and not version.stale
            and version.article_hash == article.content_hash
            and article.deleted_at is None,
            "approve": _approvable(version),
            "reject": _approvable(version) or version.state == "published",
            "retract": version.state == "published",
            "regenerate": article.deleted_at is None,
        },
        "reports": [
            {
                "number": r.bullet + 1,
                "message": r.message,
                "created": r.created_at,
                "created_text": format_datetime(r.created_at, lang, zone),
            }
            for r in summaries.open_reports(page.session, version.id)
        ],
        "history": history_entries(page.session, article.id, _, lang, zone),
        "flash": flash,
        "flash_kind": flash_kind,
    }
    return page.render("editor/review.html", context)


def _reviewer_name(page: Page, version: SummaryVersion) -> str:
    user = page.session.get(User, version.reviewer_id) if version.reviewer_id else None
    return user.email if user is not None else page.gettext("editor.review.system")


DONE = {
    "saved": "editor.review.saved",
    "approve": "editor.done.approve",
    "reject": "editor.done.reject",
    "retract": "editor.done.retract",
    "restore": "editor.done.restore",
    "regenerate": "editor.review.regenerating",
}
REFUSED = (
    "needs_override",
    "needs_reason",
    "changed",
    "deleted",
    "state",
    "retract_reason",
    "not_current",
    "restore",
    "empty",
)


@router.get("/summaries/{summary_id}", name="page_editor_review")
def review(
    summary_id: SummaryId,
    page: PageDep,
    login: EditorLogin,
    filters: FiltersDep,
    done: Annotated[str, Query(max_length=20)] = "",
    of: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    refused: Annotated[str, Query(max_length=20)] = "",
    current: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> Response:
    """Article with highlighted sources, editable bullets, decisions, reports and history.

    ``done`` (with ``of``, the version decided on) and ``refused`` are the outcome of the
    decision that redirected here: every decision is post/redirect/get, so a reload repeats
    nothing."""
    version = summaries.get_version(page.session, summary_id)
    flash, kind = None, "ok"
    if done in DONE:
        text = page.gettext(DONE[done])
        flash = (
            text
            if done in ("saved", "regenerate")
            else page.gettext("editor.review.done", action=text)
        )
        if of and of != summary_id:
            decided = page.session.get(SummaryVersion, of)
            if decided is not None:
                title = decided.article.title or decided.article.external_id
                flash = page.gettext("editor.review.done_on", action=text, title=title)
    elif refused in REFUSED:
        flash, kind = page.gettext(f"editor.refused.{refused}"), "error"
    suffix = f"?{filters.query}" if filters.query else ""
    current_url = f"/editor/summaries/{current}{suffix}" if current else None
    return _review(page, version, filters, flash, kind, current_url)


def _after_decision(
    page: Page, version: SummaryVersion, filters: QueueFilters, done: str
) -> Response:
    """Auto-advance: the next item of the queue opens; the queue when none is left."""
    _, following = _neighbours(page, version, filters)
    query = filters.query
    joiner = f"{query}&" if query else ""
    if following is None:
        return redirect(f"/editor?{joiner}done={done}")
    return redirect(f"/editor/summaries/{following}?{joiner}done={done}&of={version.id}")


def _refused(version_id: int, filters: QueueFilters, code: str) -> Response:
    query = f"{filters.query}&" if filters.query else ""
    return redirect(f"/editor/summaries/{version_id}?{query}refused={code}")


@router.post("/summaries/{summary_id}/save", name="page_editor_save")
def save(
    summary_id: SummaryId,
    page: PageDep,
    login: EditorLogin,
    dispatcher: DispatcherDep,
    filters: FiltersDep,
    bullet: Annotated[list[str], Form(max_length=10)],
    then: Annotated[Literal["", "approve"], Form()] = "",
) -> Response:
    """The edited bullets become a new draft version (checked).

    With ``then=approve`` ("save and approve", Ctrl+Enter) a version without warnings is
    approved at once and the next item opens: one request for an edited item. A version with
    warnings opens with them instead (never approved unseen)."""
    texts = [t for t in bullet if t.strip()]
    actor = actor_of(login)
    try:
        if then == "approve":
            new, approved = editorial.edit_and_approve(
                page.session, dispatcher, summary_id, texts, actor
            )
            if approved:
                return _after_decision(page, new, filters, "approve")
        else:
            new = editorial.edit(page.session, summary_id, texts, actor)
    except summaries.NotCurrentError as exc:
        page.session.rollback()
        query = f"{filters.query}&" if filters.query else ""
        current = f"&current={exc.current_id}" if exc.current_id else ""
        return redirect(f"/editor/summaries/{summary_id}?{query}refused=not_current{current}")
    query = f"{filters.query}&" if filters.query else ""
    return redirect(f"/editor/summaries/{new.id}?{query}done=saved")


def _refusal_code(version: SummaryVersion, override: bool, reason: str) -> str:
    """Why an approval was refused, as a catalogue code (the rules stay in storage)."""
    if version.article.deleted_at is not None:
        return "deleted"
    if version.stale or version.article_hash != version.article.content_hash:
        return "changed"
    if version.state not in ("draft", "published"):
        return "state"
    if not version.bullets:
        return "empty"
    return "needs_reason" if override and not reason.strip() else "needs_override"


@router.post("/summaries/{summary_id}/approve", name="page_editor_approve")
def approve(
    summary_id: SummaryId,
    page: PageDep,
    login: EditorLogin,
    dispatcher: DispatcherDep,
    filters: FiltersDep,
    override: Annotated[bool, Form()] = False,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Publish as reviewed; warnings need the override box and a reason (logged).

    A refused approval redirects too (with the reason), so a reload never re-submits."""
    version = summaries.get_version(page.session, summary_id)
    try:
        version = editorial.approve(
            page.session,
            dispatcher,
            summary_id,
            actor_of(login),
            override=override,
            reason=reason or None,
        )
    except (ConflictError, InputError):
        page.session.rollback()
        version = summaries.get_version(page.session, summary_id)
        return _refused(version.id, filters, _refusal_code(version, override, reason))
    return _after_decision(page, version, filters, "approve")


@router.post("/bulk-approve", name="page_editor_bulk_approve")
def bulk_approve(
    page: PageDep,
    login: EditorLogin,
    dispatcher: DispatcherDep,
    filters: FiltersDep,
    ids: Annotated[list[int] | None, Form(max_length=QUEUE_FETCH)] = None,
    confirm: Annotated[bool, Form()] = False,
) -> Response:
    """Approve the selected summaries that have no warnings, after one confirmation.

    Without ``confirm`` the page asks once (the script asks in a dialog and sends it along);
    each approval is its own audit entry. Summaries with warnings are skipped, never
    overridden in bulk."""
    versions = [page.session.get(SummaryVersion, i) for i in dict.fromkeys(ids or [])]
    chosen = [v for v in versions if v is not None]
    if not confirm:
        context = {
            "items": [
                {
                    "id": v.id,
                    "title": v.article.title or v.article.external_id,
                    "warnings": _warnings(v),
                }
                for v in chosen
            ],
            "bulk_url": "/editor/bulk-approve" + (f"?{filters.query}" if filters.query else ""),
            "queue_url": "/editor" + (f"?{filters.query}" if filters.query else ""),
        }
        return page.render("editor/bulk_confirm.html", context)
    done, skipped = editorial.approve_many(
        page.session, dispatcher, [v.id for v in chosen], actor_of(login)
    )
    query = f"{filters.query}&" if filters.query else ""
    return redirect(f"/editor?{query}approved={len(done)}&skipped={len(skipped)}")


@router.post("/summaries/{summary_id}/reject", name="page_editor_reject")
def reject(
    summary_id: SummaryId,
    page: PageDep,
    login: EditorLogin,
    dispatcher: DispatcherDep,
    filters: FiltersDep,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Readers stop seeing this version at once; the next item opens."""
    try:
        version = editorial.reject(page.session, dispatcher, summary_id, actor_of(login), reason)
    except ConflictError:
        page.session.rollback()
        return _refused(summary_id, filters, "state")
    return _after_decision(page, version, filters, "reject")


@router.post("/summaries/{summary_id}/retract", name="page_editor_retract")
def retract(
    summary_id: SummaryId,
    page: PageDep,
    login: EditorLogin,
    dispatcher: DispatcherDep,
    filters: FiltersDep,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Take a published summary down; it stays in the history."""
    try:
        version = editorial.retract(page.session, dispatcher, summary_id, actor_of(login), reason)
    except InputError:
        page.session.rollback()
        return _refused(summary_id, filters, "retract_reason")
    except ConflictError:
        page.session.rollback()
        return _refused(summary_id, filters, "state")
    query = f"{filters.query}&" if filters.query else ""
    return redirect(f"/editor/summaries/{version.id}?{query}done=retract")


@router.post("/summaries/{summary_id}/restore", name="page_editor_restore")
def restore(
    summary_id: SummaryId,
    page: PageDep,
    login: EditorLogin,
    dispatcher: DispatcherDep,
    filters: FiltersDep,
) -> Response:
    """Publish an earlier approved version again, in one step."""
    try:
        version = editorial.restore(page.session, dispatcher, summary_id, actor_of(login))
    except ConflictError:
        page.session.rollback()
        return _refused(summary_id, filters, "restore")
    query = f"{filters.query}&" if filters.query else ""
    return redirect(f"/editor/summaries/{version.id}?{query}done=restore")


@router.post("/summaries/{summary_id}/regenerate", name="page_editor_regenerate")
def regenerate(
    summary_id: SummaryId,
    page: PageDep,
    login: EditorLogin,
    dispatcher: DispatcherDep,
    filters: FiltersDep,
) -> Response:
    """Queue a fresh machine summary of the article."""
    version = editorial.regenerate(page.session, dispatcher, summary_id, actor_of(login))
    query = f"{filters.query}&" if filters.query else ""
    return redirect(f"/editor/summaries/{version.id}?{query}done=regenerate")


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
            "failed_text": format_datetime(article.failed_at, lang, pub.time_zone),
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
