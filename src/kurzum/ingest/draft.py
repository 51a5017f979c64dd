"""What every reader (text, HTML, JSON) produces, and the one step that turns it into an Article.

Readers only parse; ``finish`` decides the language, removes the noise and refuses empty input,
the same way for every format.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kurzum.errors import EmptyInputError
from kurzum.ingest.cleaning import clean_blocks, nfc, normalize_spaces
from kurzum.ingest.language import detect_language
from kurzum.models import Article, Language


@dataclass(frozen=True, slots=True)
class Draft:
    """A parsed but uncleaned article: raw paragraphs plus whatever metadata the input carried."""

    title: str | None
    lead: str | None
    paragraphs: tuple[str, ...]
    language: Language | None = None
    date: str | None = None
    premium: bool = False
    url: str | None = None
    publisher: str | None = None
    id: str | None = None


def finish(draft: Draft, language: Language | None = None) -> Article:
    """Clean ``draft`` into an Article; ``language`` overrides the draft's and the detected one."""
    draft = replace(
        draft,
        title=nfc(draft.title) if draft.title else draft.title,
        lead=nfc(draft.lead) if draft.lead else draft.lead,
        paragraphs=tuple(nfc(p) for p in draft.paragraphs),
    )
    title = normalize_spaces(draft.title) if draft.title else None
    raw_lead = normalize_spaces(draft.lead) if draft.lead else None
    if not any(p.strip() for p in draft.paragraphs) and not raw_lead:
        raise EmptyInputError("the input holds no article text")
    chosen = language or draft.language
    if chosen is None:
        sample = "\n\n".join(((title,) if title else ()) + ((raw_lead,) if raw_lead else ()))
        chosen = detect_language(sample + "\n\n" + "\n\n".join(draft.paragraphs))
    lead_blocks = clean_blocks((raw_lead,), chosen) if raw_lead else ()
    paragraphs = clean_blocks(draft.paragraphs, chosen)
    if not paragraphs and not lead_blocks:
        raise EmptyInputError("no article text left after removing notices, credits and promos")
    return Article(
        title=title or None,
        lead=" ".join(lead_blocks) or None,
        paragraphs=paragraphs,
        language=chosen,
        date=draft.date,
        premium=draft.premium,
        url=draft.url,
        publisher=draft.publisher,
        id=draft.id,
    )
