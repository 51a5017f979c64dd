"""Remove what is not article content: notices, credits, captions, bylines, teasers and promos.

The patterns are data (``ingest/patterns/{common,de,fr,en}.toml``), one reason and examples per
rule, so they can be reviewed and tested without reading code. Two structural rules stay here
because they are about shape, not wording: subheadings and one-line questions between paragraphs.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from kurzum.models import Language

RuleKind = Literal["block", "span"]

# Runs of two or more spaces, or any tab / no-break space: single spaces are left alone, so
# the common case (clean text) makes no replacement at all (it used to replace every space).
# Written as one space character, then the rest of a run or (looking back) a space character
# other than " ": the same matches as ``[…]{2,}|[\t\u00a0\u2009\u202f]``, but a pattern
# opening with a single class lets the regex engine skip ahead to the next space character
# instead of trying both branches at every position (half the time).
_SPACES = re.compile(
    r"[ \t\u00a0\u2009\u202f](?:[ \t\u00a0\u2009\u202f]+|(?<=[\t\u00a0\u2009\u202f]))"
)
# Only before "," and ".": French puts a space before "?", "!", ":" and ";" on purpose.
_SPACE_BEFORE_PUNCT = re.compile(r" (?=[,.](?:\s|$))")
# A subheading: a short single line that does not end like a sentence (quotes may follow).
_SENTENCE_END = re.compile(r"[.!?…:;,][\"'»«“”’)\]]*$")
_QUESTION = re.compile(r"[^.!?]*\?[\"'»«“”’)]*")
HEADING_MAX_CHARS = 120  # longest subheading seen in the dev data is 69 characters
QUESTION_HEADING_MAX_CHARS = 80  # "Was hat Kim Jong Un davon?", "Comment réagissent les pêcheurs ?"


@dataclass(frozen=True, slots=True)
class Rule:
    """One noise pattern: drop a whole block, or cut a span out of a block."""

    name: str
    kind: RuleKind
    pattern: re.Pattern[str]
    why: str
    replace: str = " "
    requires: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    cases: tuple[tuple[str, str], ...] = ()
    ends: tuple[str, ...] = ()  # a pattern anchored at the end: the text must end with one

    def applies_to(self, text: str) -> bool:
        """False when none of the ``requires`` strings occurs, or the text does not end with
        one of ``ends`` (trailing whitespace aside): the regex cannot match then."""
        # (map, not a generator: this runs for every rule and paragraph)
        if self.requires and not any(map(text.__contains__, self.requires)):
            return False
        return not self.ends or text.rstrip().endswith(self.ends)


def _load(name: str) -> tuple[Rule, ...]:
    """Read one pattern file of the package."""
    data = tomllib.loads(
        resources.files("kurzum.ingest").joinpath("patterns", f"{name}.toml").read_text("utf-8")
    )
    rules: list[Rule] = []
    for kind in ("span", "block"):
        for entry in data.get(kind, []):
            rules.append(
                Rule(
                    name=f"{name}:{entry['name']}",
                    kind=kind,
                    pattern=re.compile(entry["pattern"]),
                    why=" ".join(entry["why"].split()),
                    replace=entry.get("replace", " "),
                    requires=tuple(entry.get("requires", ())),
                    examples=tuple(entry.get("examples", ())),
                    cases=tuple((case[0], case[1]) for case in entry.get("cases", ())),
                    ends=tuple(entry.get("ends", ())),
                )
            )
    return tuple(rules)


@cache
def rules_for(language: Language) -> tuple[Rule, ...]:
    """The rules for one language: its own first, then the language-independent ones."""
    return _load(language) + _load("common")


def nfc(text: str) -> str:
    """Unicode NFC: "Zürich" sent decomposed (u + combining diaeresis) becomes the one-character
    form used by the word lists, stemmers and typed bullets. Every text is normalised on the
    way in (ingestion, the API and page forms), so comparisons further down can trust it."""
    return unicodedata.normalize("NFC", text)


# What ``_SPACES`` needs to match: two spaces, or one of the other space characters. Testing
# these with ``in`` first skips the regex on clean text (a run of spaces pattern is tried at
# every position, ~10 µs per paragraph, most of ingestion's time).
_SPACE_MARKS = ("  ", "\t", "\u00a0", "\u2009", "\u202f")


def normalize_spaces(text: str) -> str:
    """Collapse runs of spaces (including no-break spaces) and strip the ends."""
    if not any(mark in text for mark in _SPACE_MARKS):
        return text.strip()  # what the substitution would leave
    return _SPACES.sub(" ", text).strip()


def clean_block(block: str, rules: tuple[Rule, ...]) -> str:
    """Cut every noise span out of one paragraph; empty when the whole block is noise."""
    return _clean(block, *_by_kind(rules))


# A span rule as the paragraph loop reads it: (requires, ends, pattern, replacement).
_Span = tuple[tuple[str, ...], tuple[str, ...], re.Pattern[str], str]


def _by_kind(rules: tuple[Rule, ...]) -> tuple[tuple[_Span, ...], tuple[re.Pattern[str], ...]]:
    """The span rules (as tuples) and the block patterns of ``rules``, in order."""
    spans = tuple((r.requires, r.ends, r.pattern, r.replace) for r in rules if r.kind == "span")
    return spans, tuple(r.pattern for r in rules if r.kind == "block")


@cache
def _rules_by_kind(
    language: Language,
) -> tuple[tuple[_Span, ...], tuple[re.Pattern[str], ...]]:
    """``_by_kind`` of the language's rules, once: paragraphs then skip the kind tests and
    attribute look-ups (thousands per article batch, a sixth of cleaning's time)."""
    return _by_kind(rules_for(language))


def _clean(text: str, spans: tuple[_Span, ...], blocks: tuple[re.Pattern[str], ...]) -> str:
    """``clean_block`` with the rules split by kind (``Rule.applies_to`` inlined)."""
    text = normalize_spaces(text)
    for requires, ends, pattern, replace in spans:
        if not text:
            break
        if requires and not any(map(text.__contains__, requires)):
            continue
        if ends and not text.rstrip().endswith(ends):
            continue
        cut, found = pattern.subn(replace, text)
        if found:  # re-normalise only when something was cut
            text = normalize_spaces(cut)
    if " ," in text or " ." in text:  # what the pattern needs: skips a scan of every space
        text = _SPACE_BEFORE_PUNCT.sub("", text)  # left where a span inside a sentence was cut
    for pattern in blocks:
        if pattern.fullmatch(text):
            return ""
    return text


def is_heading(block: str) -> bool:
    """A subheading or a one-line question between paragraphs: structure, not content."""
    if "\n" in block:
        return False
    if len(block) <= HEADING_MAX_CHARS and not _SENTENCE_END.search(block):
        return True
    return len(block) <= QUESTION_HEADING_MAX_CHARS and bool(_QUESTION.fullmatch(block))


def clean_blocks(blocks: tuple[str, ...], language: Language) -> tuple[str, ...]:
    """Clean every paragraph and drop the ones that are noise or subheadings."""
    spans, block_patterns = _rules_by_kind(language)
    kept: list[str] = []
    for block in blocks:
        text = _clean(block, spans, block_patterns)
        if text and not is_heading(text):
            kept.append(text)
    return tuple(kept)
