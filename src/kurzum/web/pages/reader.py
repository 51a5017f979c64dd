"""Reader pages: recent articles, the article page with its "Auf einen Blick" box, "Fehler melden".

The paywall decision is the service's own (:func:`kurzum.web.auth.view_entitled` on the same
one-query reader view the reader API uses). A reader who is not entitled to a premium article
gets a page built without the summary (it is dropped right at the decision): the notice instead
of bullets and the paywall instead of the body (extractive bullets are article sentences, so the
body would give them away).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Query
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from kurzum.errors import InputError, NotFoundError, ThrottledError
from kurzum.labels import label
from kurzum.models import Language, parse_language
from kurzum.pipeline import stored_to_core
from kurzum.storage import articles as repo
from kurzum.storage import reader as reader_store
from kurzum.storage.reader import ReaderPublication, ReaderView, ServedSummary
from kurzum.storage.tables import Article, Publication, SummaryVersion
from kurzum.usecases import reports
from kurzum.web import paywall
from kurzum.web.api import reader as reader_api
from kurzum.web.auth import SESSION_COOKIE, reader_entitled, view_entitled
from kurzum.web.deps import run_read
from kurzum.web.i18n import catalogue
from kurzum.web.pages.base import Page, PageDep, PageRoute, redirect
from kurzum.web.pages.jsonld import ArticleFacts, news_article
from kurzum.web.pages.provenance import Segment, SourceSpan, segment_blocks, source_anchor
from kurzum.web.pages.templating import format_date, page_language
from kurzum.web.paywall import LockedOffer
from kurzum.web.schemas import ErrorReportIn, ExternalId, Slug

router = APIRouter(route_class=PageRoute, include_in_schema=False)
INDEX_SIZE = 30


@dataclass(frozen=True, slots=True)
class Teaser:
    """One article in an index."""

    title: str
    lead: str | None
    url: str
    premium: bool
    premium_label: str
    publication_name: str
    published: datetime | None
    published_text: str


@dataclass(frozen=True, slots=True)
class BulletView:
    """One bullet as the box shows it (1-based ``number``)."""

    number: int
    text: str
    has_source: bool
    anchor: str


@dataclass(frozen=True, slots=True)
class Box:
    """The "Auf einen Blick" box: ``kind`` is bullets, notice, pending or none."""

    kind: str
    bullets: tuple[BulletView, ...] = ()
    label: str | None = None
    reviewed: bool = False
    notice: str | None = None
    summary_id: int | None = None
    report_url: str | None = None
    offer: LockedOffer | None = None


def article_url(pub: Publication | ReaderPublication, article: Article) -> str:
    """Path of an article page."""
    return f"/p/{pub.slug}/{quote(article.external_id, safe='')}"


def premium_label(pub: Publication | ReaderPublication) -> str:
    """The publication's premium label ("Blick+"), "Premium" when none is set."""
    return pub.premium_label or "Premium"


def teaser(pub: Publication, article: Article, language: Language) -> Teaser:
    """An index entry: public fields only."""
    return Teaser(
        title=article.title or article.external_id,
        lead=article.lead,
        url=article_url(pub, article),
        premium=article.premium,
        premium_label=premium_label(pub),
        publication_name=pub.name,
        published=article.published_at,
        published_text=format_date(article.published_at, language),
    )


def source_spans(version: SummaryVersion | ServedSummary) -> list[SourceSpan]:
    """Every provenance span of a version's bullets."""
    return [
        SourceSpan(number, int(src["start"]), int(src["end"]))
        for number, bullet in enumerate(version.bullets)
        for src in bullet.get("sources", [])
    ]


def split_lead(article: Article, blocks: list[list[Segment]]) -> tuple[Any, list[list[Segment]]]:
    """(lead segments or None, body segments): the lead is the first block when present."""
    if article.lead:
        return blocks[0], blocks[1:]
    return None, blocks


@router.get("/", name="page_index")
def index(page: PageDep) -> Response:
    """The newest articles of all publications."""
    language = page_language(page.request)
    pubs = repo.list_publications(page.session)
    teasers = [
        teaser(pub, article, language)
        for pub in pubs
        for article in repo.list_articles(page.session, pub, limit=INDEX_SIZE)
    ]
    teasers.sort(key=lambda t: t.published.timestamp() if t.published else 0.0, reverse=True)
    return page.render(
        "reader/index.html",
        {"publication": None, "publications": _pub_links(pubs), "teasers": teasers[:INDEX_SIZE]},
    )


def _pub_links(pubs: list[Publication]) -> list[dict[str, str]]:
    return [{"name": p.name, "slug": p.slug, "url": f"/p/{p.slug}"} for p in pubs]


@router.get("/p/{publication}", name="page_publication")
def publication_index(publication: Annotated[Slug, Path()], page: PageDep) -> Response:
    """The newest articles of one publication, premium ones with its badge."""
    language = page_language(page.request)
    pub = repo.get_publication(page.session, publication)
    articles = repo.list_articles(page.session, pub, limit=INDEX_SIZE)
    return page.render(
        "reader/index.html",
        {
            "publication": {"name": pub.name, "slug": pub.slug},
            "publications": _pub_links(repo.list_publications(page.session)),
            "teasers": [teaser(pub, a, language) for a in articles],
        },
    )


def _box(
    page: PageDep, view: ReaderView, article: Article, entitled: bool
) -> tuple[Box, ServedSummary | None]:
    """The summary box; a reader who is not entitled gets the notice and the summary is dropped."""
    pub = view.publication
    if not entitled:
        # The box speaks the article's language, whatever the reader chose for the site.
        notice, language = reader_api.notice_text(
            pub.notices, article.language, pub.language, article.language
        )
        known = paywall.identified(page.request, view)
        offer = paywall.locked_offer(pub, known, language, "", article_url(pub, article))
        return Box("notice", notice=notice, offer=offer), None
    served = view.summary
    if served is None:
        return Box("pending" if article.status in ("pending", "failed") else "none"), None
    bullets = tuple(
        BulletView(
            number=i + 1,
            text=str(b["text"]),
            has_source=bool(b.get("sources")),
            anchor=source_anchor(i),
        )
        for i, b in enumerate(served.bullets)
    )
    box = Box(
        "bullets",
        bullets=bullets,
        label=label(served),
        reviewed=served.reviewed,
        summary_id=served.id,
        report_url=f"{article_url(pub, article)}/report",
    )
    return box, served


def _article_and_box(
    page: PageDep, publication: str, external_id: str
) -> tuple[ReaderPublication, Article, bool, Box, ServedSummary | None]:
    """The database part of the article page: the reader view (one query, as for the reader
    API), the paywall decision on it, and the article's text."""
    token = page.request.cookies.get(SESSION_COOKIE)
    view = reader_store.reader_view(page.session.connection(), publication, external_id, token)
    entitled = view_entitled(page.request, view)
    article = page.session.get(Article, view.article.id)
    if article is None:  # deleted in between: the same answer as before the first query
        raise NotFoundError(f"no article {external_id!r} in {publication!r}")
    box, served = _box(page, view, article, entitled)
    return view.publication, article, entitled, box, served


@router.get("/p/{publication}/{external_id}", name="page_article")
async def article_page(
    publication: Annotated[Slug, Path()],
    external_id: Annotated[ExternalId, Path()],
    page: PageDep,
    reported: Annotated[int, Query(ge=0, le=10)] = 0,
    throttled: Annotated[bool, Query()] = False,
) -> Response:
    """The article with its summary box, under the paywall rule.

    Async with its reads in one :func:`kurzum.web.deps.run_read` call: no thread hop on SQLite,
    one on PostgreSQL; rendering needs no database."""
    language = page_language(page.request)
    pub, article, entitled, box, served = await run_read(
        page.session.get_bind(), _article_and_box, page, publication, external_id
    )
    lead_segments: Any = [Segment(article.lead)] if article.lead else None
    body_segments: list[list[Segment]] | None = None
    if entitled:
        core = stored_to_core(article)
        spans = source_spans(served) if served is not None else []
        lead_segments, body_segments = split_lead(article, segment_blocks(core.blocks, spans))
    url = str(page.request.url.replace(query=None, fragment=None))
    facts = ArticleFacts(
        headline=article.title or article.external_id,
        description=article.lead,
        url=article.url or url,
        language=article.language,
        premium=article.premium,
        publisher=pub.name,
        published=article.published_at,
        modified=article.updated_at,
    )
    path = article_url(pub, article)
    context = {
        "article": {
            "title": article.title or article.external_id,
            "lead": article.lead,
            "language": article.language,
            "premium": article.premium,
            "premium_label": premium_label(pub),
            "publication_name": pub.name,
            "publication_url": f"/p/{pub.slug}",
            "published": article.published_at,
            "published_text": format_date(article.published_at, language),
            "canonical": article.url or url,
        },
        "box": box,
        "lead_segments": lead_segments,
        "body_segments": body_segments,
        "jsonld": news_article(facts),
        "login_url": f"/account/login?next={quote(path, safe='/')}",
        "reported": reported,
        "throttled": throttled,
        # The box and its chrome speak the article's language; the page's own navigation
        # follows the reader's choice.
        "box_": catalogue(parse_language(article.language) or "de").gettext,
        "box_lang": article.language,
    }
    return page.render("reader/article.html", context)


@router.post("/p/{publication}/{external_id}/report", name="page_report_error")
async def report_error(
    publication: Annotated[Slug, Path()],
    external_id: Annotated[ExternalId, Path()],
    summary_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    bullet: Annotated[int, Form()],
    page: PageDep,
    message: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """File a "Fehler melden" with the reader API's checks, then back to the article.

    Async only to read the form for the CSRF check; the database work runs in the thread pool."""
    await page.check_anonymous_form()
    try:
        data = ErrorReportIn(bullet=bullet, message=message)
    except ValidationError as exc:
        raise InputError("bullet or message is invalid") from exc
    url, throttled = await run_in_threadpool(
        _file_report, page, publication, external_id, summary_id, data
    )
    # Back to the bullet the reader reported, where the confirmation shows.
    number = data.bullet + 1
    flag = "&throttled=1" if throttled else ""
    return redirect(f"{url}?reported={number}{flag}#kz-bullet-{number}")


def _file_report(
    page: Page, publication: str, external_id: str, summary_id: int, data: ErrorReportIn
) -> tuple[str, bool]:
    """File the report (:func:`kurzum.usecases.reports.report`): the article page's path and
    whether the report was throttled (per client and per summary)."""
    login = page.login
    client = f"user:{login.user.id}" if login else f"addr:{_address(page)}"
    throttled = False
    try:
        reports.report(
            page.session,
            summary_id,
            data.bullet,
            data.message,
            login.user.id if login else None,
            entitled=lambda pub: reader_entitled(page.request, page.session, login, pub),
            client=client,
        )
    except ThrottledError:
        page.session.rollback()
        throttled = True
    pub = repo.get_publication(page.session, publication)
    return article_url(pub, repo.get_article(page.session, pub, external_id)), throttled


def _address(page: Page) -> str:
    return page.request.client.host if page.request.client else "unknown"
