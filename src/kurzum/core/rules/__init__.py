"""Editorial rules as data per language (``rules/{de,fr,en}.toml``), read once and compiled.

One place for the rules that both the summarizer (what it may cut, which sentences can stand
alone) and the editor lint (``kurzum.evaluation.lint``) apply, so the two never disagree.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from kurzum.models import Language

__all__ = ["NAME_AHEAD", "AnyOf", "Rules", "needed_literals", "raw_rules", "rules"]

# Python's own regex parser, to read which literal text a rule pattern cannot match without.
# Private (``re._parser``, 3.11+), hence imported by name and used defensively: when it is
# missing or parses differently, patterns are simply searched without a literal test first.
try:
    _PARSER: Any = importlib.import_module("re._parser")
    _OPS: Any = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - other Python implementations
    _PARSER = _OPS = None
# A first name and a surname, either may be double ("Keller-Sutter"): what a role cut needs
# after the role ("der Fussballer Juan Izquierdo").
NAME_AHEAD = (
    r"(?=[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?\s+[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][\w-]+)?\b)"
)
_MAX_LITERALS = 8  # more alternatives than this cost more to test than the regex saves
_MIN_LITERAL = 3  # "er", "a" occur in every sentence: no use as a test


@dataclass(frozen=True, slots=True)
class AnyOf:
    """A class of rule patterns (``nofact``, ``references``, …): does any of them occur?

    Each pattern is searched on its own, not as one alternation: an alternation is tried at
    every position of the text with every branch, while a pattern anchored at the start (``^``)
    fails at once on its own. A pattern that cannot match without one of a few literal
    words (``needed_literals``) is only searched when ``in`` finds one of them: exact (a
    necessary condition, never a different answer) and many times cheaper than the regex,
    which does not open with a literal and so is tried at every position (``\\b(?:dieser|
    jener)\\b`` costs microseconds per sentence, most of them finding nothing).
    """

    patterns: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...]  # (needed literals, pattern)

    def found(self, text: str) -> bool:
        """Whether any pattern of the class occurs in ``text``."""
        for literals, pattern in self.patterns:
            # (map, not a generator expression: no generator and frame per pattern and text)
            if literals and not any(map(text.__contains__, literals)):
                continue
            if pattern.search(text):
                return True
        return False


@dataclass(frozen=True, slots=True)
class Rules:
    """The compiled rules of one language (see the comments in the TOML files).

    Lists of patterns are joined into one alternation each (one regex scan per class), except
    the standalone classes (``AnyOf``: searched pattern by pattern, behind literal tests).
    """

    clause_openers: frozenset[str]
    binds_next: frozenset[str]
    complement: re.Pattern[str]
    needs_clause: frozenset[str]
    negations: frozenset[str]
    role: re.Pattern[str]
    role_lead: re.Pattern[str]
    role_not_after: re.Pattern[str]
    role_needs_article: bool
    openers: frozenset[str]
    opener_pairs: frozenset[str]
    references: AnyOf
    fragment: AnyOf
    function_words: frozenset[str]
    given: re.Pattern[str] | None
    given_names: frozenset[str]
    nofact: AnyOf
    news_words: frozenset[str]
    news_suffix: str
    news_pattern: re.Pattern[str] | None
    noise_prefix: tuple[re.Pattern[str], ...]
    noise: AnyOf


@cache
def raw_rules(language: Language) -> dict[str, Any]:
    """The TOML data of ``language`` as parsed (examples included, for tests and docs)."""
    text = resources.files("kurzum.core").joinpath("rules", f"{language}.toml").read_text("utf-8")
    return tomllib.loads(text)


def _compile(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def _any(patterns: list[str]) -> re.Pattern[str]:
    """One regex matching where any of ``patterns`` matches (never, for an empty list)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)")


def _any_of(patterns: list[str]) -> AnyOf:
    """The class of ``patterns``, each with the literals it needs (if any)."""
    return AnyOf(tuple((needed_literals(p), re.compile(_space_first(p))) for p in patterns))


# A pattern opening with a one-character look-behind and white space: "(?<=[a-z])\s+…".
_BEHIND_SPACE = re.compile(r"\(\?<=(\\[wS]|\[(?:[^\]\\]|\\.)+\])\)\\s\+")


def _space_first(pattern: str) -> str:
    """``pattern`` with an opening ``(?<=X)\\s+`` written as ``\\s(?<=X\\s)\\s*``: same matches.

    A pattern opening with a look-behind is tried at every position of the text, each try
    testing the look-behind's class; one opening with ``\\s`` lets the regex engine skip
    ahead to the next space, and the look-behind (now over the character before the space
    and the space itself) is tested there only. Half the time for such a pattern.
    """
    match = _BEHIND_SPACE.match(pattern)
    if match is None:
        return pattern
    return rf"\s(?<={match.group(1)}\s)\s*{pattern[match.end() :]}"


def needed_literals(pattern: str) -> tuple[str, ...]:
    """A few literal strings, one of which every match of ``pattern`` contains; () if none.

    Read from the parsed pattern: a run of literal characters, a group or a repeated (at
    least once) part that needs one, or an alternation whose every branch needs one. Only
    for patterns searched anywhere in the text: one anchored at the start (``^``) fails fast
    already, and a case-insensitive one would need a case-folded copy of the text.
    """
    if _PARSER is None:
        return ()  # pragma: no cover
    try:
        parsed = _PARSER.parse(pattern)
        if parsed.state.flags & re.IGNORECASE or _anchored(parsed.data):
            return ()
        best = _best(_needed(parsed.data))
    except Exception:  # a private parser: any surprise means "no literal test"
        return ()  # pragma: no cover
    return tuple(sorted(best)) if best is not None else ()


def _anchored(items: Any) -> bool:
    return bool(items) and items[0][0] is _OPS.AT and items[0][1] is _OPS.AT_BEGINNING


def _needed(items: Any) -> list[frozenset[str]]:
    """Sets of literals found in the parsed sequence ``items``: every match has one of each."""
    found: list[frozenset[str] | None] = []
    run: list[str] = []
    for op, value in [*items, (None, None)]:  # (None, None): ends the last literal run
        if op is _OPS.LITERAL:
            run.append(chr(value))
            continue
        if run:
            found.append(frozenset({"".join(run)}))
            run = []
        if op is _OPS.SUBPATTERN and not value[1] and not value[2]:  # no (?i:…) flags
            found.append(_best(_needed(value[3].data)))
        elif op is _OPS.BRANCH:
            branches = [_best(_needed(branch.data)) for branch in value[1]]
            if all(branches):
                found.append(frozenset().union(*branches))  # type: ignore[arg-type]
        elif op in (_OPS.MAX_REPEAT, _OPS.MIN_REPEAT) and value[0] >= 1:
            found.append(_best(_needed(value[2].data)))
    return [f for f in found if f]


def _best(sets: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective usable set: its shortest literal longest, then the fewest."""
    usable = [s for s in sets if len(s) <= _MAX_LITERALS and min(map(len, s)) >= _MIN_LITERAL]
    if not usable:
        return None
    return max(usable, key=lambda s: (min(map(len, s)), -len(s)))


@cache
def rules(language: Language) -> Rules:
    """The compiled rules of ``language``."""
    data = raw_rules(language)
    shorten, standalone = data["shorten"], data["standalone"]
    return Rules(
        clause_openers=frozenset(shorten["clause_openers"]),
        binds_next=frozenset(shorten["binds_next"]),
        complement=_any(shorten["complement"]),
        needs_clause=frozenset(shorten["needs_clause"]),
        negations=frozenset(shorten["negations"]),
        role=re.compile(shorten["role"] + NAME_AHEAD),
        role_lead=re.compile(shorten["role_lead"]),
        role_not_after=re.compile(shorten["role_not_after"]),
        role_needs_article=bool(shorten["role_needs_article"]),
        openers=frozenset(standalone["openers"]),
        opener_pairs=frozenset(standalone["opener_pairs"]),
        references=_any_of(standalone["references"]),
        fragment=_any_of(standalone["fragment"]),
        function_words=frozenset(standalone["function_words"]),
        given=re.compile(standalone["given"]) if standalone["given"] else None,
        given_names=frozenset(standalone["given_names"]),
        nofact=_any_of(data["nofact"]["patterns"]),
        news_words=frozenset(data["nofact"]["news_words"]),
        news_suffix=data["nofact"]["news_suffix"],
        news_pattern=re.compile(data["nofact"]["news_pattern"])
        if data["nofact"]["news_pattern"]
        else None,
        noise_prefix=_compile(data["noise"]["prefix"]),
        noise=_any_of(data["noise"]["patterns"]),
    )
