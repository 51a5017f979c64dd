"""Can a sentence stand alone as a bullet? References, fragments, no-fact lines and noise.

The failure classes of issue 11 as functions over the per-language rule data
(``kurzum.core.rules``): a bullet that opens with a pronoun, connective or definite
description ("Er …", "Konkret …", "Der 35-Jährige …") needs its antecedent in an earlier
bullet; a teaser, a scene or an empty line carries no fact; a dateline with a byline or a
subheading glued to the sentence is noise.
"""

from __future__ import annotations

import re
from collections.abc import Container
from typing import Literal

from kurzum.core.features import content_stems
from kurzum.core.rules import rules
from kurzum.core.wordlists import word_set
from kurzum.models import Language

__all__ = [
    "Problem",
    "classify",
    "given_description",
    "is_noise",
    "is_timeless",
    "is_verbless",
    "noise_prefix_end",
    "opens_with_reference",
]

Problem = Literal["reference", "fragment", "nofact", "noise"]
# Finite verbs after "Das"/"Die"/"Der" that make it a demonstrative ("Die wurden …").
_FINITE = word_set(
    "ist war sind waren wird wurde wurden werden hat hatte haben hatten kann konnte soll sollte "
    "muss musste will wollte sei seien wäre gilt galt bleibt blieb geht ging zeigt zeigte "
    "rückte kostete dauerte stimmte betrifft betraf "
    # plural verbs, never adjectives: "Das zeigen mehr als 40 Dokumente."
    "zeigen sagen gehen stehen kommen bleiben liegen gelten reichen fehlen bedeuten "
    "betreffen kosten"
)
_WORDS = re.compile(r"[^\W\d_][\w'’-]*")
_FIRST_WORDS = re.compile(r"\W*([\w'’-]+)(?:[\s,]+([\w'’-]+))?")


def opens_with_reference(text: str, language: Language) -> bool:
    """Whether ``text`` opens with, or contains, a reference that needs an antecedent."""
    table = rules(language)
    match = _FIRST_WORDS.match(text)
    if match is not None:
        first = match.group(1).lower()
        second = (match.group(2) or "").lower()
        if first in table.openers or f"{first} {second}" in table.opener_pairs:
            return True
        if first.replace("’", "'").split("'")[0] in table.openers and "'" in first.replace(
            "’", "'"
        ):
            return True  # "C'est …", "L'homme" is handled by the descriptions
        # "Das ist …", "Die wurden …": a demonstrative, unlike the article in "Das Haus …".
        if language == "de" and first in ("das", "die", "der", "dem", "den"):
            raw = match.group(2) or ""
            if raw[:1].islower() and (
                raw in _FINITE or not raw.endswith(("e", "en", "er", "es", "em", "ste"))
            ):
                return True
    return table.references.found(text)


def given_description(text: str, language: Language, told: Container[str]) -> bool:
    """Whether ``text`` names with a bare definite description something told before.

    ``told`` holds the content stems of the article's earlier sentences. "Das Patent regelt …"
    after a sentence about a patent suit points back like a pronoun: the reader of the box
    has not met that patent. A noun used earlier in the same bullet, or a name that takes an
    article ("die Ukraine"), is no such reference.
    """
    table = rules(language)
    if table.given is None:
        return False
    for match in table.given.finditer(text):
        noun = match.group("noun")
        if noun in table.given_names:
            continue
        stems = content_stems(noun, language)
        if (
            stems
            and all(stem in told for stem in stems)
            and stems.isdisjoint(content_stems(text[: match.start()], language))
        ):
            return True
    return False


def is_verbless(text: str, language: Language) -> bool:
    """A line with no possible finite verb ("Eine Autobahn in Polen nahe der Grenze.").

    Only where the rules list function words (German): its first word and every lower-case
    word must be one of them, since any other lower-case word may be the verb.
    """
    function_words = rules(language).function_words
    if not function_words:
        return False
    first = _WORDS.search(text)  # most lines fail on their first word: no need for the rest
    if first is None or first.group().lower() not in function_words:
        return False
    words = _WORDS.findall(text)
    if len(words) < 2:
        return False
    return all(w.lower() in function_words for w in words[1:] if w[0].islower())


def is_timeless(text: str, language: Language) -> bool:
    """A statement with no sign of news: no past, perfect, future or progressive verb, no date.

    "Informal trading remains an essential survival strategy." is generic, not news. Only
    where the rules list the signs (``[nofact] news_…``, English): there news is told in the
    past, perfect or future, or "is …ing".
    """
    table = rules(language)
    if not table.news_words or any(ch.isdigit() for ch in text):
        return False
    suffix = table.news_suffix
    for word in _WORDS.findall(text.lower()):
        if word in table.news_words or (suffix and word.endswith(suffix)):
            return False
    return table.news_pattern is None or table.news_pattern.search(text) is None


def is_noise(text: str, language: Language) -> bool:
    """A dateline with a byline, a glued subheading or a scraped byline line."""
    table = rules(language)
    return table.noise.found(text) or any(p.search(text) for p in table.noise_prefix)


def noise_prefix_end(text: str, language: Language) -> int:
    """The length of a dateline with byline opening ``text`` ("ZÜRICH dpa | "), else 0."""
    for pattern in rules(language).noise_prefix:
        match = pattern.match(text)
        if match is not None:
            return match.end()
    return 0


def classify(text: str, language: Language) -> Problem | None:
    """The first problem that keeps ``text`` from standing alone as a bullet, or None."""
    table = rules(language)
    if is_noise(text, language):
        return "noise"
    if table.nofact.found(text):
        return "nofact"
    if table.fragment.found(text) or is_verbless(text, language):
        return "fragment"
    if opens_with_reference(text, language):
        return "reference"
    if is_timeless(text, language):
        return "nofact"
    return None
