"""Options of the summarizer, as one frozen object."""

from __future__ import annotations

from dataclasses import dataclass

from kurzum.errors import InputError
from kurzum.models import Language


@dataclass(frozen=True, slots=True)
class SummaryOptions:
    """How many bullets, how long, and in which language (None: the article's own)."""

    bullets: int = 3
    max_chars: int = 160
    language: Language | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.bullets <= 10:
            raise InputError("bullets must be between 1 and 10")
        if not 40 <= self.max_chars <= 1000:
            raise InputError("max_chars must be between 40 and 1000")
