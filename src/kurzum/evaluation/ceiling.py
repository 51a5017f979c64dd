"""What the box's rules cost in ROUGE: lead-3 as a box, and the best box any ranker could build.

kurzum's bullets obey rules lead-3 does not: at most ``max_chars`` characters each (safe cuts
only), no sentence of a separate lead, every bullet standalone (no dangling reference, no
teaser or noise). Two reference rows put its ROUGE in that light:

- ``boxed_lead``: the first sentences that pass those rules, in article order (lead-3 as a box).
- ``boxed_oracle``: the greedy ROUGE-1 oracle over the same candidates: it reads the
  references, so it is a ceiling for any ranker over kurzum's candidate pool, not a system.
"""

from __future__ import annotations

from collections.abc import Sequence

from kurzum.core.calibration import default_calibration
from kurzum.core.options import SummaryOptions
from kurzum.core.select import Choice
from kurzum.core.summarize import prepare
from kurzum.evaluation.metrics import rouge
from kurzum.models import Article

__all__ = ["boxed_lead", "boxed_oracle"]


def _pool(article: Article, options: SummaryOptions) -> list[Choice]:
    """The candidates that can stand alone as a bullet, in article order."""
    prepared = prepare(article, options)
    calibration = options.calibration or default_calibration()  # as summarize() does
    return [c for c in prepared.pool(calibration.soft_chars) if not c.rejected and not c.leans]


def boxed_lead(article: Article, options: SummaryOptions) -> list[str]:
    """The first ``options.bullets`` candidates that pass the box's rules, in article order."""
    return [c.short.text for c in _pool(article, options)[: options.bullets]]


def boxed_oracle(article: Article, references: Sequence[str], options: SummaryOptions) -> list[str]:
    """Greedily the candidates that raise ROUGE-1 F1 against ``references`` most (a ceiling)."""
    pool = _pool(article, options)
    language = article.language or "de"
    chosen: list[Choice] = []
    best_score = 0.0
    while len(chosen) < options.bullets:
        best: Choice | None = None
        for choice in pool:
            if choice in chosen:
                continue
            texts = [c.short.text for c in [*chosen, choice]]
            value = rouge(texts, list(references), language).r1
            if value > best_score:
                best, best_score = choice, value
        if best is None:
            break
        chosen.append(best)
    chosen.sort(key=lambda c: c.info.sentence.index)
    return [c.short.text for c in chosen]
