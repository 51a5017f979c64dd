"""Validated article input shared by the publisher API and the archive import.

The schema (unknown fields refused, control characters refused, text NFC-normalised) and its
conversion into a storable :class:`~kurzum.storage.articles.ArticleInput` live here, below both
the web layer and :mod:`kurzum.archive`, so neither imports the other.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from kurzum.ingest.cleaning import nfc
from kurzum.ingest.dates import parse_date
from kurzum.models import Language
from kurzum.pipeline import prepare_text
from kurzum.storage.articles import ArticleInput
from kurzum.text import check_storable

LanguageCode = Literal["de", "fr", "en"]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str | None) -> str | None:
    """Refuse NUL and other control characters (PostgreSQL cannot store NUL in text) and
    normalise to NFC, so "Zürich" typed or sent decomposed matches "Zürich" in an article."""
    if value is None:
        return None
    if _CONTROL.search(value):
        raise ValueError("contains control characters")
    return nfc(value)


def _date(value: Any) -> Any:
    """Dates in every form :func:`kurzum.ingest.dates.parse_date` reads (``+02`` zones,
    ``YYYY-MM``, ``DD/MM/YYYY``); anything else goes on to pydantic's own datetime parsing,
    which refuses garbage with a 422."""
    if not isinstance(value, str):
        return value
    parsed = parse_date(value)
    return parsed.value if parsed.value is not None else value


Text = Annotated[str, AfterValidator(clean_text)]
OptText = Annotated[str | None, AfterValidator(clean_text)]
ExternalId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:~-]{0,199}$")]
DateIn = Annotated[datetime | None, BeforeValidator(_date)]


class Strict(BaseModel):
    """Base of request models: unknown fields are an error, not silently dropped; text with
    lone UTF-16 surrogates and absurdly deep nesting are refused before any field is read."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        return check_storable(data)


class ArticleIn(Strict):
    """An article from the CMS: plain ``body`` (blank-line separated paragraphs) or ``html``."""

    url: Annotated[str | None, Field(max_length=2000, pattern=r"^https?://\S+$")] = None
    title: Annotated[Text, Field(max_length=1000)] | None = None
    lead: Annotated[Text, Field(max_length=10_000)] | None = None
    body: Annotated[Text, Field(max_length=1_000_000)] | None = None
    html: Annotated[Text, Field(max_length=2_000_000)] | None = None
    language: LanguageCode | None = None
    premium: bool = False
    published_at: DateIn = None
    updated_at: DateIn = None

    @model_validator(mode="after")
    def _one_body(self) -> ArticleIn:
        if (self.body is None) == (self.html is None):
            raise ValueError("give exactly one of body or html")
        return self


class BulkArticleIn(ArticleIn):
    """One JSONL line of a bulk import: an article plus its CMS id."""

    external_id: ExternalId


def to_input(data: ArticleIn, default_language: str) -> ArticleInput:
    """Convert a validated article (HTML through ingestion) into a storable one; the
    publication's language applies when the article names none."""
    language: Language = data.language or default_language  # type: ignore[assignment]
    text = prepare_text(
        title=data.title, lead=data.lead, body=data.body, html=data.html, language=language
    )
    return ArticleInput(
        text=text,
        language=language,
        premium=data.premium,
        url=data.url,
        body_html=data.html,
        published_at=data.published_at,
        updated_at=data.updated_at,
    )
