"""Plain-text articles: optional header lines, an optional title line, paragraphs.

Header lines at the top (`` date 2024-10``, ``title: …``, ``url: …``, ``lang: de``,
``premium: yes``, ``publisher: …``, ``id: …``) become metadata. Whatever follows a date on its
line is kept as text (the demo file has a publisher notice there, which cleaning removes).
A short first line without a full stop is the title. Paragraphs are separated by blank lines;
single line breaks inside a paragraph are soft wraps.
"""

from __future__ import annotations

import re

from kurzum.ingest.draft import Draft
from kurzum.models import parse_language

_HEADER = re.compile(
    r"^[ \t]*(date|title|url|lang|language|premium|publisher|id)[ \t]*(?::[ \t]*|[ \t]+)(\S.*)$"
)
_DATE = re.compile(
    r"(\d{4}-\d{2}(?:-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?)?"
    r"|\d{1,2}\.\s?\d{1,2}\.\s?\d{4}|\d{1,2}/\d{1,2}/\d{4})(?=\s|$)"
)
_BLANK_LINES = re.compile(r"\n[ \t]*\n+")
_TITLE_MAX_CHARS = 200
_TITLE_END = re.compile(r"[.!?…:;,][\"'»«“”’)]*$")
_TRUE = frozenset({"yes", "true", "1", "ja", "oui", "premium"})


def _header(line: str, meta: dict[str, str]) -> str | None:
    """Record a header line in ``meta``; return the text left on the line, None if not a header."""
    match = _HEADER.match(line)
    if match is None:
        return None
    key, value = match.group(1), match.group(2).strip()
    if key == "date":
        date = _DATE.match(value)
        if date is None:
            return None
        meta["date"] = date.group(1)
        return value[date.end() :].strip()
    if key in {"lang", "language"}:
        language = parse_language(value)
        if language is None:
            return None
        meta["language"] = language
    elif key == "url" and not value.startswith(("http://", "https://")):
        return None
    else:
        meta[key] = value
    return ""


def parse_text(text: str) -> Draft:
    """Split plain text into metadata, title and raw paragraphs."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta: dict[str, str] = {}
    leftovers: list[str] = []
    body_start = 0
    while body_start < len(lines):
        line = lines[body_start]
        if line.strip():
            rest = _header(line, meta)
            if rest is None:
                break
            if rest:
                leftovers.append(rest)
        body_start += 1
    body = "\n".join([*leftovers, "", *lines[body_start:]]).strip()
    blocks = [b.strip() for b in _BLANK_LINES.split(body) if b.strip()]
    title = meta.get("title")
    if title is None and blocks:
        first_line, _, rest = blocks[0].partition("\n")
        first_line = first_line.strip()
        titled = len(first_line) <= _TITLE_MAX_CHARS and not _TITLE_END.search(first_line)
        if titled and (rest.strip() or len(blocks) > 1):
            title = first_line
            blocks[0] = rest.strip()
    paragraphs = tuple(" ".join(b.split("\n")) for b in blocks if b)
    return Draft(
        title=title,
        lead=None,
        paragraphs=paragraphs,
        language=parse_language(meta.get("language")),
        date=meta.get("date"),
        premium=meta.get("premium", "").lower() in _TRUE,
        url=meta.get("url"),
        publisher=meta.get("publisher"),
        id=meta.get("id"),
    )
