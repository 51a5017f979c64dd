"""The one glue between ingestion, the summarizer, the faithfulness check and storage.

The web service, the in-process worker and the Celery workers all summarize through
:func:`make_summary`, so switching the backend (issue 7) is a one-line change here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from kurzum.core import SummaryOptions, summarize
from kurzum.errors import EmptyInputError, InputError
from kurzum.faithfulness import check
from kurzum.models import (
    PARAGRAPH_SEPARATOR,
    Article,
    Bullet,
    FaithfulnessReport,
    Language,
    Source,
    Summary,
)
from kurzum.settings import Settings


@dataclass(frozen=True, slots=True)
class ArticleText:
    """Title, lead and body paragraphs as stored for an article (HTML already converted)."""

    title: str | None
    lead: str | None
    paragraphs: tuple[str, ...]

    @property
    def body(self) -> str:
        """The body as stored: paragraphs joined by blank lines."""
        return PARAGRAPH_SEPARATOR.join(self.paragraphs)


def split_paragraphs(body: str) -> tuple[str, ...]:
    """Paragraphs of a plain-text body: blank-line separated, whitespace-trimmed, none empty."""
    parts = [" ".join(p.split()) for p in body.replace("\r\n", "\n").split("\n\n")]
    return tuple(p for p in parts if p)


def text_from_html(html: str, *, language: Language | None) -> ArticleText:
    """Convert an HTML body through the ingestion layer (boilerplate and notices removed)."""
    from kurzum.ingest import load_article

    article = load_article(html, media_type="text/html", language=language)
    if not article.paragraphs:
        raise EmptyInputError("the HTML holds no article text")
    return ArticleText(article.title, article.lead, article.paragraphs)


def text_from_plain(title: str | None, lead: str | None, body: str) -> ArticleText:
    """Normalize a plain-text article; raise EmptyInputError when the body is empty."""
    paragraphs = split_paragraphs(body)
    if not paragraphs:
        raise EmptyInputError("the article body is empty")
    clean_lead = " ".join(lead.split()) if lead else None
    clean_title = " ".join(title.split()) if title else None
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
            " ".join(title.split()) if title else parsed.title,
            " ".join(lead.split()) if lead else parsed.lead,
            parsed.paragraphs,
        )
    return text_from_plain(title, lead, body or "")


def content_hash(text: ArticleText, language: str) -> str:
    """SHA-256 of what the summary depends on: a changed hash makes the summary stale."""
    digest = hashlib.sha256()
    for part in (language, text.title or "", text.lead or "", *text.paragraphs):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


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


def make_summary(article: Article, settings: Settings | None = None) -> Summary:
    """Summarize with the configured backend (``summary_backend``; extractive by default).

    The LLM backends never raise for model failures: they fall back to the extractive summary
    with an "llm fallback: …" note (``kurzum.backends.needs_review``).
    """
    if settings is None or settings.summary_backend == "extractive":
        return summarize(article, SummaryOptions())
    from kurzum.backends import shared_backend

    return shared_backend(settings).summarize(article, SummaryOptions())


def check_summary(summary: Summary, article: Article) -> FaithfulnessReport:
    """The faithfulness check used for machine summaries and editors' edits alike."""
    return check(summary, article)


def bullets_to_json(bullets: tuple[Bullet, ...]) -> list[dict[str, Any]]:
    """Bullets with provenance as JSON-ready dicts (stored in the summaries table)."""
    return [
        {
            "text": b.text,
            "sources": [
                {"sentence": s.sentence, "start": s.start, "end": s.end} for s in b.sources
            ],
        }
        for b in bullets
    ]


def bullets_from_json(data: list[Any]) -> tuple[Bullet, ...]:
    """Inverse of :func:`bullets_to_json`."""
    return tuple(
        Bullet(
            str(b["text"]),
            tuple(
                Source(int(s["sentence"]), int(s["start"]), int(s["end"]))
                for s in b.get("sources", [])
            ),
        )
        for b in data
    )


def report_to_json(report: FaithfulnessReport) -> dict[str, Any]:
    """A faithfulness report as a JSON-ready dict."""
    return {
        "ok": report.ok,
        "checked": report.checked,
        "issues": [
            {"bullet": i.bullet, "kind": i.kind, "text": i.text, "start": i.start, "end": i.end}
            for i in report.issues
        ],
    }


def editor_bullets(texts: list[str], previous: tuple[Bullet, ...]) -> tuple[Bullet, ...]:
    """Bullets an editor typed; a bullet keeps its provenance while its position is unchanged."""
    out: list[Bullet] = []
    for i, raw in enumerate(texts):
        text = " ".join(raw.split())
        if not text:
            raise InputError(f"bullet {i + 1} is empty")
        sources = previous[i].sources if i < len(previous) else ()
        out.append(Bullet(text, sources))
    return tuple(out)
