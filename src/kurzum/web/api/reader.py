"""Reader API: an article's summary under the paywall rule, listings, and "Fehler melden".

A premium summary goes only to an entitled reader; everyone else gets the publication's notice
and no bullet text. Every answer is ``Cache-Control: private, no-store`` with ``Vary`` on the
credentials, so no shared cache can hand one reader's answer to another.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from kurzum.errors import NotFoundError
from kurzum.storage import articles as repo
from kurzum.storage import summaries
from kurzum.storage.tables import Article, Publication
from kurzum.web.auth import reader_entitled
from kurzum.web.deps import OptionalLogin, SessionDep
from kurzum.web.errors import ERROR_RESPONSES
from kurzum.web.schemas import (
    BulletOut,
    CreatedOut,
    ErrorReportIn,
    ExternalId,
    ReaderArticleOut,
    ReaderSummaryOut,
    Slug,
)

router = APIRouter(prefix="/api/v1/reader", tags=["reader"], responses=ERROR_RESPONSES)

PRIVATE_HEADERS = {"Cache-Control": "private, no-store", "Vary": "Cookie, Authorization"}
DEFAULT_NOTICES = {
    "de": "Die Zusammenfassung dieses Artikels ist Abonnentinnen und Abonnenten vorbehalten.",
    "fr": "Le résumé de cet article est réservé aux abonnés.",
    "en": "The summary of this article is reserved for subscribers.",
}


def preferred_language(header: str | None, available: list[str]) -> str | None:
    """The best of ``available`` for an Accept-Language header (q-values honoured), else None."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower()[:2]))
    for negative_q, _, code in sorted(ranked):
        if negative_q < 0 and code in available:
            return code
    return None


def notice_for(pub: Publication, article: Article, accept_language: str | None) -> tuple[str, str]:
    """The notice text and its language: reader's language, else the article's, else any."""
    notices = {k: str(v) for k, v in pub.notices.items() if v} or DEFAULT_NOTICES
    lang = preferred_language(accept_language, list(notices))
    for candidate in (lang, article.language, pub.language):
        if candidate and candidate in notices:
            return notices[candidate], candidate
    first = sorted(notices)[0]
    return notices[first], first


def set_private(response: Response) -> None:
    """The headers every reader answer carries."""
    response.headers.update(PRIVATE_HEADERS)


@router.get(
    "/publications/{publication}/articles/{external_id}/summary",
    summary="The summary of an article, or the paywall notice",
)
def get_summary(
    publication: Annotated[Slug, Path()],
    external_id: Annotated[ExternalId, Path()],
    request: Request,
    response: Response,
    session: SessionDep,
    login: OptionalLogin,
) -> ReaderSummaryOut:
    """Bullets and label when the reader is entitled (free article or subscription)."""
    set_private(response)
    pub, article, served = summaries.reader_view(session, publication, external_id)
    entitled = not article.premium or reader_entitled(request, session, login, pub)
    premium_label = (pub.premium_label or None) if article.premium else None
    out = ReaderSummaryOut(
        publication=pub.slug,
        external_id=article.external_id,
        premium=article.premium,
        premium_label=premium_label,
        entitled=entitled,
        status="unavailable",
        language=article.language,
    )
    if not entitled:
        notice, language = notice_for(pub, article, request.headers.get("accept-language"))
        return out.model_copy(update={"status": "locked", "notice": notice, "language": language})
    if served is None:
        return out
    return out.model_copy(
        update={
            "status": "available",
            "summary_id": served.id,
            "label": summaries.label(served),
            "reviewed": served.reviewed,
            "bullets": [BulletOut.model_validate(b) for b in served.bullets],
            "language": served.language,
        }
    )


@router.get("/publications/{publication}/articles", summary="Recent articles (no summary text)")
def list_articles(
    publication: Annotated[Slug, Path()],
    response: Response,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> list[ReaderArticleOut]:
    """Titles, premium flags and whether a summary is available; never bullet text."""
    set_private(response)
    pub = repo.get_publication(session, publication)
    return [
        ReaderArticleOut(
            external_id=a.external_id,
            title=a.title,
            url=a.url,
            premium=a.premium,
            language=a.language,
            published_at=a.published_at,
            has_summary=summaries.served_summary(session, a) is not None,
        )
        for a in repo.list_articles(session, pub, limit=limit, offset=offset)
    ]


@router.post(
    "/summaries/{summary_id}/reports", status_code=201, summary="Report an error in a bullet"
)
def report_error(
    summary_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    data: ErrorReportIn,
    request: Request,
    response: Response,
    session: SessionDep,
    login: OptionalLogin,
) -> CreatedOut:
    """File a "Fehler melden" for the editors; only on a summary this reader may see."""
    set_private(response)
    version = summaries.get_version(session, summary_id)
    article = version.article
    served = summaries.served_summary(session, article)
    visible = served is not None and served.id == version.id
    if visible and article.premium:
        visible = reader_entitled(request, session, login, article.publication)
    if not visible:
        raise NotFoundError(f"no summary {summary_id}")
    report = summaries.report_error(
        session, version, data.bullet, data.message, login.user.id if login else None
    )
    session.commit()
    return CreatedOut(id=report.id)
