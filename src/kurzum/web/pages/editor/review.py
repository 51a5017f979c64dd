"""The review page of one version: the article with highlighted sources, editable bullets,
the decisions the version allows, open reader reports and the article's history.

Every decision redirects back here (or to the next item) with ``done``/``refused`` in the query;
this page turns them into the flash message, so a reload repeats nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from kurzum import notes
from kurzum.labels import label
from kurzum.pipeline import stored_to_core
from kurzum.storage import summaries
from kurzum.storage.tables import SummaryVersion, User
from kurzum.web.deps import EditorLogin
from kurzum.web.pages.base import Page, PageDep, PageRoute
from kurzum.web.pages.check import issue_text
from kurzum.web.pages.diff import diff_bullets
from kurzum.web.pages.editor.queue import FiltersDep, QueueFilters, approvable, neighbours
from kurzum.web.pages.history import history_entries
from kurzum.web.pages.provenance import segment_blocks
from kurzum.web.pages.reader import article_url, source_spans, split_lead
from kurzum.web.pages.templating import format_datetime, page_language

router = APIRouter(prefix="/editor", route_class=PageRoute, include_in_schema=False)

SummaryId = Annotated[int, Path(ge=1, le=2**31 - 1)]
WANTED_BULLETS = 3  # fields offered when a summary has fewer bullets ("needs a summary")


def note_text(page: Page, note: str) -> str:
    """A stored note in the UI language (:mod:`kurzum.notes` gives its code)."""
    parsed = notes.parse(str(note))
    return page.gettext(f"editor.note.{parsed.code}", **parsed.params)


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
    previous, following = neighbours(page, version, filters)
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
            name: filters.link(f"{base}/{name}")
            for name in ("save", "check", "approve", "reject", "regenerate", "retract", "restore")
        },
        "queue_url": filters.link("/editor"),
        "prev_url": filters.link(f"/editor/summaries/{previous}") if previous else None,
        "next_url": filters.link(f"/editor/summaries/{following}") if following else None,
        "compare": compare,
        "needs_summary": not version.bullets,
        "current_url": current_url,
        "can": {
            "restore": version.reviewed
            and version.state in ("superseded", "retracted")
            and not version.stale
            and version.article_hash == article.content_hash
            and article.deleted_at is None,
            "approve": approvable(version),
            "reject": approvable(version) or version.state == "published",
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
    current_url = filters.link(f"/editor/summaries/{current}") if current else None
    return _review(page, version, filters, flash, kind, current_url)
