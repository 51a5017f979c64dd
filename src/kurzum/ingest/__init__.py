"""Ingestion: anything a newsroom has (text, HTML, JSON, JSONL, a URL) -> one clean ``Article``.

    >>> from kurzum.ingest import load_article
    >>> article = load_article(Path("artikel.txt").read_bytes(), source_name="artikel.txt")

Parsing is per format (``text``, ``html``, ``json_``); ``draft.finish`` then detects the
language and removes notices, credits, captions, bylines and promos (``cleaning``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Literal

from kurzum.errors import InputError, KurzumError
from kurzum.ingest.decoding import check_text, decode_bytes
from kurzum.ingest.draft import Draft, finish
from kurzum.ingest.html import parse_html
from kurzum.ingest.json_ import ArticleRecord, iter_jsonl_lines, parse_json, parse_jsonl_line
from kurzum.ingest.language import detect_language
from kurzum.ingest.text import parse_text
from kurzum.ingest.url import DEFAULT_LIMITS, FetchLimits, fetch, is_url
from kurzum.models import Article, Language

__all__ = [
    "ArticleRecord",
    "FetchLimits",
    "detect_language",
    "fetch_article",
    "is_url",
    "iter_jsonl_articles",
    "load_article",
    "parse_jsonl_line",
    "record_article",
    "sniff_format",
]

Format = Literal["text", "html", "json", "jsonl"]

_MEDIA_TYPES: dict[str, Format] = {
    "text/plain": "text",
    "text/markdown": "text",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/json": "json",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/x-jsonlines": "jsonl",
    "application/jsonlines": "jsonl",
}
_SUFFIXES: dict[str, Format] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_HTML_START = re.compile(
    r"\s*(?:<!doctype html|<html|<head|<body|<article|<!--|<meta|<p[\s>])", re.IGNORECASE
)


def sniff_format(
    text: str, media_type: str | None = None, source_name: str | None = None
) -> Format:
    """The input format: from the media type, else the file suffix, else the content itself."""
    if media_type:
        base = media_type.split(";")[0].strip().lower()
        if base in _MEDIA_TYPES:
            return _MEDIA_TYPES[base]
        raise InputError(f"unsupported media type {base!r}")
    if source_name:
        name = source_name.lower().split("?")[0]
        for suffix, found in _SUFFIXES.items():
            if name.endswith(suffix):
                return found
    if _HTML_START.match(text):
        return "html"
    if text.lstrip().startswith("{"):
        lines = list(iter_jsonl_lines(text))
        several = len(lines) > 1 and all(line.lstrip().startswith("{") for line in lines)
        return "jsonl" if several else "json"
    return "text"


def _draft(text: str, fmt: Format, url: str | None) -> Draft:
    """Parse ``text`` in format ``fmt`` into a Draft."""
    if fmt == "html":
        return parse_html(text, url=url)
    if fmt == "json":
        return parse_json(text).to_draft()
    if fmt == "jsonl":
        lines = list(iter_jsonl_lines(text))
        if len(lines) != 1:
            raise InputError(
                f"the JSONL input holds {len(lines)} articles; expected one "
                "(batches: kurzum summarize --jsonl)"
            )
        return parse_jsonl_line(lines[0]).to_draft()
    return parse_text(text)


def load_article(
    data: bytes | str,
    *,
    media_type: str | None = None,
    source_name: str | None = None,
    language: Language | None = None,
) -> Article:
    """Turn one article in any supported format into a clean ``Article``.

    ``media_type`` (e.g. ``text/html``) or the suffix of ``source_name`` picks the format, else
    the content is sniffed. ``language`` overrides the record's and the detected language.
    Raises ``EmptyInputError``, ``DecodeError``, ``UnsupportedLanguageError`` or ``InputError``.
    """
    text = decode_bytes(data) if isinstance(data, bytes) else check_text(data)
    fmt = sniff_format(text, media_type, source_name)
    url = source_name if source_name and is_url(source_name) else None
    draft = _draft(text, fmt, url)
    return finish(draft, language)


def fetch_article(
    url: str, *, language: Language | None = None, limits: FetchLimits = DEFAULT_LIMITS
) -> Article:
    """Fetch ``url`` and load the page (HTML, text or JSON by its media type) as an Article."""
    fetched = fetch(url, limits)
    media_type = fetched.media_type if fetched.media_type in _MEDIA_TYPES else None
    article = load_article(
        fetched.content, media_type=media_type, source_name=fetched.url, language=language
    )
    return article if article.url else replace(article, url=fetched.url)


def record_article(record: ArticleRecord, language: Language | None = None) -> Article:
    """The clean Article of one JSON record; ``language`` overrides the record's ``lang``."""
    return finish(record.to_draft(), language)


def iter_jsonl_articles(
    lines: Iterator[str], *, language: Language | None = None
) -> Iterator[tuple[ArticleRecord | None, Article | KurzumError]]:
    """Each JSONL line as (record, Article) or (record or None, error).

    One bad line yields its error and the batch goes on.
    """
    for line in lines:
        if not line.strip():
            continue
        record: ArticleRecord | None = None
        try:
            record = parse_jsonl_line(line)
            yield record, record_article(record, language)
        except KurzumError as exc:
            yield record, exc
