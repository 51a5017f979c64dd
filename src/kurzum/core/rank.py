"""Sentence scores: a linear model over ``features.FEATURE_NAMES``, weights kept as data.

Calibration (every constant): the weights were fitted by coordinate ascent on all of
``../shared/data/dev`` (140 articles, de/fr/en), maximising the mean over the three languages
of ROUGE-1 + ROUGE-L F1 of the whole pipeline (rank, select, shorten) against the editors'
references, starting from a least-squares fit of each sentence's unigram precision against
the reference. The script is ``benchmarks/tune_ranker.py``; its last run is recorded in
``benchmarks/results/tune_ranker.txt``.
"""

from __future__ import annotations

from collections.abc import Mapping

from kurzum.core.features import FEATURE_NAMES, SentenceInfo
from kurzum.models import Language

__all__ = ["WEIGHTS", "score"]

WEIGHTS: Mapping[Language, Mapping[str, float]] = {
    "de": {
        "first": 0.2,
        "position": 0.1,
        "relative": -0.3,
        "paragraph_first": 0.0,
        "in_lead": 0.2,
        "title": 0.0,
        "lead": 0.6,
        "central": 0.1,
        "keywords": 0.2,
        "numbers": 0.0,
        "names": 0.0,
        "quote": -0.4,
        "anaphora": 0.0,
        "topic": -0.2,
        "density": 0.0,
        "title_share": 0.0,
        "function": 0.0,
        "length": 0.0,
    },
    "fr": {
        "first": -0.4,
        "position": 0.3,
        "relative": -0.2,
        "paragraph_first": 0.0,
        "in_lead": 0.2,
        "title": 0.0,
        "lead": 0.6,
        "central": 0.1,
        "keywords": 0.2,
        "numbers": 0.0,
        "names": 0.0,
        "quote": -0.4,
        "anaphora": 0.0,
        "topic": -0.2,
        "density": 0.0,
        "title_share": 0.0,
        "function": 0.0,
        "length": 0.0,
    },
    "en": {
        "first": -0.4,
        "position": 0.3,
        "relative": -0.3,
        "paragraph_first": 0.0,
        "in_lead": 0.2,
        "title": 0.0,
        "lead": 0.6,
        "central": 0.1,
        "keywords": 0.2,
        "numbers": 0.0,
        "names": 0.0,
        "quote": -0.4,
        "anaphora": 0.0,
        "topic": -0.2,
        "density": 0.0,
        "title_share": 0.0,
        "function": 0.0,
        "length": 0.0,
    },
}


def score(info: SentenceInfo, weights: Mapping[str, float]) -> float:
    """How much the sentence deserves to be a bullet (higher is better)."""
    return sum(
        weights[name] * value for name, value in zip(FEATURE_NAMES, info.values, strict=True)
    )
