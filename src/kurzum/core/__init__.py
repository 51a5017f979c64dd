"""The summarization core: pure functions, no I/O. ``summarize(article, options) -> Summary``.

PROVISIONAL: a minimal lead-3 placeholder so the other packages can be built against the
interface; the real ranker replaces it (issue 3).
"""

from __future__ import annotations

import re

from kurzum.core.options import SummaryOptions
from kurzum.models import Article, Bullet, Source, Summary

__all__ = ["SummaryOptions", "summarize"]

_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ«„\"])")


def summarize(article: Article, options: SummaryOptions = SummaryOptions()) -> Summary:
    """Pick ``options.bullets`` key sentences of the article, in article order."""
    text = article.text
    bullets: list[Bullet] = []
    pos = 0
    index = 0
    for block in article.blocks:
        for sentence in _SPLIT.split(block):
            start = text.index(sentence, pos)
            pos = start + len(sentence)
            if len(bullets) < options.bullets:
                bullets.append(Bullet(sentence[: options.max_chars], (Source(index, start, pos),)))
            index += 1
    return Summary(tuple(bullets), article.language or options.language or "de")
