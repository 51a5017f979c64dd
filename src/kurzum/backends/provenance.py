"""Link a bullet the model wrote to the article sentences it restates, for editors' review.

The ``llm`` backend gets free text back, so its bullets carry no offsets. This finds, per
bullet, the sentence sharing most of the bullet's content words (numbers and words of 4+
letters, casefolded, compared by prefix so "Russlands" meets "Russland"), and a second
sentence when it covers enough of what the first one left out. Pure, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kurzum.core.segment import split_article
from kurzum.models import Article, Language, Sentence, Source

_TOKEN = re.compile(r"\d+(?:['’ .,]\d+)*|\w{4,}")
# Inflection endings differ between a rewrite and its source ("Nordkoreas"/"Nordkorea",
# "Soldaten"/"Soldat"): words match when they share this many leading characters.
PREFIX = 5
# A sentence counts as a source when it covers at least this share of the bullet's content
# words; the second source must add this share of words the first did not cover.
MIN_SHARE = 0.3


def _keys(text: str) -> set[str]:
    keys = set()
    for token in _TOKEN.findall(text.casefold()):
        if token[0].isdigit():
            keys.add(re.sub(r"\D", "", token))
        else:
            keys.add(token[:PREFIX])
    return keys


def link(bullets: Sequence[str], article: Article, language: Language) -> list[tuple[Source, ...]]:
    """Per bullet, the whole-sentence sources that support it (best first, in article order)."""
    sentences = split_article(article, language)
    keyed = [(s, _keys(s.text)) for s in sentences]
    return [_sources(_keys(bullet), keyed) for bullet in bullets]


def _sources(words: set[str], keyed: list[tuple[Sentence, set[str]]]) -> tuple[Source, ...]:
    if not words or not keyed:
        return ()
    picked: list[Sentence] = []
    left = set(words)
    for _ in range(2):
        sentence, keys = max(keyed, key=lambda item: len(left & item[1]))
        if len(left & keys) < MIN_SHARE * len(words) or sentence in picked:
            break
        picked.append(sentence)
        left -= keys
    return tuple(Source(s.index, s.start, s.end) for s in sorted(picked, key=lambda s: s.index))
