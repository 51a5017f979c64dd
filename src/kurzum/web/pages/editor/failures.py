"""Articles whose summarization failed (most recent first) and their retry, one or a
publication's all, through the same function as the editor API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query
from fastapi.responses import Response

from kurzum.storage import jobs
from kurzum.web.api.editor import retry_articles
from kurzum.web.deps import DispatcherDep, EditorLogin, actor_of
from kurzum.web.pages.base import PageDep, PageRoute, redirect
from kurzum.web.pages.editor.queue import publication_options
from kurzum.web.pages.templating import format_datetime, page_language

router = APIRouter(prefix="/editor", route_class=PageRoute, include_in_schema=False)


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
        "publications": publication_options(page),
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
