"""JSON and JSONL articles in the dev-data schema (``../shared/data/README.md``) plus ``premium``.

Fields: ``id``, ``lang``, ``source``, ``title``, ``lead``, ``text`` (paragraphs separated by a
blank line), ``summary`` (reference bullets, never an input), ``date``, ``url``, ``premium``,
``publisher``. Unknown fields are ignored so publishers can send richer records.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kurzum.errors import InputError
from kurzum.ingest.draft import Draft
from kurzum.models import parse_language
from kurzum.text import load_json

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")


class ArticleRecord(BaseModel):
    """One article object as publishers and the dev data send it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str | None = None
    lang: str | None = None
    source: str | None = None
    title: str | None = None
    lead: str | None = None
    text: str = Field(min_length=1)
    summary: list[str] = Field(default_factory=list)
    date: str | None = None
    url: str | None = None
    premium: bool = False
    publisher: str | None = None

    @field_validator("id", "date", mode="before")
    @classmethod
    def _as_string(cls, value: Any) -> Any:
        """Numeric ids and dates are accepted and kept as text."""
        return str(value) if isinstance(value, int | float) else value

    def to_draft(self) -> Draft:
        """The record as a Draft (language from ``lang`` when it is de/fr/en)."""
        return Draft(
            title=self.title,
            lead=self.lead,
            paragraphs=tuple(p for p in _PARAGRAPH_BREAK.split(self.text) if p.strip()),
            language=parse_language(self.lang),
            date=self.date,
            premium=self.premium,
            url=self.url,
            publisher=self.publisher,
            id=self.id,
        )


def _describe(error: ValidationError) -> str:
    """The first validation problem, on one line."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "record"
    return f"{where}: {first['msg']}"


def parse_record(value: Any) -> ArticleRecord:
    """Validate one decoded JSON value as an ArticleRecord."""
    if not isinstance(value, dict):
        raise InputError("an article must be a JSON object")
    try:
        return ArticleRecord.model_validate(value)
    except ValidationError as exc:
        raise InputError(f"invalid article record: {_describe(exc)}") from exc


def parse_json(text: str) -> ArticleRecord:
    """Parse a JSON document holding one article object (InputError when it is not JSON or
    nests too deeply)."""
    try:
        value = load_json(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON at line {exc.lineno}, column {exc.colno}") from exc
    return parse_record(value)


def parse_jsonl_line(line: str) -> ArticleRecord:
    """Parse one JSONL line holding one article object (InputError when it is not JSON or
    nests too deeply)."""
    try:
        value = load_json(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON at column {exc.colno}") from exc
    return parse_record(value)


def iter_jsonl_lines(text: str) -> Iterator[str]:
    """The non-blank lines of a JSONL document."""
    for line in text.splitlines():
        if line.strip():
            yield line
