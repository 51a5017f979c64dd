"""Numbers and dates in text, normalised so "11'000" = "11 000" = "11000" and "9,53" = "9.53".

A number is compared by its value written canonically (no group separators, "." as decimal
mark). Where the notation is ambiguous ("1.500" is 1500 in German and 1.5 in English) every
reading is kept, so the check never flags a number the article does contain.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Mention", "dates", "number_values", "numbers"]

# Grouped numbers first ("11'000", "11 000", "1’250’000,50"), then plain ones ("2,5", "9.53").
# (Written to open with the digit, not the look-behind, so the search jumps from digit to digit:
# the same matches as ``(?<!\d)(?:\d{1,3}(?:[ …]\d{3})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)*)``.)
_NUMBER = re.compile(
    r"\d(?<!\d\d)(?:\d{0,2}(?:[ '’\u00a0\u202f]\d{3})+(?:[.,]\d+)?(?!\d)|\d*(?:[.,]\d+)*)"
)
_GROUP = re.compile(r"[ '’\u00a0\u202f]")

_MONTHS = (
    r"(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|"
    r"Dezember|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
    r"décembre|January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|janv|févr|avr|juil|oct|nov|déc)\.?"
)
# Every alternative starts with a digit or a month's first letter: the lookahead skips other
# word starts at once (the same matches, about twice as fast on news text).
_DATE_START = r"(?=[\dadfjmnos])"
_DATE = re.compile(
    r"\b" + _DATE_START + r"(?:\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})\b"  # 03.10.2024
    r"|\d{4}-\d{2}(?:-\d{2})?\b"  # 2024-10-03
    r"|\d{1,2}(?:\.|er|st|nd|rd|th)?\s" + _MONTHS + r"(?:\s\d{4})?"  # 3. Oktober 2024
    r"|" + _MONTHS + r"\s\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s\d{4})?)",  # October 3, 2024
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Mention:
    """A number or date found in a text, with its offsets."""

    text: str
    start: int
    end: int


def numbers(text: str) -> Iterator[Mention]:
    """Every number written with digits in ``text``."""
    for match in _NUMBER.finditer(text):
        raw = match.group().rstrip(".,")
        yield Mention(raw, match.start(), match.start() + len(raw))


# Month abbreviations whose dot belongs to the date ("3. Okt."); after a full month name a
# dot is the sentence's full stop ("seit dem 13. August.") and not part of the date.
_ABBREVIATIONS = frozenset(
    {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
    | {"janv", "févr", "avr", "juil", "déc"}
)


def dates(text: str) -> Iterator[Mention]:
    """Every date in ``text`` ("3. Oktober", "03.10.2024", "October 3, 2024", "2024-10")."""
    for match in _DATE.finditer(text):
        raw = match.group()
        if raw.endswith(".") and raw[:-1].split()[-1].lower() not in _ABBREVIATIONS:
            raw = raw[:-1]
        yield Mention(raw, match.start(), match.start() + len(raw))


def number_values(raw: str) -> frozenset[str]:
    """All canonical readings of the number ``raw`` ("11'000" -> {"11000"})."""
    text = _GROUP.sub("", raw) if _GROUP.search(raw) else raw
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        group = "." if decimal == "," else ","
        return frozenset({_strip(text.replace(group, "").replace(decimal, "."))})
    readings: set[str] = set()
    for mark in (",", "."):
        if mark not in text:
            continue
        parts = text.split(mark)
        if all(len(p) == 3 for p in parts[1:]):
            readings.add(_strip("".join(parts)))  # a group mark: 11.000, 11,000
        if len(parts) == 2:
            readings.add(_strip(text.replace(mark, ".")))  # a decimal mark: 9,53, 9.53
    return frozenset(readings or {_strip(text)})


def _strip(value: str) -> str:
    """Drop insignificant zeros so "2,50" and "2.5" compare equal."""
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    return value.lstrip("0") or "0"
