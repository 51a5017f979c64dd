"""Proper names in a bullet, and whether the article contains them (inflection-tolerant).

A name candidate is a capitalised word that does not open a sentence and is not a function
word. In German every noun is capitalised, so a candidate is simply any such word: that is
sound, because the question asked is only "does the article contain this word (or its stem)?"
and a name the article does not contain is exactly what the check must flag.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache

import Stemmer

from kurzum.core.wordlists import STOPWORDS
from kurzum.models import Language

__all__ = ["NameIndex", "candidates"]

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_PART = re.compile(r"[-'’]")  # splits "KN-23-Raketen" and "Putin's" into parts
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+)[«»„“\"'‘(\[–—-]*\s*$")
_STEMMER_NAMES: dict[Language, str] = {"de": "german", "fr": "french", "en": "english"}
# Inflection endings tried when neither the word nor its Snowball stem is found:
# genitive "Russlands", plural/dative "Nordkoreanern", French plural "Suisses", "Putin's".
_ENDINGS = ("'s", "’s", "s", "es", "n", "en", "e", "er", "ern", "x")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A capitalised word of a bullet, with its offsets in the bullet."""

    text: str
    start: int
    end: int


@lru_cache(maxsize=3)
def _stemmer(language: Language) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMER_NAMES[language])


def candidates(text: str, language: Language) -> Iterator[Candidate]:
    """Capitalised words of ``text`` that are not at a sentence start nor function words."""
    stop = STOPWORDS[language]
    for match in _WORD.finditer(text):
        word = match.group().rstrip("'’-")
        if not word[:1].isupper() or word.lower() in stop:
            continue
        if _SENTENCE_START.search(text[max(0, match.start() - 8) : match.start()]) or (
            match.start() == 0
        ):
            continue
        yield Candidate(word, match.start(), match.start() + len(word))


class NameIndex:
    """The words of an article, lowercased, with stems, for tolerant look-ups."""

    def __init__(self, text: str, language: Language) -> None:
        self._language = language
        self._text = text.lower()
        words = {w.rstrip("'’-") for w in set(_WORD.findall(self._text))}
        parts = {p for w in words if _PART.search(w) for p in _PART.split(w) if p}
        self._words = words | parts

    @cached_property
    def _stems(self) -> set[str]:
        """Stems of every word, made only when a word is not found as it is (most are)."""
        return set(_stemmer(self._language).stemWords(sorted(self._words)))

    def contains(self, word: str) -> bool:
        """Whether the article has ``word``, an inflected form of it, or its stem."""
        lower = word.lower()
        if lower in self._words:
            return True
        stemmer = _stemmer(self._language)
        forms = {lower, *(lower[: -len(e)] for e in _ENDINGS if lower.endswith(e))}
        forms.discard("")
        if any(f in self._words or stemmer.stemWord(f) in self._stems for f in forms):
            return True
        # Hyphenated compounds whose every part is in the article: "Playmobil-Figuren".
        parts = [p for p in _PART.split(lower) if p]
        if len(parts) > 1 and all(self.contains(p) for p in parts):
            return True
        # Compounds: "Kreml" in "Kremlsprecher", "KN-23" in "KN-23-Raketen".
        return len(lower) >= 4 and lower in self._text
