"""The one glue between ingestion, the summarizer, the faithfulness check and storage.

The web service, the in-process worker and the Celery workers all summarize through
:func:`make_summary`, so switching the backend (issue 7) is a one-line change here.
"""

from __future__ import annotations

from typing import Protocol

from kurzum.core import SummaryOptions, summarize
from kurzum.core.calibration import Calibration
from kurzum.errors import EmptyInputError, InputError
from kurzum.faithfulness import check
from kurzum.ingest.cleaning import nfc
from kurzum.models import (
    Article,
    ArticleText,
    Bullet,
    FaithfulnessReport,
    Language,
    Summary,
    content_hash,
    parse_language,
)
from kurzum.settings import Settings

__all__ = [
    "ArticleText",
    "StoredArticle",
    "check_summary",
    "content_hash",
    "editor_bullets",
    "make_summary",
    "prepare_text",
    "split_paragraphs",
    "stored_to_core",
    "summary_options",
    "text_from_html",
    "text_from_plain",
    "to_article",
]


class StoredArticle(Protocol):
    """The stored article fields the core needs: an ORM ``Article`` or a row of one."""

    @property
    def title(self) -> str | None: ...
    @property
    def lead(self) -> str | None: ...
    @property
    def body(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def premium(self) -> bool: ...
    @property
    def external_id(self) -> str: ...


def split_paragraphs(body: str) -> tuple[str, ...]:
    """Paragraphs of a plain-text body: blank-line separated, whitespace-trimmed, none empty."""
    parts = [" ".join(p.split()) for p in body.replace("\r\n", "\n").split("\n\n")]
    return tuple(p for p in parts if p)


def text_from_html(html: str, *, language: Language | None) -> ArticleText:
    """Convert an HTML body through the ingestion layer (boilerplate and notices removed)."""
    from kurzum.ingest import load_article  # lazily: trafilatura loads only for HTML input

    article = load_article(html, media_type="text/html", language=language)
    if not article.paragraphs:
        raise EmptyInputError("the HTML holds no article text")
    return ArticleText(article.title, article.lead, article.paragraphs)


def text_from_plain(title: str | None, lead: str | None, body: str) -> ArticleText:
    """Normalize a plain-text article; raise EmptyInputError when the body is empty."""
    paragraphs = split_paragraphs(nfc(body))
    if not paragraphs:
        raise EmptyInputError("the article body is empty")
    clean_lead = " ".join(nfc(lead).split()) if lead else None
    clean_title = " ".join(nfc(title).split()) if title else None
    return ArticleText(clean_title or None, clean_lead or None, paragraphs)


def prepare_text(
    *, title: str | None, lead: str | None, body: str | None, html: str | None, language: Language
) -> ArticleText:
    """A publisher's article as stored text: HTML through ingestion, plain text normalized.

    An explicit title or lead wins over what the HTML holds.
    """
    if html is not None:
        parsed = text_from_html(html, language=language)
        return ArticleText(
            " ".join(nfc(title).split()) if title else parsed.title,
            " ".join(nfc(lead).split()) if lead else parsed.lead,
            parsed.paragraphs,
        )
    return text_from_plain(title, lead, body or "")


def to_article(
    text: ArticleText, *, language: Language, premium: bool = False, ident: str | None = None
) -> Article:
    """The core's Article for a stored article."""
    return Article(
        title=text.title,
        lead=text.lead,
        paragraphs=text.paragraphs,
        language=language,
        premium=premium,
        id=ident,
    )


def stored_to_core(article: StoredArticle) -> Article:
    """The core's Article for a stored article (workers summarize it, editors' edits are
    checked against it, the article page highlights provenance in it)."""
    language = parse_language(article.language)
    if language is None:
        raise InputError(f"stored article has unsupported language {article.language!r}")
    text = ArticleText(article.title, article.lead, split_paragraphs(article.body))
    return to_article(
        text,
        language=language,
        premium=article.premium,
        ident=article.external_id,
    )


def summary_options(calibration: Calibration | None) -> SummaryOptions:
    """The options a publication's stored articles are summarized with: its own calibration
    (``kurzum calibrate``), or the packaged default when it has none."""
    return SummaryOptions(calibration=calibration)


def make_summary(
    article: Article, settings: Settings, options: SummaryOptions | None = None
) -> Summary:
    """Summarize with the configured backend (``summary_backend``; extractive by default).

    ``options``: from :func:`summary_options` for a stored article (default options if None).
    The LLM backends never raise for model failures: they fall back to the extractive summary
    with ``Summary.fell_back`` set and an "llm fallback: …" note saying why.
    """
    options = options or SummaryOptions()
    if settings.summary_backend == "extractive":
        return summarize(article, options)
    from kurzum.backends import shared_backend  # lazily: the LLM client and httpx

    return shared_backend(settings).summarize(article, options)


def check_summary(summary: Summary, article: Article) -> FaithfulnessReport:
    """The faithfulness check used for machine summaries and editors' edits alike."""
    return check(summary, article)


def editor_bullets(
    texts: list[str], previous: tuple[Bullet, ...], article: Article
) -> tuple[Bullet, ...]:
    """Bullets an editor typed, with provenance: an unchanged bullet keeps its sources (where
    ever it moved); a changed or new one is linked afresh to the article sentence(s) it
    matches (:func:`kurzum.backends.provenance.link`), and one matching nothing has none."""
    kept = {b.text: b.sources for b in previous}
    out: list[Bullet] = []
    for i, raw in enumerate(texts):
        text = " ".join(nfc(raw).split())
        if not text:
            raise InputError(f"bullet {i + 1} is empty")
        out.append(Bullet(text, kept.get(text, ())))
    fresh = [i for i, b in enumerate(out) if b.text not in kept]
    if fresh:
        from kurzum.backends import provenance  # lazily: the backends package loads the LLM client

        links = provenance.link([out[i].text for i in fresh], article, article.language or "de")
        for i, sources in zip(fresh, links, strict=True):
            out[i] = Bullet(out[i].text, sources)
    return tuple(out)
