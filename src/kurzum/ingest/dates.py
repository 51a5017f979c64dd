"""Publication dates as archives and CMSs write them, read by one function.

Accepted: ISO 8601 with ``T`` or a space, with or without seconds, fractions and a zone
(``+02``, ``+02:00``, ``Z``); ``YYYY-MM`` and ``YYYY`` (the first of the month/year);
European ``DD/MM/YYYY`` and ``DD.MM.YYYY``, where day ``00`` means "some day of this month".
Anything else is an unknown date, never a reason to refuse an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

_YEAR = re.compile(r"^(\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_EUROPEAN = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_SHORT_ZONE = re.compile(r"([+-]\d{2})$")  # "+02" -> "+02:00" (older Pythons and pydantic)


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A date as read: the time (None when unknown) and a note when the text was not a date."""

    value: datetime | None
    note: str | None = None


def parse_date(text: str | None) -> ParsedDate:
    """Read a publication date; a zone-less time is UTC. Unreadable text gives ``value=None``
    and a note saying so (the article is kept, its date is unknown)."""
    if text is None or not text.strip():
        return ParsedDate(None)
    raw = text.strip()
    try:
        parsed = _parse(raw)
    except ValueError:
        parsed = None
    if parsed is None:
        return ParsedDate(None, f"unreadable date {raw[:40]!r} ignored")
    return ParsedDate(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))


def _parse(raw: str) -> datetime | None:
    if match := _YEAR.match(raw):
        return datetime(int(match.group(1)), 1, 1)
    if match := _YEAR_MONTH.match(raw):
        return datetime(int(match.group(1)), int(match.group(2)), 1)
    if match := _EUROPEAN.match(raw):
        day, month, year = (int(g) for g in match.groups())
        return datetime(year, month, max(day, 1))
    iso = raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw
    iso = _SHORT_ZONE.sub(r"\1:00", iso) if re.search(r"\d[T ]\d", iso) else iso
    return datetime.fromisoformat(iso)
