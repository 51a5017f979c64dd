"""Out-of-sample scores of kurzum on reference data: grouped k-fold CV with bootstrap intervals.

The ranker's constants are chosen on the training folds (``calibrate``'s grid search) and
scored on the held-out articles, so every kurzum number here is out of sample; lead-3 and the
other baselines have nothing fitted. Margins over lead-3 get a 95 % bootstrap interval
(articles resampled with a fixed seed). Used by ``benchmarks/bench_quality_speed.py`` and the
eval gate (``tests/evaluation/test_eval_gate.py``).
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kurzum.core.options import SummaryOptions
from kurzum.evaluation.calibrate import (
    GRID,
    Row4,
    cross_validated_rows,
    folds_of,
    grid,
    lead3_rows,
    score_grid,
)
from kurzum.evaluation.datasets import EvalItem

__all__ = ["CrossValidation", "Margin", "bootstrap_interval", "cross_validate", "margins"]

METRICS = ("r1", "r2", "rl", "rlsum")  # rl: LCS over the joined bullets; rlsum: Lsum
_INDEX = {"r1": 0, "rl": 1, "rlsum": 2, "r2": 3}


@dataclass(frozen=True, slots=True)
class CrossValidation:
    """Per article: its file and language, kurzum's held-out scores and lead-3's."""

    items: list[EvalItem]
    kurzum: list[Row4]
    lead3: list[Row4]
    folds: int

    def language(self, j: int) -> str:
        article = self.items[j].article
        return (article.language if article else None) or "de"


@dataclass(frozen=True, slots=True)
class Margin:
    """Means of one metric for a group of articles, and kurzum - lead-3 with its 95 % CI."""

    group: str
    metric: str
    articles: int
    kurzum: float
    lead3: float
    margin: float
    low: float
    high: float


def cross_validate(
    items: Sequence[EvalItem],
    *,
    folds: int = 5,
    axes: dict[str, tuple[float | int, ...]] = GRID,
    options: SummaryOptions | None = None,
) -> CrossValidation:
    """Held-out scores of kurzum (constants chosen on the other folds) and lead-3's."""
    usable = [i for i in items if i.article is not None and i.references]
    table = score_grid(usable, grid(axes), options or SummaryOptions())
    fold = folds_of([i.id or f"{i.file}:{i.line}" for i in usable], folds)
    held, _ = cross_validated_rows(table, fold, folds)
    return CrossValidation(usable, held, lead3_rows(usable), folds)


def bootstrap_interval(
    values: Sequence[float], *, samples: int = 2000, seed: int = 11
) -> tuple[float, float]:
    """The 95 % percentile bootstrap interval of the mean of ``values``."""
    if not values:
        return (0.0, 0.0)
    rng = random.Random(seed)
    n = len(values)
    means = sorted(statistics.fmean(rng.choices(values, k=n)) for _ in range(samples))
    return means[int(0.025 * samples)], means[min(samples - 1, int(0.975 * samples))]


def margins(
    cv: CrossValidation, key: Callable[[int], str], metrics: Sequence[str] = METRICS
) -> list[Margin]:
    """Per group (``key`` of an article's position) and metric: means and margin with CI."""
    groups: dict[str, list[int]] = {}
    for j in range(len(cv.items)):
        groups.setdefault(key(j), []).append(j)
    result: list[Margin] = []
    for group, members in groups.items():
        for metric in metrics:
            k = _INDEX[metric]
            ours = [cv.kurzum[j][k] for j in members]
            base = [cv.lead3[j][k] for j in members]
            diff = [a - b for a, b in zip(ours, base, strict=True)]
            low, high = bootstrap_interval(diff)
            result.append(
                Margin(
                    group,
                    metric,
                    len(members),
                    statistics.fmean(ours),
                    statistics.fmean(base),
                    statistics.fmean(diff),
                    low,
                    high,
                )
            )
    return result
