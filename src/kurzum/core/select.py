"""Choosing the bullets: best-scored sentences that stand alone, fit, and do not repeat.

Greedy by score, with a length prior (short, dense sentences win ties against long ones), a
redundancy filter on content stems, and the standing-alone rule: a sentence that opens with a
back-reference ("Er sagte …", "Diese wurden …") is only taken when the sentence before it is
already a bullet, so the two appear as consecutive bullets.
"""

from __future__ import annotations

from dataclasses import dataclass

from kurzum.core.features import SentenceInfo
from kurzum.core.shorten import Shortened, shorten
from kurzum.models import Language

__all__ = ["PARAMS", "Choice", "SelectionParams", "select"]


@dataclass(frozen=True, slots=True)
class SelectionParams:
    """Constants of the selection; see ``rank.py`` for how they were calibrated.

    ``soft_chars``: a bullet longer than this is shortened when it faithfully can be, and
    scores ``length_penalty`` less per 100 characters beyond it. ``redundancy``: a sentence
    sharing more than this share of its content stems with a chosen bullet is a repeat.
    """

    soft_chars: int = 110
    length_penalty: float = 0.3
    redundancy: float = 0.5


# Per language, calibrated with the weights of rank.py (see there).
PARAMS: dict[Language, SelectionParams] = {
    "de": SelectionParams(90, 0.3, 0.4),
    "fr": SelectionParams(90, 0.3, 0.5),
    "en": SelectionParams(90, 0.3, 0.4),
}


@dataclass(frozen=True, slots=True)
class Choice:
    """A chosen sentence and the (possibly shortened) text of its bullet."""

    info: SentenceInfo
    short: Shortened


def select(
    infos: list[SentenceInfo],
    scores: list[float],
    count: int,
    max_chars: int,
    language: Language,
    params: SelectionParams = SelectionParams(),
) -> list[Choice]:
    """Up to ``count`` choices, in article order."""
    candidates: list[tuple[float, int, Choice]] = []
    soft = min(params.soft_chars, max_chars)
    for info, base in zip(infos, scores, strict=True):
        if not info.usable or info.question:
            continue
        short = shorten(info.sentence.text, language, max_chars)
        if short is None:
            continue
        if len(short.text) > soft:
            short = shorten(info.sentence.text, language, soft) or short
        excess = max(0, len(short.text) - soft) / 100
        candidates.append(
            (base - params.length_penalty * excess, info.sentence.index, Choice(info, short))
        )
    candidates.sort(key=lambda c: (-c[0], c[1]))

    chosen: dict[int, Choice] = {}
    for _, index, choice in candidates:
        if len(chosen) == count:
            break
        if choice.info.opener and index - 1 not in chosen:
            continue
        if any(_overlap(choice.info, c.info) > params.redundancy for c in chosen.values()):
            continue
        chosen[index] = choice
    return [chosen[i] for i in sorted(chosen)]


def _overlap(a: SentenceInfo, b: SentenceInfo) -> float:
    """Shared content stems relative to the smaller sentence."""
    if not a.stems or not b.stems:
        return 0.0
    return len(a.stems & b.stems) / min(len(a.stems), len(b.stems))
