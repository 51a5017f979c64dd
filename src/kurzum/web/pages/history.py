"""The review page's history: audit events in words, with word diffs of edited bullets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from kurzum.models import Language
from kurzum.storage import audit, summaries
from kurzum.web.pages.diff import diff_bullets
from kurzum.web.pages.templating import format_datetime

__all__ = ["history_entries", "who"]


def who(actor: str, gettext: Callable[..., str]) -> str:
    """A readable actor: the email of ``user:…``, "System" for the worker and the system."""
    kind, _, name = actor.partition(":")
    if kind == "user" and name:
        return name
    if kind in ("worker", "system"):
        return gettext("editor.review.system")
    return actor


def history_entries(
    session: Session,
    article_id: int,
    gettext: Callable[..., str],
    language: Language,
    time_zone: str | None = None,
) -> list[dict[str, Any]]:
    """Audit events of an article, newest first, as the template shows them."""
    numbers = {v.id: v.version for v in summaries.versions(session, article_id)}
    entries: list[dict[str, Any]] = []
    for event in audit.history(session, article_id):
        detail = event.detail or {}
        number = numbers.get(event.summary_id or 0, "?")
        key = f"audit.{event.action}"
        params: dict[str, Any] = {"number": number}
        if event.action == "report.filed":
            params["number"] = int(detail.get("bullet", 0)) + 1
        if event.action in ("summary.override", "summary.retracted", "summary.rejected"):
            params["reason"] = str(detail.get("reason") or "–")
        if event.action == "summary.held":
            code = str(detail.get("reason") or "other")
            known = gettext(f"held.{code}")
            params["reason"] = known if known != f"held.{code}" else gettext("held.other")
        text = gettext(key, **params)
        if text == key:
            text = gettext("audit.other", action=event.action)
        diffs = None
        if event.action == "summary.edited":
            before = [str(t) for t in detail.get("before", [])]
            after = [str(t) for t in detail.get("after", [])]
            diffs = [d for d in diff_bullets(before, after) if d.changed]
        entries.append(
            {
                "who": who(event.actor, gettext),
                "action": text,
                "at": event.at,
                "at_text": format_datetime(event.at, language, time_zone),
                "diffs": diffs,
            }
        )
    entries.reverse()
    return entries
