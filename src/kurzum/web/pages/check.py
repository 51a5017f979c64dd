"""The review page's live check: faithfulness warnings for bullets while an editor types.

A small JSON endpoint (called by ``fetch`` in kurzum.js, CSRF in the ``X-CSRF-Token`` header)
runs the same check as a saved edit, :func:`kurzum.pipeline.check_summary`; nothing is stored.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import BaseModel, Field

from kurzum.models import Bullet, FaithfulnessReport, Summary
from kurzum.pipeline import check_summary, stored_to_core
from kurzum.storage import summaries
from kurzum.storage.codec import bullets_from_json
from kurzum.storage.tables import SummaryVersion
from kurzum.web.deps import EditorLogin
from kurzum.web.pages.base import Page, PageDep
from kurzum.web.pages.templating import NO_STORE

__all__ = ["check_router", "issue_text"]

check_router = APIRouter(prefix="/editor", include_in_schema=False)
SummaryId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def issue_text(page: Page, issue: dict[str, Any]) -> str:
    """A warning as the page shows it: "Nicht im Artikel belegt (Zahl): «42»"."""
    _ = page.gettext
    kind = _(f"editor.kind.{issue.get('kind', 'name')}")
    return _("editor.review.warning", kind=kind, text=str(issue.get("text", "")))


class CheckIn(BaseModel):
    """Bullets being typed on the review page."""

    model_config = {"extra": "forbid"}
    bullets: Annotated[list[Annotated[str, Field(max_length=1000)]], Field(max_length=10)]


class CheckIssue(BaseModel):
    """One unsupported span, with the message the page shows."""

    bullet: int
    kind: str
    text: str
    message: str


class CheckOut(BaseModel):
    """The live check's answer."""

    ok: bool
    issues: list[CheckIssue]
    ok_text: str


def check_texts(
    texts: list[str], previous: tuple[Bullet, ...], page: Page, version: SummaryVersion
) -> CheckOut:
    """Run the faithfulness check on the non-empty bullets; issue indexes refer to ``texts``."""
    kept = [i for i, t in enumerate(texts) if t.strip()]
    report = FaithfulnessReport()
    if kept:
        # The check reads only the texts; provenance is linked when the edit is saved.
        bullets = tuple(Bullet(" ".join(texts[i].split())) for i in kept)
        article = stored_to_core(version.article)
        summary = Summary(bullets, article.language or "de", method="editor")
        report = check_summary(summary, article)
    issues = [
        CheckIssue(
            bullet=kept[issue.bullet],
            kind=issue.kind,
            text=issue.text,
            message=issue_text(page, {"kind": issue.kind, "text": issue.text}),
        )
        for issue in report.issues
    ]
    return CheckOut(ok=not issues, issues=issues, ok_text=page.gettext("editor.review.check_ok"))


@check_router.post("/summaries/{summary_id}/check", name="page_editor_check")
def check(
    summary_id: SummaryId, data: CheckIn, page: PageDep, login: EditorLogin, response: Response
) -> CheckOut:
    """Faithfulness warnings for bullets being edited (nothing is stored)."""
    response.headers.update(NO_STORE)
    version = summaries.get_version(page.session, summary_id)
    return check_texts(data.bullets, bullets_from_json(version.bullets), page, version)
