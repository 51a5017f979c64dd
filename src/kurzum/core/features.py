"""What the selection needs to know about each sentence: content stems, position, form.

Computed from the article alone, in one pass over its words (stemmed with the Snowball
stemmer of the language, PyStemmer). Form flags decide whether a sentence can be a bullet at
all: long enough, a complete statement, not a question, not a piece of a longer quote.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from itertools import chain
from typing import NamedTuple

import Stemmer

from kurzum.core.wordlists import STOPWORDS
from kurzum.models import Language, Sentence

__all__ = ["SentenceInfo", "analyse", "content_stems"]


_STEMMER_NAMES: dict[Language, str] = {"de": "german", "fr": "french", "en": "english"}
# (``\w\w*`` rather than ``\w+``, here and in ``_NUMBER``: a pattern opening with a single
# class lets the regex engine skip ahead to the next word character instead of trying the whole
# pattern at every position; same matches, a third less time for the core's most-used regex.)
_WORD = re.compile(r"\w\w*(?:['’]\w+)?")
_CLOSERS = "»«“”\"'’) "
_END_CLOSERS = "»«“”\"'’)"
_CLOSING_SINGLE = re.compile(r"\w[.,!?]?['’](?=\s|$|[.,;:!?])")
_NUMBER = re.compile(r"\d\d*(?:[.,'’]\d+)*")
# Marks tested with ``any(map(text.__contains__, …))``, not a character-class search: a few
# substring scans at C speed cost less than the regex calling its class test on every
# character (a third less for the quotation marks; each sentence is tested for both).
_PAIRED_MARKS = '«»„“”"()'
_QUOTE_MARKS = '«„“"‘'
_QUOTED = re.compile(r"«[^»]*»|„[^“”]*[“”]|“[^”]*”|\"[^\"]*\"|‘[^’]*’")
_MIN_WORDS = 5  # fewer words than this is a caption, dateline or heading, never a bullet
_MIN_CHARS = 25
_MIN_CONTENT_WORDS = 3  # "One fell in Punjab." says too little to be a key point


class SentenceInfo(NamedTuple):
    """A sentence with its content stems and what decides whether it can be a bullet.

    ``rank`` is the sentence's position among the usable sentences before it (0 = the first
    usable one); ``quote`` the share of it inside quotation marks; ``numbers`` how many
    numbers it gives. A named tuple, not a frozen dataclass: one is made per sentence, and a
    frozen dataclass sets each field through ``object.__setattr__`` (3x slower to build).
    """

    sentence: Sentence
    stems: frozenset[str]
    rank: int
    usable: bool
    question: bool
    quote: float
    numbers: int = 0


@lru_cache(maxsize=3)
def _stemmer(language: Language) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMER_NAMES[language])


# Stem of every lower-cased word seen so far, "" for function and one-letter words. News
# vocabulary repeats from article to article, so most words are looked up, not stemmed again
# (a third of the core's time went to stemming). Thread-safe: a table is only ever added to
# (under the lock) and never cleared in place; when full, a fresh table replaces it, so a
# thread still reading the old one keeps every word it asked for (issue 15).
_STEMS: dict[Language, dict[str, str]] = {"de": {}, "fr": {}, "en": {}}
_STEM_CACHE_SIZE = 200_000
_STEMS_LOCK = threading.Lock()


def _stem_table(words: set[str], language: Language) -> dict[str, str]:
    """A stem table of ``language`` that contains every word of ``words`` (lower-cased)."""
    table = _STEMS[language]
    if not words.difference(table):  # (difference has a fast path for dicts, issubset not)
        return table  # the common case: no lock, the table only ever grows
    with _STEMS_LOCK:
        table = _STEMS[language]
        new = words.difference(table)
        if not new:
            return table
        if len(table) + len(new) > _STEM_CACHE_SIZE:
            table = {}  # replace, never clear: readers of the old table are unaffected
            new = set(words)
        stop = STOPWORDS[language]
        content = [w for w in new if len(w) > 1 and w not in stop]
        entries = dict.fromkeys(new, "")
        entries.update(zip(content, _stemmer(language).stemWords(content), strict=True))
        table.update(entries)
        _STEMS[language] = table
        return table


def _stems_of(words: list[str], table: dict[str, str]) -> frozenset[str]:
    """The content stems of ``words``, all of them in ``table`` (else KeyError)."""
    return frozenset(filter(None, map(table.__getitem__, words)))  # "" is no content word


def _stems_of_all(word_lists: list[list[str]], language: Language) -> list[frozenset[str]]:
    """The content stems of each list of lower-cased words.

    The words are looked up in the language's table straight away, and only when one is
    missing (KeyError) is the set of all the words built and the table completed under the
    lock (``_stem_table``). In a warm process nearly every word is known, and building that
    set and its difference with the table first cost two more hash operations per word than
    the look-ups themselves (a tenth of ``analyse``'s time). Reading the table without the
    lock is as safe as in ``_stem_table``: a table only ever grows.
    """
    table = _STEMS[language]
    try:
        return [_stems_of(words, table) for words in word_lists]
    except KeyError:  # a word never stemmed before
        table = _stem_table(set(chain.from_iterable(word_lists)), language)
        return [_stems_of(words, table) for words in word_lists]


def content_stems(text: str, language: Language) -> frozenset[str]:
    """Stems of the content words of ``text`` (no function words, no one-letter words)."""
    return _stems_of_all([_WORD.findall(text.lower())], language)[0]


def analyse(sentences: tuple[Sentence, ...], language: Language) -> list[SentenceInfo]:
    """Content stems, position and form flags of every sentence of an article."""
    lowered = [_WORD.findall(s.text.lower()) for s in sentences]
    infos: list[SentenceInfo] = []
    rank = 0
    for sentence, words, stems in zip(
        sentences, lowered, _stems_of_all(lowered, language), strict=True
    ):
        text = sentence.text
        question = text.rstrip(_CLOSERS).endswith("?")
        if not _usable(text, len(words), stems):
            # not a bullet: only its concepts and position count, the form flags are not read
            infos.append(SentenceInfo(sentence, stems, rank, False, question, 0.0))
            continue
        infos.append(
            SentenceInfo(  # (positional: the fields in order, as named in the class)
                sentence,
                stems,
                rank,
                True,  # usable
                question,
                _quote_share(text) if any(map(text.__contains__, _QUOTE_MARKS)) else 0.0,  # quote
                len(_NUMBER.findall(text)),  # numbers
            )
        )
        rank += 1
    return infos


def _usable(text: str, n_words: int, stems: frozenset[str]) -> bool:
    """A complete statement: long enough, not all capitals, balanced quotes, a full stop."""
    return (
        n_words >= _MIN_WORDS
        and len(text) >= _MIN_CHARS
        and len(stems) >= _MIN_CONTENT_WORDS
        and text.removesuffix("\n").rstrip(_END_CLOSERS).endswith((".", "!", "…"))
        and not text.isupper()
        and _balanced(text)
    )


def _balanced(text: str) -> bool:
    """Quotes and parentheses are closed: the sentence is not a piece of a longer quote."""
    if text[:1] in "'‘" and not _CLOSING_SINGLE.search(text, 1):
        return False  # "'At that time, people were really dying of Aids." (quote goes on)
    if not any(map(text.__contains__, _PAIRED_MARKS)):
        return True
    if text.count("«") != text.count("»") or text.count("(") != text.count(")"):
        return False
    # „…“ (German) and “…” (English) share “: each pair has two marks, so the sum is even.
    curly = text.count("„") + text.count("“") + text.count("”")
    return curly % 2 == 0 and text.count('"') % 2 == 0


def _quote_share(text: str) -> float:
    """The share of ``text`` inside quotation marks."""
    quoted = sum(len(m.group()) for m in _QUOTED.finditer(text))
    return quoted / max(1, len(text))
