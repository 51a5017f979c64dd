"""Validate a model's bullets before anyone sees them: the hard gate of the LLM backends.

Checks, in this order: bullet count; each bullet non-empty and within the length limit;
language (the ingestion language detector); no "ß" where the article has none (Swiss house
style); no duplicates; and the faithfulness check (every number, date and name must occur in
the article, or in ``hybrid`` in the bullet's own source sentences).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kurzum.errors import UnsupportedLanguageError
from kurzum.faithfulness import check
from kurzum.ingest.language import detect_language
from kurzum.llm.problems import Problem
from kurzum.llm.prompts import swiss_spelling
from kurzum.models import Article, Bullet, Issue, Language, Summary

_WORD = re.compile(r"\w+")
# Two bullets repeat each other when this share of their words is common to both (Jaccard);
# 0.8 flags reworded copies ("Der Bund zahlt 5 Mio." / "Der Bund zahlt 5 Mio. Franken") but
# not two bullets about the same actor.
DUPLICATE_OVERLAP = 0.8
# Below this many letters the language detector guesses; shorter answers are not judged.
MIN_LETTERS_FOR_LANGUAGE = 20


def validate(
    bullets: Sequence[str],
    *,
    article: Article,
    language: Language,
    count: int,
    max_chars: int,
    scopes: Sequence[Article] | None = None,
) -> tuple[Problem, ...]:
    """Every problem of ``bullets`` as an answer for ``article``; empty when they may be used.

    ``scopes`` (hybrid) gives per bullet the article made of its source sentences: the
    faithfulness check then runs per bullet against its scope instead of the whole article.
    """
    problems: list[Problem] = []
    if len(bullets) != count:
        problems.append(Problem("count", number=len(bullets), limit=count))
    for i, text in enumerate(bullets):
        if not text:
            problems.append(Problem("empty", bullet=i))
        elif len(text) > max_chars:
            problems.append(Problem("too_long", bullet=i, number=len(text), limit=max_chars))
    problems.extend(_language(bullets, language))
    if swiss_spelling(article):
        problems.extend(Problem("eszett", bullet=i) for i, t in enumerate(bullets) if "ß" in t)
    problems.extend(_duplicates(bullets))
    problems.extend(_unsupported(bullets, article, language, scopes))
    return tuple(problems)


def _language(bullets: Sequence[str], language: Language) -> list[Problem]:
    text = " ".join(bullets)
    if sum(c.isalpha() for c in text) < MIN_LETTERS_FOR_LANGUAGE:
        return []
    try:
        found: str = detect_language(text)
    except UnsupportedLanguageError:
        found = "other"
    return [] if found == language else [Problem("language", span=found)]


def _words(text: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in _WORD.findall(text))


def _duplicates(bullets: Sequence[str]) -> list[Problem]:
    problems = []
    words = [_words(b) for b in bullets]
    for i in range(len(bullets)):
        for j in range(i):
            union = words[i] | words[j]
            if union and len(words[i] & words[j]) / len(union) >= DUPLICATE_OVERLAP:
                problems.append(Problem("duplicate", bullet=i, other=j))
                break
    return problems


def _unsupported(
    bullets: Sequence[str],
    article: Article,
    language: Language,
    scopes: Sequence[Article] | None,
) -> list[Problem]:
    if scopes is None:
        summary = Summary(tuple(Bullet(t) for t in bullets), language)
        return [_problem(x, x.bullet) for x in check(summary, article).issues]
    return [
        _problem(issue, i)
        for i, (text, scope) in enumerate(zip(bullets, scopes, strict=False))
        for issue in check(Summary((Bullet(text),), language), scope).issues
    ]


def _problem(issue: Issue, bullet: int) -> Problem:
    return Problem("unsupported", bullet=bullet, span=issue.text, kind=issue.kind)
