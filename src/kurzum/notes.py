"""Notes on a summary: written once here, read back as a code and parameters for any UI.

A summary's notes are stored as text (the CLI prints them as they are), but every note kurzum
writes comes from a function of this module, and :func:`parse` turns it back into a stable
``code`` plus parameters, so the editor pages can say it in the UI language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["FALLBACK_PREFIX", "Note", "edited_from", "parse", "too_few_bullets"]

FALLBACK_PREFIX = "llm fallback: "
_TOO_FEW = re.compile(r"^only (\d+) of (\d+) bullets\b")
_EDITED = re.compile(r"^edited from version (\d+)$")
_WRITTEN = "written by an editor"


@dataclass(frozen=True, slots=True)
class Note:
    """A note as a code (``too_few_bullets``, ``fallback``, ``edited_from``, ``other``)."""

    code: str
    params: dict[str, str] = field(default_factory=dict)


def too_few_bullets(found: int, wanted: int) -> str:
    """The note of an article with too few sentences that can stand alone as a bullet."""
    return (
        f"only {found} of {wanted} bullets: the article has too few sentences that can "
        "stand alone as a bullet"
    )


def edited_from(version: int | None) -> str:
    """The note of an editor's version: which version it was edited from (None: from scratch)."""
    return _WRITTEN if version is None else f"edited from version {version}"


def parse(text: str) -> Note:
    """The code and parameters of a note written by this module; ``other`` for anything else."""
    if match := _TOO_FEW.match(text):
        return Note("too_few_bullets", {"found": match[1], "wanted": match[2]})
    if match := _EDITED.match(text):
        return Note("edited_from", {"version": match[1]})
    if text == _WRITTEN:
        return Note("written")
    if text.startswith(FALLBACK_PREFIX):
        return Note("fallback", {"reason": text[len(FALLBACK_PREFIX) :]})
    return Note("other", {"text": text})
