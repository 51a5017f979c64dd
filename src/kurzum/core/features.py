"""Per-sentence features for ranking: position, centrality, title/lead overlap, density, form.

Everything is computed from the article alone, in one pass over its words (stemmed with the
Snowball stemmer of the language, PyStemmer), so an article takes well under a millisecond.
The feature values are plain floats in about 0..1; ``rank.py`` weighs them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from kurzum.core.wordlists import OPENERS, STOPWORDS, word_set
from kurzum.models import Article, Language, Sentence

__all__ = ["FEATURE_NAMES", "SentenceInfo", "analyse", "content_stems"]

FEATURE_NAMES: tuple[str, ...] = (
    "first",  # first usable sentence of the article
    "position",  # 1 / (1 + rank among usable sentences)
    "relative",  # rank / number of usable sentences
    "paragraph_first",  # first sentence of its paragraph
    "in_lead",  # part of Article.lead
    "title",  # share of the title's content stems found in the sentence
    "lead",  # share of the lead's content stems found in a body sentence
    "central",  # share of the sentence's content stems used elsewhere in the article
    "keywords",  # share of the article's top keywords found in the sentence
    "numbers",  # numbers in the sentence (capped at 3) / 3
    "names",  # capitalised words after the first (capped at 4) / 4
    "quote",  # the sentence is mostly a direct quote
    "anaphora",  # refers back ("dies", "this", "il") somewhere after its first word
    "topic",  # share of the first usable sentence's content stems found in a later sentence
    "density",  # mean number of sentences sharing each content stem, over all sentences
    "title_share",  # share of the sentence's content stems found in the title
    "function",  # share of the sentence's words that are function words
    "length",  # characters / 100
)

_STEMMER_NAMES: dict[Language, str] = {"de": "german", "fr": "french", "en": "english"}
_WORD = re.compile(r"\w+(?:['’]\w+)?")
_NUMBER = re.compile(r"\d+(?:[.,'’]\d+)*")
_END = re.compile(r"[.!…][»«“”\"'’)]*$")
_QUOTED = re.compile(r"«[^»]*»|„[^“”]*[“”]|“[^”]*”|\"[^\"]*\"|‘[^’]*’")
_TOP_KEYWORDS = 10  # the article's most frequent content stems used by "keywords"
_MIN_WORDS = 5  # fewer words than this is a caption, dateline or heading, never a bullet
_MIN_CHARS = 25
_MIN_CONTENT_WORDS = 3  # "One fell in Punjab." says too little to be a key point


@dataclass(frozen=True, slots=True)
class SentenceInfo:
    """A sentence with its content stems, its feature values and its form flags."""

    sentence: Sentence
    stems: frozenset[str]
    values: tuple[float, ...]
    usable: bool
    opener: bool
    question: bool


@lru_cache(maxsize=3)
def _stemmer(language: Language) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMER_NAMES[language])


def content_stems(text: str, language: Language) -> frozenset[str]:
    """Stems of the content words of ``text`` (no function words, no one-letter words)."""
    stop = STOPWORDS[language]
    words = [w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in stop]
    return frozenset(_stemmer(language).stemWords(words))


def opens_with_reference(text: str, language: Language) -> bool:
    """Whether ``text`` opens with a word that needs an antecedent ("Er", "Diese", "Il")."""
    words = _WORD.findall(text[:60].lower())
    if not words:
        return False
    openers = OPENERS[language]
    if words[0] in openers or " ".join(words[:2]) in openers:
        return True
    if language == "de" and words[0] in ("das", "die", "der") and len(words) > 1:
        # "Das ist …", "Die wurden …": a demonstrative, unlike the article in "Das Haus …".
        second: str = _WORD.findall(text[:60])[1]
        return second[:1].islower()
    return False


def analyse(
    article: Article, sentences: tuple[Sentence, ...], language: Language
) -> list[SentenceInfo]:
    """Feature values and flags of every sentence of ``article``."""
    stop = STOPWORDS[language]
    stemmer = _stemmer(language)
    tokenised = [_WORD.findall(s.text) for s in sentences]
    lowered = [[w.lower() for w in words] for words in tokenised]
    flat = [w for words in lowered for w in words if len(w) > 1 and w not in stop]
    stem_of = dict(zip(flat, stemmer.stemWords(flat), strict=True))
    stem_sets = [frozenset(stem_of[w] for w in words if w in stem_of) for words in lowered]
    document_frequency: Counter[str] = Counter()
    for stems in stem_sets:
        document_frequency.update(stems)
    top = {w for w, c in document_frequency.most_common(_TOP_KEYWORDS) if c > 1}
    title = content_stems(article.title or "", language)
    lead_blocks = 1 if article.lead else 0
    lead = content_stems(article.lead or "", language)

    usable = [
        _usable(s.text, words, stems)
        for s, words, stems in zip(sentences, tokenised, stem_sets, strict=True)
    ]
    n_usable = max(1, sum(usable))
    first = next((stems for stems, ok in zip(stem_sets, usable, strict=True) if ok), frozenset())
    infos: list[SentenceInfo] = []
    rank = 0
    previous_paragraph = -1
    n_sentences = max(1, len(sentences))
    for sentence, words, lowered_words, stems, ok in zip(
        sentences, tokenised, lowered, stem_sets, usable, strict=True
    ):
        n_stems = max(1, len(stems))
        in_lead = sentence.paragraph < lead_blocks
        numbers = len(_NUMBER.findall(sentence.text))
        names = sum(1 for w in words[1:] if w[:1].isupper() and w.lower() not in stop)
        values = (
            1.0 if ok and rank == 0 else 0.0,
            1.0 / (1 + rank),
            rank / n_usable,
            1.0 if sentence.paragraph != previous_paragraph else 0.0,
            1.0 if in_lead else 0.0,
            len(stems & title) / len(title) if title else 0.0,
            len(stems & lead) / len(lead) if lead and not in_lead else 0.0,
            sum(1 for w in stems if document_frequency[w] > 1) / n_stems,
            len(stems & top) / max(1, len(top)),
            min(numbers, 3) / 3,
            min(names, 4) / 4,
            _quote_share(sentence.text),
            1.0 if _anaphoric(words[1:], language) else 0.0,
            len(stems & first) / len(first) if first and rank > 0 else 0.0,
            sum(document_frequency[w] for w in stems) / n_stems / n_sentences,
            len(stems & title) / n_stems if title else 0.0,
            sum(1 for w in lowered_words if w in stop) / max(1, len(lowered_words)),
            len(sentence.text) / 100,
        )
        infos.append(
            SentenceInfo(
                sentence=sentence,
                stems=stems,
                values=values,
                usable=ok,
                opener=opens_with_reference(sentence.text, language),
                question=sentence.text.rstrip("»«“”\"'’) ").endswith("?"),
            )
        )
        previous_paragraph = sentence.paragraph
        rank += 1 if ok else 0
    return infos


def _usable(text: str, words: list[str], stems: frozenset[str]) -> bool:
    """A complete statement: long enough, with lower-case words, balanced quotes, a full stop."""
    return (
        len(words) >= _MIN_WORDS
        and len(text) >= _MIN_CHARS
        and len(stems) >= _MIN_CONTENT_WORDS
        and _END.search(text) is not None
        and any(w.islower() for w in words)
        and _balanced(text)
    )


def _balanced(text: str) -> bool:
    """Quotes and parentheses are closed: the sentence is not a piece of a longer quote."""
    if text.count("«") != text.count("»") or text.count("(") != text.count(")"):
        return False
    # „…“ (German) and “…” (English) share “: each pair has two marks, so the sum is even.
    curly = text.count("„") + text.count("“") + text.count("”")
    return curly % 2 == 0 and text.count('"') % 2 == 0


def _quote_share(text: str) -> float:
    """The share of ``text`` inside quotation marks."""
    quoted = sum(len(m.group()) for m in _QUOTED.finditer(text))
    return quoted / max(1, len(text))


def _anaphoric(words: list[str], language: Language) -> bool:
    """Whether a later word of the sentence points back ("dies", "diese", "this", "cela")."""
    pointers = _POINTERS[language]
    return any(w.lower() in pointers for w in words[:8])


_POINTERS: dict[Language, frozenset[str]] = {
    "de": word_set("dies diese dieser dieses diesem diesen damit dadurch dabei"),
    "fr": word_set("cela ceci celui celle ceux cette ces"),
    "en": word_set("this these those such"),
}
