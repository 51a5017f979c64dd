"""The editor's form actions on a version: save (and approve), approve, bulk approve, reject,
retract, restore and regenerate.

Every action goes through the same use cases as the editor API
(:mod:`kurzum.usecases.editorial`), so the audit log and the rules are the same, and answers
with a redirect (post/redirect/get): to the next item of the filtered queue after a decision
(auto-advance), else back to the review page with ``done`` or ``refused``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form
from fastapi.responses import Response

from kurzum.errors import ConflictError, InputError
from kurzum.storage import summaries
from kurzum.storage.tables import SummaryVersion
from kurzum.usecases import editorial
from kurzum.web.deps import DispatcherDep, EditorLogin, actor_of
from kurzum.web.pages.base import Page, PageDep, PageRoute, redirect
from kurzum.web.pages.editor.queue import (
    QUEUE_FETCH,
    FiltersDep,
    QueueFilters,
    neighbours,
    warning_count,
)
from kurzum.web.pages.editor.review import SummaryId

router = APIRouter(prefix="/editor", route_class=PageRoute, include_in_schema=False)


def _after_decision(
    page: Page, version: SummaryVersion, filters: QueueFilters, done: str
) -> Response:
    """Auto-advance: the next item of the queue opens; the queue when none is left."""
    _, following = neighbours(page, version, filters)
    if following is None:
        return redirect(filters.link("/editor", done=done))
    return redirect(filters.link(f"/editor/summaries/{following}", done=done, of=version.id))


def _back(version_id: int, filters: QueueFilters, done: str) -> Response:
    """Back to the review page of ``version_id``, saying what was done."""
    return redirect(filters.link(f"/editor/summaries/{version_id}", done=done))


def _refused(version_id: int, filters: QueueFilters, code: str, **params: int) -> Response:
    """Back to the review page of ``version_id``, saying why the action was refused."""
    return redirect(filters.link(f"/editor/summaries/{version_id}", refused=code, **params))


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
        current = {"current": exc.current_id} if exc.current_id else {}
        return _refused(summary_id, filters, "not_current", **current)
    return _back(new.id, filters, "saved")


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
                    "warnings": warning_count(v),
                }
                for v in chosen
            ],
            "bulk_url": filters.link("/editor/bulk-approve"),
            "queue_url": filters.link("/editor"),
        }
        return page.render("editor/bulk_confirm.html", context)
    done, skipped = editorial.approve_many(
        page.session, dispatcher, [v.id for v in chosen], actor_of(login)
    )
    return redirect(filters.link("/editor", approved=len(done), skipped=len(skipped)))


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
    return _back(version.id, filters, "retract")


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
    return _back(version.id, filters, "restore")


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
    return _back(version.id, filters, "regenerate")
