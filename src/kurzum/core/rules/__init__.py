"""Editorial rules as data per language (``rules/{de,fr,en}.toml``), read once and compiled.

One place for the rules that both the summarizer (what it may cut, which sentences can stand
alone) and the editor lint (``kurzum.evaluation.lint``) apply, so the two never disagree.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from kurzum.models import Language

__all__ = ["Rules", "raw_rules", "rules"]


@dataclass(frozen=True, slots=True)
class Rules:
    """The compiled rules of one language (see the comments in the TOML files).

    Lists of patterns are joined into one alternation each (one regex scan per class).
    """

    clause_openers: frozenset[str]
    binds_next: frozenset[str]
    complement: re.Pattern[str]
    needs_clause: frozenset[str]
    negations: frozenset[str]
    openers: frozenset[str]
    opener_pairs: frozenset[str]
    references: re.Pattern[str]
    fragment: re.Pattern[str]
    function_words: frozenset[str]
    nofact: re.Pattern[str]
    noise_prefix: tuple[re.Pattern[str], ...]
    noise: re.Pattern[str]


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
        openers=frozenset(standalone["openers"]),
        opener_pairs=frozenset(standalone["opener_pairs"]),
        references=_any(standalone["references"]),
        fragment=_any(standalone["fragment"]),
        function_words=frozenset(standalone["function_words"]),
        nofact=_any(data["nofact"]["patterns"]),
        noise_prefix=_compile(data["noise"]["prefix"]),
        noise=_any(data["noise"]["patterns"]),
    )
