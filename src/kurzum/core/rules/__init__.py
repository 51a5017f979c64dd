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
    """The compiled rules of one language (see the comments in the TOML files)."""

    clause_openers: frozenset[str]
    complement: tuple[re.Pattern[str], ...]
    needs_clause: frozenset[str]
    negations: frozenset[str]
    openers: frozenset[str]
    opener_pairs: frozenset[str]
    references: tuple[re.Pattern[str], ...]
    fragment: tuple[re.Pattern[str], ...]
    nofact: tuple[re.Pattern[str], ...]
    noise_prefix: tuple[re.Pattern[str], ...]
    noise: tuple[re.Pattern[str], ...]


@cache
def raw_rules(language: Language) -> dict[str, Any]:
    """The TOML data of ``language`` as parsed (examples included, for tests and docs)."""
    text = resources.files("kurzum.core").joinpath("rules", f"{language}.toml").read_text("utf-8")
    return tomllib.loads(text)


def _compile(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


@cache
def rules(language: Language) -> Rules:
    """The compiled rules of ``language``."""
    data = raw_rules(language)
    shorten, standalone = data["shorten"], data["standalone"]
    return Rules(
        clause_openers=frozenset(shorten["clause_openers"]),
        complement=_compile(shorten["complement"]),
        needs_clause=frozenset(shorten["needs_clause"]),
        negations=frozenset(shorten["negations"]),
        openers=frozenset(standalone["openers"]),
        opener_pairs=frozenset(standalone["opener_pairs"]),
        references=_compile(standalone["references"]),
        fragment=_compile(standalone["fragment"]),
        nofact=_compile(data["nofact"]["patterns"]),
        noise_prefix=_compile(data["noise"]["prefix"]),
        noise=_compile(data["noise"]["patterns"]),
    )
