"""A publication's own ranker calibration: store, clear and read it (``kurzum calibrate``).

The calibration is kept as ``Calibration.to_json()`` on the publication, with when it was
fitted, on how many articles and its cross-validated scores. Readers get a parsed
``Calibration`` (None: the packaged default); :func:`calibrations` reads several publications in
one query, so a worker batch parses each publication's calibration once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kurzum.core.calibration import Calibration
from kurzum.storage.tables import Publication, utcnow

__all__ = ["calibration_of", "calibrations", "clear_calibration", "set_calibration"]


def set_calibration(
    session: Session,
    pub: Publication,
    calibration: Calibration,
    *,
    articles: int,
    scores: dict[str, Any],
    now: datetime | None = None,
) -> None:
    """Store ``calibration`` as the publication's own, fitted on ``articles`` with ``scores``."""
    pub.calibration = calibration.to_json()
    pub.calibration_fitted_at = now or utcnow()
    pub.calibration_articles = articles
    pub.calibration_scores = scores
    session.flush()


def clear_calibration(session: Session, pub: Publication) -> bool:
    """Go back to the packaged default calibration; True when one was set."""
    had = pub.calibration is not None
    pub.calibration = None
    pub.calibration_fitted_at = None
    pub.calibration_articles = None
    pub.calibration_scores = None
    session.flush()
    return had


def _parse(data: dict[str, Any] | None) -> Calibration | None:
    return None if data is None else Calibration.from_json(data)


def calibration_of(pub: Publication) -> Calibration | None:
    """The publication's own calibration, or None for the packaged default."""
    return _parse(pub.calibration)


def calibrations(session: Session, publication_ids: Iterable[int]) -> dict[int, Calibration | None]:
    """The calibration of each of these publications (None: the default), in one query."""
    ids = sorted(set(publication_ids))
    if not ids:
        return {}
    stmt = select(Publication.id, Publication.calibration).where(Publication.id.in_(ids))
    return {int(pid): _parse(data) for pid, data in session.execute(stmt)}
