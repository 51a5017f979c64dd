"""Which paragraph of the article a bullet's source is in, for provenance on the host's page.

Sources are character spans of the article text (lead and body paragraphs joined by blank
lines). A publisher's page knows its paragraphs, not kurzum's offsets, so every source also
carries ``paragraph``: 0 for the lead, 1 for the first body paragraph as the CMS sent it (body
split at blank lines), 2 for the second, and so on; the host marks its paragraphs with
``data-kurzum-paragraph="N"``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from kurzum.models import PARAGRAPH_SEPARATOR
from kurzum.pipeline import split_paragraphs
from kurzum.storage.tables import Article


def block_numbers(lead: str | None, body: str) -> list[tuple[int, int]]:
    """(start offset, paragraph number) of each block of the article text, in order."""
    blocks = [(0, lead)] if lead else []
    blocks += [(i + 1, p) for i, p in enumerate(split_paragraphs(body))]
    result: list[tuple[int, int]] = []
    offset = 0
    for number, text in blocks:
        result.append((offset, number))
        offset += len(text) + len(PARAGRAPH_SEPARATOR)
    return result


def paragraph_at(starts: list[tuple[int, int]], offset: int) -> int | None:
    """The paragraph number holding character ``offset`` (None before the text)."""
    found = None
    for start, number in starts:
        if start > offset:
            break
        found = number
    return found


def with_paragraphs(connection: Connection, article_id: int, bullets: list[Any]) -> list[Any]:
    """``bullets`` with ``paragraph`` on each source (one small query for the article text)."""
    if not any(isinstance(b, dict) and b.get("sources") for b in bullets):
        return bullets
    row = connection.execute(
        select(Article.lead, Article.body).where(Article.id == article_id)
    ).first()
    if row is None:
        return bullets
    starts = block_numbers(row.lead, row.body)
    return [
        {
            **bullet,
            "sources": [
                {**src, "paragraph": paragraph_at(starts, int(src.get("start", 0)))}
                for src in bullet.get("sources", [])
            ],
        }
        for bullet in bullets
    ]
