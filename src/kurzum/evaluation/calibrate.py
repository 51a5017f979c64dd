"""Fit the ranker's calibration on a publication's own articles, judged by cross-validation.

``fit(items)`` tries every calibration of a small grid on the articles (each with the
summaries, teasers or bullets the publication published, the evaluation schema), and picks
the one with the best mean of ROUGE-1 and ROUGE-L (LCS over the joined bullets) F1. The
report says how that *choice* does out of sample: grouped k-fold cross-validation by article
(the grid search is repeated on every training part and scored on the held-out part), next
to lead-3 and the packaged default calibration on the same articles. Pure functions; the
CLI and storage wire them up.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kurzum.core.calibration import Calibration, default_calibration
from kurzum.core.options import SummaryOptions
from kurzum.core.summarize import Prepared, choose, prepare
from kurzum.errors import InputError
from kurzum.evaluation.datasets import EvalItem
from kurzum.evaluation.metrics import lead_n, rouge

__all__ = [
    "GRID",
    "MIN_ARTICLES",
    "CalibrationReport",
    "Row4",
    "Scores",
    "cross_validated_rows",
    "fit",
    "folds_of",
    "grid",
    "lead3_rows",
    "score_grid",
]

Row4 = tuple[float, float, float, float]  # R1, RL over the joined bullets, RLsum, R2 (F1, 0..1)
MIN_ARTICLES = 30  # fewer cannot tell a real style apart from noise in five folds
_FOLDS = 5

GRID: dict[str, tuple[float | int, ...]] = {
    "position": (0.5, 1.0, 2.0),
    "title": (1.0, 3.0, 6.0),
    "numbers": (0.0, 0.5),
    "length_exponent": (0.5, 0.7, 1.0),
    "soft_chars": (120, 160),
}


def grid(axes: dict[str, tuple[float | int, ...]] = GRID) -> list[Calibration]:
    """Every calibration of the grid ``axes`` (the packaged default's other fields kept)."""
    names = list(axes)
    base = default_calibration().to_json()
    return [
        Calibration.from_json({**base, **dict(zip(names, values, strict=True))})
        for values in itertools.product(*(axes[n] for n in names))
    ]


@dataclass(frozen=True, slots=True)
class Scores:
    """Mean ROUGE-1, ROUGE-L (joined), ROUGE-Lsum and ROUGE-2 F1 of one system, 0..1."""

    r1: float
    rl: float
    rlsum: float
    r2: float = 0.0

    @property
    def objective(self) -> float:
        return (self.r1 + self.rl) / 2


@dataclass(frozen=True, slots=True)
class CalibrationReport:
    """The fitted calibration and how it does out of sample against the alternatives."""

    calibration: Calibration
    articles: int
    folds: int
    cross_validated: Scores  # the fitting procedure, scored on held-out articles
    lead3: Scores
    default: Scores  # the packaged default calibration on the same articles
    in_sample: Scores  # the chosen calibration on all articles (optimistic)
    chosen_per_fold: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: the calibration and the scores in points."""

        def pts(s: Scores) -> dict[str, float]:
            return {k: round(100 * getattr(s, k), 2) for k in ("r1", "r2", "rl", "rlsum")}

        return {
            "calibration": self.calibration.to_json(),
            "articles": self.articles,
            "folds": self.folds,
            "cross_validated": pts(self.cross_validated),
            "lead3": pts(self.lead3),
            "default": pts(self.default),
            "in_sample": pts(self.in_sample),
            "chosen_per_fold": self.chosen_per_fold,
        }


def folds_of(ids: Sequence[str], k: int = _FOLDS) -> list[int]:
    """The fold (0..k-1) of each article, grouped by article id, stable across runs."""
    order = sorted(range(len(ids)), key=lambda i: (ids[i], i))
    fold = [0] * len(ids)
    for rank, i in enumerate(order):
        fold[i] = rank % k
    return fold


def _usable(items: Sequence[EvalItem]) -> list[EvalItem]:
    return [i for i in items if i.article is not None and i.references]


def score_grid(
    items: Sequence[EvalItem], calibrations: Sequence[Calibration], options: SummaryOptions
) -> list[list[Row4]]:
    """(R1, RL joined, RLsum, R2) of every calibration (rows) on every item (columns)."""
    prepared: list[Prepared] = []
    for item in items:
        assert item.article is not None
        prepared.append(prepare(item.article, options))
    cache: list[dict[tuple[str, ...], Row4]] = [{} for _ in items]
    table: list[list[Row4]] = []
    for calibration in calibrations:
        row = []
        for j, (item, prep) in enumerate(zip(items, prepared, strict=True)):
            bullets = tuple(c.short.text for c in choose(prep, calibration))
            scores = cache[j].get(bullets)
            if scores is None:
                r = rouge(list(bullets), list(item.references), prep.language)
                scores = (r.r1, r.rl_joined, r.rl, r.r2)
                cache[j][bullets] = scores
            row.append(scores)
        table.append(row)
    return table


def _mean(rows: Sequence[Row4]) -> Scores:
    if not rows:
        return Scores(0.0, 0.0, 0.0, 0.0)
    return Scores(
        statistics.fmean(r[0] for r in rows),
        statistics.fmean(r[1] for r in rows),
        statistics.fmean(r[2] for r in rows),
        statistics.fmean(r[3] for r in rows),
    )


def _best(table: list[list[Row4]], columns: Sequence[int]) -> int:
    """The row with the best mean objective over ``columns`` (first on ties: the grid order)."""
    best, best_value = 0, -1.0
    for i, row in enumerate(table):
        value = statistics.fmean((row[j][0] + row[j][1]) / 2 for j in columns)
        if value > best_value + 1e-12:
            best, best_value = i, value
    return best


def cross_validated_rows(
    table: list[list[Row4]], fold: Sequence[int], k: int
) -> tuple[list[Row4], list[int]]:
    """Held-out scores per item when the calibration is chosen on the other folds."""
    held: list[Row4] = [(0.0, 0.0, 0.0, 0.0)] * len(fold)
    chosen: list[int] = []
    for f in range(k):
        train = [j for j, g in enumerate(fold) if g != f]
        test = [j for j, g in enumerate(fold) if g == f]
        best = _best(table, train)
        chosen.append(best)
        for j in test:
            held[j] = table[best][j]
    return held, chosen


def lead3_rows(items: Sequence[EvalItem]) -> list[Row4]:
    """(R1, RL joined, RLsum, R2) of lead-3 on every item."""
    rows = []
    for item in items:
        assert item.article is not None
        language = item.article.language or "de"
        r = rouge(lead_n(item.article, 3), list(item.references), language)
        rows.append((r.r1, r.rl_joined, r.rl, r.r2))
    return rows


def fit(
    items: Sequence[EvalItem],
    *,
    publication: str | None = None,
    folds: int = _FOLDS,
    axes: dict[str, tuple[float | int, ...]] = GRID,
    options: SummaryOptions | None = None,
    minimum: int = MIN_ARTICLES,
) -> CalibrationReport:
    """Fit a calibration on ``items`` and report its cross-validated ROUGE.

    Raises InputError with the reason when fewer than ``minimum`` items have an article and
    a reference summary.
    """
    usable = _usable(items)
    if len(usable) < minimum:
        raise InputError(
            f"calibration needs at least {minimum} articles with reference summaries, "
            f"got {len(usable)}: with fewer, cross-validation cannot tell a publication's "
            "style from chance"
        )
    options = options or SummaryOptions()
    calibrations = grid(axes)
    default = default_calibration()
    table = score_grid(usable, [*calibrations, default], options)
    default_row = table.pop()
    fold = folds_of([i.id or f"{i.file}:{i.line}" for i in usable], folds)
    held, chosen = cross_validated_rows(table, fold, folds)
    best = _best(table, range(len(usable)))
    calibration = Calibration.from_json(
        {**calibrations[best].to_json(), "publication": publication}
    )
    return CalibrationReport(
        calibration=calibration,
        articles=len(usable),
        folds=folds,
        cross_validated=_mean(held),
        lead3=_mean(lead3_rows(usable)),
        default=_mean(default_row),
        in_sample=_mean(table[best]),
        chosen_per_fold=[calibrations[i].to_json() for i in chosen],
    )
