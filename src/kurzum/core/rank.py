"""What an article is about: a weight for each content stem ("concept").

A summary is good when its bullets cover the article's important concepts (ROUGE rewards
exactly that against editors' bullets). A concept weighs more the more sentences use it
(square root of that count: centrality without letting one repeated word dominate), when the
title or the lead uses it (what the editors announce), and when it appears in the first
three usable sentences (news put the main facts first). Only the title factor is calibrated
(``Calibration.title``); the rest are fixed by principle, not fitted.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain

from kurzum.core.calibration import Calibration
from kurzum.core.features import SentenceInfo

__all__ = ["EARLY_SENTENCES", "concept_weights"]

EARLY_SENTENCES = 3  # the opening of a news article: where the main facts are
_EARLY = 1.0  # concepts first used there weigh (1 + this) times more


def concept_weights(
    infos: list[SentenceInfo], head: frozenset[str], calibration: Calibration
) -> dict[str, float]:
    """The weight of every content stem of the article; ``head``: the title's and lead's."""
    frequency = Counter(chain.from_iterable(info.stems for info in infos))
    # Ranks only grow along the article, so a stem is first used among the early sentences
    # exactly when some early sentence uses it.
    early = frozenset().union(*(info.stems for info in infos if info.rank < EARLY_SENTENCES))
    # The same products in the same order as one loop with two ifs would compute (bit for
    # bit), but most stems are neither in the head nor early: they only need their root.
    weights = {stem: count**0.5 for stem, count in frequency.items()}
    title = 1 + calibration.title
    for stem in head.intersection(weights):
        weights[stem] *= title
    for stem in early:
        weights[stem] *= 1 + _EARLY
    return weights
