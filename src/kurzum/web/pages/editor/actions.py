"""The editor's form actions on a version: save (and approve), approve, bulk approve, reject,
retract, restore and regenerate.

Every action goes through the same use cases as the editor API
(:mod:`kurzum.usecases.editorial`), so the audit log and the rules are the same, and answers
with a redirect (post/redirect/get): to the next item of the filtered queue after a decision
(auto-advance), else back to the review page with ``done`` or ``refused``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from sqlalchemy.orm import Session

from kurzum.errors import ConflictError, InputError
from kurzum.storage import summaries
from kurzum.storage.audit import Actor
from kurzum.storage.tables import SummaryVersion
from kurzum.usecases import editorial
from kurzum.usecases.dispatch import Dispatcher
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

Reason = Annotated[str, Form(max_length=2000)]


@dataclass(frozen=True, slots=True)
class Desk:
    """What every action needs (the page, who acts, the dispatcher, the queue's filters) and
    the three ways it answers."""

    page: Page
    actor: Actor
    dispatcher: Dispatcher
    filters: QueueFilters

    @property
    def session(self) -> Session:
        """The request's database session."""
        return self.page.session

    def back(self, version_id: int, done: str) -> Response:
        """Back to the review page of ``version_id``, saying what was done."""
        return redirect(self.filters.link(f"/editor/summaries/{version_id}", done=done))

    def refused(self, version_id: int, code: str, **params: int) -> Response:
        """Back to the review page of ``version_id``, saying why the action was refused."""
        link = self.filters.link(f"/editor/summaries/{version_id}", refused=code, **params)
        return redirect(link)

    def advance(self, version: SummaryVersion, done: str) -> Response:
        """Auto-advance after a decision: the next item of the queue opens; the queue when
        none is left."""
        _, following = neighbours(self.page, version, self.filters)
        if following is None:
            return redirect(self.filters.link("/editor", done=done))
        link = self.filters.link(f"/editor/summaries/{following}", done=done, of=version.id)
        return redirect(link)


async def editor_desk(
    page: PageDep, login: EditorLogin, dispatcher: DispatcherDep, filters: FiltersDep
) -> Desk:
    """The :class:`Desk` of an editor's request (no I/O: it only gathers what is resolved)."""
    return Desk(page, actor_of(login), dispatcher, filters)


DeskDep = Annotated[Desk, Depends(editor_desk)]


@router.post("/summaries/{summary_id}/save", name="page_editor_save")
def save(
    summary_id: SummaryId,
    desk: DeskDep,
    bullet: Annotated[list[str], Form(max_length=10)],
    then: Annotated[Literal["", "approve"], Form()] = "",
) -> Response:
    """The edited bullets become a new draft version (checked).

    With ``then=approve`` ("save and approve", Ctrl+Enter) a version without warnings is
    approved at once and the next item opens: one request for an edited item. A version with
    warnings opens with them instead (never approved unseen)."""
    texts = [t for t in bullet if t.strip()]
    try:
        if then == "approve":
            new, approved = editorial.edit_and_approve(
                desk.session, desk.dispatcher, summary_id, texts, desk.actor
            )
            if approved:
                return desk.advance(new, "approve")
        else:
            new = editorial.edit(desk.session, summary_id, texts, desk.actor)
    except summaries.NotCurrentError as exc:
        desk.session.rollback()
        current = {"current": exc.current_id} if exc.current_id else {}
        return desk.refused(summary_id, "not_current", **current)
    return desk.back(new.id, "saved")


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
    desk: DeskDep,
    override: Annotated[bool, Form()] = False,
    reason: Reason = "",
) -> Response:
    """Publish as reviewed; warnings need the override box and a reason (logged).

    A refused approval redirects too (with the reason), so a reload never re-submits."""
    version = summaries.get_version(desk.session, summary_id)
    try:
        version = editorial.approve(
            desk.session,
            desk.dispatcher,
            summary_id,
            desk.actor,
            override=override,
            reason=reason or None,
        )
    except (ConflictError, InputError):
        desk.session.rollback()
        version = summaries.get_version(desk.session, summary_id)
        return desk.refused(version.id, _refusal_code(version, override, reason))
    return desk.advance(version, "approve")


@router.post("/bulk-approve", name="page_editor_bulk_approve")
def bulk_approve(
    desk: DeskDep,
    ids: Annotated[list[int] | None, Form(max_length=QUEUE_FETCH)] = None,
    confirm: Annotated[bool, Form()] = False,
) -> Response:
    """Approve the selected summaries that have no warnings, after one confirmation.

    Without ``confirm`` the page asks once (the script asks in a dialog and sends it along);
    each approval is its own audit entry. Summaries with warnings are skipped, never
    overridden in bulk."""
    versions = [desk.session.get(SummaryVersion, i) for i in dict.fromkeys(ids or [])]
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
            "bulk_url": desk.filters.link("/editor/bulk-approve"),
            "queue_url": desk.filters.link("/editor"),
        }
        return desk.page.render("editor/bulk_confirm.html", context)
    done, skipped = editorial.approve_many(
        desk.session, desk.dispatcher, [v.id for v in chosen], desk.actor
    )
    return redirect(desk.filters.link("/editor", approved=len(done), skipped=len(skipped)))


@router.post("/summaries/{summary_id}/reject", name="page_editor_reject")
def reject(summary_id: SummaryId, desk: DeskDep, reason: Reason = "") -> Response:
    """Readers stop seeing this version at once; the next item opens."""
    try:
        version = editorial.reject(desk.session, desk.dispatcher, summary_id, desk.actor, reason)
    except ConflictError:
        desk.session.rollback()
        return desk.refused(summary_id, "state")
    return desk.advance(version, "reject")


@router.post("/summaries/{summary_id}/retract", name="page_editor_retract")
def retract(summary_id: SummaryId, desk: DeskDep, reason: Reason = "") -> Response:
    """Take a published summary down; it stays in the history."""
    try:
        version = editorial.retract(desk.session, desk.dispatcher, summary_id, desk.actor, reason)
    except InputError:
        desk.session.rollback()
        return desk.refused(summary_id, "retract_reason")
    except ConflictError:
        desk.session.rollback()
        return desk.refused(summary_id, "state")
    return desk.back(version.id, "retract")


@router.post("/summaries/{summary_id}/restore", name="page_editor_restore")
def restore(summary_id: SummaryId, desk: DeskDep) -> Response:
    """Publish an earlier approved version again, in one step."""
    try:
        version = editorial.restore(desk.session, desk.dispatcher, summary_id, desk.actor)
    except ConflictError:
        desk.session.rollback()
        return desk.refused(summary_id, "restore")
    return desk.back(version.id, "restore")


@router.post("/summaries/{summary_id}/regenerate", name="page_editor_regenerate")
def regenerate(summary_id: SummaryId, desk: DeskDep) -> Response:
    """Queue a fresh machine summary of the article."""
    version = editorial.regenerate(desk.session, desk.dispatcher, summary_id, desk.actor)
    return desk.back(version.id, "regenerate")
