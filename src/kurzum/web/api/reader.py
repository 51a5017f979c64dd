"""Reader API: an article's summary under the paywall rule, listings, and "Fehler melden".

A premium summary goes only to an entitled reader; everyone else gets the publication's notice
and no bullet text. Every answer is ``Cache-Control: private, no-store`` with ``Vary`` on the
credentials, so no shared cache can hand one reader's answer to another.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response
from sqlalchemy import Engine

from kurzum.labels import label
from kurzum.storage import articles as repo
from kurzum.storage import reader as reader_store
from kurzum.storage import summaries
from kurzum.storage.db import engine_of
from kurzum.storage.tables import Article, Publication
from kurzum.usecases import reports
from kurzum.web import paywall
from kurzum.web.auth import SESSION_COOKIE, reader_entitled, view_entitled
from kurzum.web.deps import OptionalLogin, SessionDep, run_read
from kurzum.web.errors import ERROR_RESPONSES
from kurzum.web.i18n import preferred_language
from kurzum.web.paragraphs import with_paragraphs
from kurzum.web.schemas import (
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


def notice_for(pub: Publication, article: Article, accept_language: str | None) -> tuple[str, str]:
    """The notice text and its language: reader's language, else the article's, else any."""
    return notice_text(pub.notices, article.language, pub.language, accept_language)


def notice_text(
    notices: dict[str, Any], article_language: str, pub_language: str, accept_language: str | None
) -> tuple[str, str]:
    """:func:`notice_for` on plain values (a publication's notices and the two languages)."""
    texts = {k: str(v) for k, v in notices.items() if v} or DEFAULT_NOTICES
    lang = preferred_language(accept_language, list(texts))
    for candidate in (lang, article_language, pub_language):
        if candidate and candidate in texts:
            return texts[candidate], candidate
    first = sorted(texts)[0]
    return texts[first], first


def set_private(response: Response) -> None:
    """The headers every reader answer carries."""
    response.headers.update(PRIVATE_HEADERS)


@router.get(
    "/publications/{publication}/articles/{external_id}/summary",
    summary="The summary of an article, or the paywall notice",
    response_model=ReaderSummaryOut,
)
async def get_summary(
    publication: Annotated[Slug, Path()],
    external_id: Annotated[ExternalId, Path()],
    request: Request,
) -> Response:
    """Bullets and label when the reader is entitled (free article or subscription).

    The readers' hot path: one query (:func:`kurzum.storage.reader.reader_view`, see
    :func:`kurzum.web.deps.run_read` for where it runs), no ORM session, no second validation."""
    engine = engine_of(request.app.state.session_factory)
    return await run_read(engine, summary_response, engine, publication, external_id, request)


def summary_response(engine: Engine, slug: str, external_id: str, request: Request) -> Response:
    """The JSON answer of :func:`get_summary`, paywall decided on this request's credentials."""
    out = reader_summary(engine, slug, external_id, request)
    return Response(out.model_dump_json(), media_type="application/json", headers=PRIVATE_HEADERS)


def reader_summary(
    engine: Engine, slug: str, external_id: str, request: Request
) -> ReaderSummaryOut:
    """The reader's answer for this request (JSON API, HTML fragment and web component)."""
    with engine.connect() as connection:
        view = reader_store.reader_view(
            connection, slug, external_id, request.cookies.get(SESSION_COOKIE)
        )
        entitled = view_entitled(request, view)
        bullets = None
        if entitled and view.summary is not None:
            bullets = with_paragraphs(connection, view.article.id, view.summary.bullets)
    return summary_out(
        view,
        entitled,
        request.headers.get("accept-language"),
        known=paywall.identified(request, view),
        base_url=str(request.base_url),
        bullets=bullets,
    )


def summary_out(
    view: reader_store.ReaderView,
    entitled: bool,
    accept_language: str | None,
    *,
    known: bool = False,
    base_url: str = "/",
    bullets: list[Any] | None = None,
) -> ReaderSummaryOut:
    """The reader's answer: bullets when ``entitled`` and served, else the notice or nothing.

    A locked answer carries the call to action of :func:`kurzum.web.paywall.locked_offer`
    (``known``: the reader is logged in or sent a valid JWT); ``bullets`` replaces the served
    summary's bullets (the same ones with paragraph numbers)."""
    pub, article, served = view.publication, view.article, view.summary
    fields: dict[str, Any] = {
        "publication": pub.slug,
        "external_id": article.external_id,
        "premium": article.premium,
        "premium_label": (pub.premium_label or None) if article.premium else None,
        "entitled": entitled,
        "status": "unavailable",
        "language": article.language,
    }
    if not entitled:
        notice, language = notice_text(pub.notices, article.language, pub.language, accept_language)
        path = f"/p/{pub.slug}/{quote(article.external_id, safe='')}"
        offer = paywall.locked_offer(pub, known, language, base_url, path)
        fields |= {
            "status": "locked",
            "notice": notice,
            "language": language,
            "locked_reason": offer.reason,
            "login_url": offer.login_url,
            "subscribe_url": offer.subscribe_url,
            "subscribe_text": offer.subscribe_text,
        }
    elif served is not None:
        fields |= {
            "status": "available",
            "summary_id": served.id,
            "label": label(served),
            "reviewed": served.reviewed,
            "bullets": served.bullets if bullets is None else bullets,
            "language": served.language,
        }
    return ReaderSummaryOut.model_validate(fields)


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


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


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
    report = reports.report(
        session,
        summary_id,
        data.bullet,
        data.message,
        login.user.id if login else None,
        entitled=lambda pub: reader_entitled(request, session, login, pub),
        # A client is its account when logged in, else its socket address (never X-Forwarded-For).
        client=f"user:{login.user.id}" if login else f"addr:{_address(request)}",
    )
    return CreatedOut(id=report.id)
