"""The ranker's few constants, as one JSON-serialisable value shared by all languages.

Five numbers decide how sentences are valued once the editorial rules have been applied
(lede first, safe cuts only, standalone bullets): how much an early position counts, how
much the title's and lead's concepts count, figures, the length penalty and the length
bullets are shortened towards. They are shared by de, fr and en because 140 dev articles
cannot tell the languages apart (benchmarks/results/calibration_cv.md: grouped k-fold
cross-validation chose them). A publication can fit its own on its archive
(``kurzum.evaluation.calibrate.fit``) and pass it in ``SummaryOptions.calibration``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from functools import cache
from importlib import resources
from typing import Any

from kurzum.errors import InputError

__all__ = ["Calibration", "default_calibration"]


@dataclass(frozen=True, slots=True)
class Calibration:
    """How the ranker values a candidate bullet (see ``kurzum.core.select``).

    - ``position``: value x (1 + position / (1 + rank)), rank among the usable sentences.
    - ``title``: concepts of the title or lead weigh 1 + title times more.
    - ``numbers``: value x (1 + numbers * min(figures, 2) / 2).
    - ``length_exponent``: covered weight is divided by the bullet's length to this power.
    - ``soft_chars``: bullets are shortened (safe cuts only) towards this length.
    - ``publication``: who it was fitted for (None: the packaged default).
    """

    position: float = 1.0
    title: float = 1.0
    numbers: float = 0.25
    length_exponent: float = 0.7
    soft_chars: int = 120
    publication: str | None = None

    def __post_init__(self) -> None:
        for name in ("position", "title", "numbers", "length_exponent"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not 0 <= value <= 20:
                raise InputError(f"calibration {name} must be a number between 0 and 20")
        if not isinstance(self.soft_chars, int) or not 40 <= self.soft_chars <= 1000:
            raise InputError("calibration soft_chars must be an integer between 40 and 1000")

    def to_json(self) -> dict[str, Any]:
        """The calibration as a JSON-ready dict (``from_json`` reads it back)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | str) -> Calibration:
        """A calibration from ``to_json``'s dict or its JSON text; unknown keys are an error."""
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except json.JSONDecodeError as exc:
                raise InputError(f"calibration is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise InputError("calibration must be a JSON object")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"unknown calibration keys: {', '.join(unknown)}")
        return cls(**data)


@cache
def default_calibration() -> Calibration:
    """The packaged calibration (``core/calibration.json``), chosen by cross-validation."""
    text = resources.files("kurzum.core").joinpath("calibration.json").read_text("utf-8")
    return Calibration.from_json(text)
