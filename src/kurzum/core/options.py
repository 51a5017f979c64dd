"""Options of the summarizer, as one frozen object."""

from __future__ import annotations

from dataclasses import dataclass

from kurzum.core.calibration import Calibration
from kurzum.errors import InputError
from kurzum.models import Language


@dataclass(frozen=True, slots=True)
class SummaryOptions:
    """How many bullets, how long, in which language (None: the article's own), and how.

    ``repeat_lead``: when False (the default) and the article has a separate lead, no bullet
    is taken from the lead; the lead stands right above the box on the article page.
    ``calibration``: a publication's own ranker constants (None: the packaged default).
    """

    bullets: int = 3
    max_chars: int = 160
    language: Language | None = None
    repeat_lead: bool = False
    calibration: Calibration | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.bullets <= 10:
            raise InputError("bullets must be between 1 and 10")
        if not 40 <= self.max_chars <= 1000:
            raise InputError("max_chars must be between 40 and 1000")
