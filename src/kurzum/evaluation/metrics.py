"""ROUGE-1/2/L F1 for German, French and English summaries, and the lead-n baseline.

Uses Google's ``rouge-score`` for the counting but our own tokenizer: the package's default
tokenizer drops every non-ASCII letter (so "Grösse" became "gr sse") and stems with an English
Porter stemmer. Ours lowercases, keeps umlauts, accents and digits (``\\w+``) and stems with the
Snowball stemmer of the summary's language (PyStemmer).

ROUGE-L is computed as ``rougeLsum``: bullets (and reference sentences) are put on separate
lines and the union LCS is taken per line, the usual choice for multi-sentence summaries
(CNN/DM). Scores are F1 in 0..1.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from kurzum.core.segment import split_article
from kurzum.errors import ConfigError
from kurzum.models import Article, Language

try:
    from rouge_score import rouge_scorer
except ImportError as exc:  # `kurzum eval` is the `eval` extra
    raise ConfigError("ROUGE is not installed: pip install 'kurzum[eval]'") from exc

__all__ = ["RougeScores", "lead_n", "rouge", "tokenize"]

_TOKEN = re.compile(r"\w+")
_STEMMER_NAMES: dict[Language, str] = {"de": "german", "fr": "french", "en": "english"}


@dataclass(frozen=True, slots=True)
class RougeScores:
    """ROUGE-1, ROUGE-2, ROUGE-Lsum and sentence-level ROUGE-L F1 of a candidate, 0..1.

    ``rl`` is Lsum (union LCS per line); ``rl_joined`` the LCS over the joined bullets, the
    measure of issue 11's held-out table.
    """

    r1: float
    r2: float
    rl: float
    rl_joined: float = 0.0


class _Tokenizer:
    """Lowercased ``\\w+`` tokens (umlauts, accents and digits kept), Snowball-stemmed."""

    def __init__(self, language: Language) -> None:
        self._stemmer = Stemmer.Stemmer(_STEMMER_NAMES[language])

    def tokenize(self, text: str) -> list[str]:
        words: list[str] = self._stemmer.stemWords(_TOKEN.findall(text.lower()))
        return words


@lru_cache(maxsize=3)
def _tokenizer(language: Language) -> _Tokenizer:
    return _Tokenizer(language)


@lru_cache(maxsize=3)
def _scorer(language: Language) -> rouge_scorer.RougeScorer:
    return rouge_scorer.RougeScorer(
        ["rouge1", "rouge2", "rougeL", "rougeLsum"], tokenizer=_tokenizer(language)
    )


def tokenize(text: str, language: Language) -> list[str]:
    """The tokens ROUGE compares: lowercased, stemmed ``\\w+`` words of ``text``."""
    return _tokenizer(language).tokenize(text)


def rouge(candidate: Sequence[str], reference: Sequence[str], language: Language) -> RougeScores:
    """F1 of ROUGE-1, ROUGE-2 and ROUGE-Lsum of the candidate bullets against the reference."""
    if isinstance(candidate, str) or isinstance(reference, str):
        raise TypeError("rouge() takes sequences of bullets, not a single string")
    target = "\n".join(s.replace("\n", " ") for s in reference)
    prediction = "\n".join(s.replace("\n", " ") for s in candidate)
    scores = _scorer(language).score(target, prediction)
    return RougeScores(
        r1=scores["rouge1"].fmeasure,
        r2=scores["rouge2"].fmeasure,
        rl=scores["rougeLsum"].fmeasure,
        rl_joined=scores["rougeL"].fmeasure,
    )


def lead_n(article: Article, n: int = 3) -> list[str]:
    """The baseline: the first ``n`` sentences of the article (lead included), by our segmenter."""
    language = article.language or "de"
    return [s.text for s in split_article(article, language)[:n]]
