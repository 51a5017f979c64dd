"""Choosing the bullets: greedy coverage of the article's concepts per character.

Each round takes the usable sentence whose not-yet-covered concept weight, per character of
its (possibly shortened) bullet, boosted for early sentences and damped for quotes, is the
highest. A sentence that opens with a back-reference ("Er sagte …", "Diese wurden …") is only
eligible once the sentence before it is a bullet, so the two stand next to each other, and a
near-duplicate of a chosen bullet is never eligible. Bullets are returned in article order.
"""

from __future__ import annotations

from dataclasses import dataclass

from kurzum.core.features import SentenceInfo, content_stems
from kurzum.core.rank import Calibration
from kurzum.core.shorten import Shortened, shorten
from kurzum.models import Language

__all__ = ["Choice", "candidates", "select"]

# Added to every sentence's covered weight, so that a sentence covering nothing new can still
# be chosen (by length and position) when an article has nothing better: far below the weight
# of one concept (at least 1 unless ``singleton`` is tuned below it).
_BASE = 0.01


@dataclass(frozen=True, slots=True)
class Choice:
    """A candidate sentence, the text of its bullet and the concepts that text covers."""

    info: SentenceInfo
    short: Shortened
    stems: frozenset[str]


def candidates(
    infos: list[SentenceInfo], max_chars: int, language: Language, soft_chars: int
) -> list[Choice]:
    """Every sentence that can be a bullet, shortened to ``soft_chars`` where it faithfully can."""
    result: list[Choice] = []
    soft = min(soft_chars, max_chars)
    for info in infos:
        if not info.usable or info.question:
            continue
        short = shorten(info.sentence.text, language, max_chars, soft)
        if short is None:
            continue
        stems = info.stems
        if short.text != info.sentence.text:
            stems = content_stems(short.text, language)
        result.append(Choice(info, short, stems))
    return result


def _form(info: SentenceInfo, calibration: Calibration) -> float:
    """The multiplier of a sentence's value for its position and its share of quotation."""
    first = 1 + calibration.first if info.rank == 0 else 1.0
    return (
        first
        * (1 + calibration.position / (1 + info.rank))
        * (1 - calibration.quote * info.quote)
        * (1 + calibration.numbers * min(info.numbers, 2) / 2)
        * (1 + calibration.names * min(info.names, 4) / 4)
        * (1 - calibration.leaning * info.leaning)
    )


def select(
    choices: list[Choice],
    weights: dict[str, float],
    count: int,
    calibration: Calibration,
) -> list[Choice]:
    """Up to ``count`` choices covering the most concept weight, in article order."""
    chosen: dict[int, Choice] = {}
    covered: set[str] = set()
    # What does not change between rounds: the length penalty and the form multiplier.
    scale = [
        _form(c.info, calibration) / len(c.short.text) ** calibration.length_exponent
        for c in choices
    ]
    # A choice's value only falls as concepts get covered, so its value with nothing covered
    # bounds it in every round: later rounds look at choices best bound first and stop at a
    # bound below the best value found (with a margin for rounding of the sums).
    bound = [_value(c, weights, covered, factor) for c, factor in zip(choices, scale, strict=True)]
    order = sorted(range(len(choices)), key=bound.__getitem__, reverse=True)
    while len(chosen) < count:
        best = -1
        best_value = -1.0
        for position in order:
            if bound[position] * _ROUNDING < best_value:
                break
            choice = choices[position]
            index = choice.info.sentence.index
            if index in chosen or (choice.info.opener and index - 1 not in chosen):
                continue
            if any(_overlap(choice, c) > calibration.redundancy for c in chosen.values()):
                continue
            value = _value(choice, weights, covered, scale[position])
            # Equal values: the earlier sentence, as a scan in article order would pick.
            if value > best_value or (value == best_value and position < best):
                best, best_value = position, value
        if best < 0:
            break
        picked = choices[best]
        chosen[picked.info.sentence.index] = picked
        covered |= picked.stems
    return [chosen[i] for i in sorted(chosen)]


_ROUNDING = 1 + 1e-9


def _value(choice: Choice, weights: dict[str, float], covered: set[str], factor: float) -> float:
    """The weight of the concepts ``choice`` adds to ``covered``, times its form factor."""
    return (_BASE + sum(weights.get(stem, 0.0) for stem in choice.stems - covered)) * factor


def _overlap(a: Choice, b: Choice) -> float:
    """Shared concepts relative to the smaller of the two bullets."""
    if not a.stems or not b.stems:
        return 0.0
    return len(a.stems & b.stems) / min(len(a.stems), len(b.stems))
