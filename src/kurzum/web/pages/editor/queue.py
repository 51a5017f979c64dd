"""The review queue: its filters, which versions it lists and in what order, and its page.

The filters travel as query parameters through the review page and every decision, so an
editor who approves one item lands on the next item of the same filtered queue
(:func:`neighbours`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from kurzum.storage import articles as repo
from kurzum.storage import summaries
from kurzum.storage.tables import SummaryVersion
from kurzum.web.deps import EditorLogin
from kurzum.web.i18n import catalogue
from kurzum.web.pages.base import Page, PageDep, PageRoute
from kurzum.web.pages.reader import article_url
from kurzum.web.pages.templating import format_datetime, page_language

router = APIRouter(prefix="/editor", route_class=PageRoute, include_in_schema=False)

STATES = ("draft", "published", "rejected", "retracted", "superseded")
StateFilter = Literal["", "draft", "published", "rejected", "retracted", "superseded"]
AGES = {"1d": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30)}
QUEUE_FETCH = 200  # rows read before the "to review" filter; enough for a newsroom's day
PREVIEW_CHARS = 160  # of each bullet in a queue row


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

    def link(self, path: str, **params: str | int) -> str:
        """``path`` with the filters, then ``params``, as its query (none: no ``?``).

        The one way the desk builds its links, so no step loses the editor's filters."""
        query = "&".join(q for q in (self.query, urlencode(params)) if q)
        return f"{path}?{query}" if query else path


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


def warning_count(version: SummaryVersion) -> int:
    """How many faithfulness warnings a version carries."""
    return len(version.faithfulness.get("issues", []))


def _needs_review(version: SummaryVersion, reports: int) -> bool:
    """Drafts, unreviewed published summaries, and anything readers reported."""
    return (
        reports > 0
        or version.state == "draft"
        or (version.state == "published" and not version.reviewed)
    )


def approvable(version: SummaryVersion) -> bool:
    """Whether the desk offers "approve" (queue checkbox, review button); storage decides."""
    live = version.article.deleted_at is None and not version.stale and bool(version.bullets)
    return live and (
        version.state == "draft" or (version.state == "published" and not version.reviewed)
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
        key=lambda i: (bool(warning_count(i.version) or i.open_reports), i.version.created_at),
        reverse=True,
    )
    return kept


def neighbours(
    page: Page, version: SummaryVersion, filters: QueueFilters
) -> tuple[int | None, int | None]:
    """(previous, next) version ids of the queue around ``version`` (auto-advance)."""
    ids = [i.version.id for i in queue_items(page, filters)]
    if version.id not in ids:
        return None, ids[0] if ids else None
    at = ids.index(version.id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


def _row(page: Page, item: summaries.QueueItem, filters: QueueFilters) -> dict[str, Any]:
    version = item.version
    lang = page_language(page.request)
    warnings = warning_count(version)
    return {
        "id": version.id,
        "review_url": filters.link(f"/editor/summaries/{version.id}"),
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
        "bulk": warnings == 0 and bool(version.bullets) and approvable(version),
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


def publication_options(page: Page) -> list[dict[str, str]]:
    """Every publication as a filter option (queue and failures pages)."""
    return [{"slug": p.slug, "name": p.name} for p in repo.list_publications(page.session)]


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
        "publications": publication_options(page),
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
