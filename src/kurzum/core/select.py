"""Choosing the bullets: the lede first, then greedy coverage of the article's concepts.

Candidates are the usable statements of the article (not from a separate lead unless
``repeat_lead``), shortened by safe cuts only, that can stand alone (``standalone.classify``)
or lean on the sentence right before them when that one is the bullet just above them.

Bullet 1 is the lede: of the first three standalone candidates that are not quotations, the
first that shares a concept with the title and lead (the news they announce), unless a later
one shares clearly more of them.
Bullets 2 and more are taken greedily by not-yet-covered concept weight per character,
boosted for early sentences and figures, damped for quotes; a near-duplicate of a chosen
bullet is never taken. Bullets 2 and more follow the lede in article order.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from itertools import pairwise, repeat

from kurzum.core.calibration import Calibration
from kurzum.core.features import SentenceInfo, content_stems
from kurzum.core.resolve import substitute
from kurzum.core.shorten import Shortened, shorten
from kurzum.core.standalone import Problem, classify, given_description, noise_prefix_end
from kurzum.models import Language, Source

__all__ = ["Choice", "Told", "candidates", "first_uses", "lede", "quoted", "select"]

# Added to every sentence's covered weight, so that a sentence covering nothing new can still
# be chosen (by length and position) when an article has nothing better.
_BASE = 0.01
_QUOTE = 0.5  # a sentence all inside quotation marks is worth half as much (colour, not fact)
_REDUNDANCY = 0.5  # sharing more than this share of concepts with a bullet: a near-duplicate
_LEDE_WINDOW = 3  # the lede is one of the first three candidates ...
_LEDE_MARGIN = 2  # ... and a later one wins only with this many more title/lead concepts
_QUOTED_LEDE = 0.5  # a sentence this much inside quotation marks is no lede ...
_QUOTE_MARKS = "«»„“”\"‹›'‘"  # ... nor one opening with a quotation mark
_LEAD_DUPLICATE = 0.7  # a body sentence sharing this share of concepts with the lead restates it


@dataclass(frozen=True, slots=True)
class Choice:
    """A candidate sentence, the text of its bullet and the concepts it covers.

    Whether it can stand alone (``standalone.classify``) is decided only when selection
    looks at it (most candidates are never looked at), and remembered in ``verdict``.
    """

    info: SentenceInfo
    short: Shortened
    stems: frozenset[str]
    language: Language = "de"
    verdict: list[Problem | None] = field(default_factory=list, compare=False)
    named: Source | None = None  # the name that replaced an opening reference (resolve.py)
    told: Container[str] = frozenset()  # the concepts of the article's earlier sentences

    @property
    def problem(self) -> Problem | None:
        """What keeps the bullet from standing alone (None: nothing), computed once."""
        if not self.verdict:
            problem = classify(self.short.text, self.language)
            if problem is None and given_description(self.short.text, self.language, self.told):
                problem = "reference"  # "Das Patent …": a patent told before
            self.verdict.append(problem)
        return self.verdict[0]

    @property
    def rejected(self) -> bool:
        """Noise, no fact or a fragment: never a bullet."""
        return self.problem in ("noise", "nofact", "fragment")

    @property
    def leans(self) -> bool:
        """It opens with a reference: it may only follow its preceding sentence."""
        return self.problem == "reference"


@dataclass(frozen=True, slots=True)
class Told:
    """The concepts an article used before sentence ``index``: a view on their first uses."""

    first_use: Mapping[str, int]
    index: int

    def __contains__(self, stem: object) -> bool:
        return isinstance(stem, str) and self.first_use.get(stem, self.index) < self.index


def first_uses(infos: list[SentenceInfo], lead_paragraph: int | None) -> dict[str, int]:
    """Where each concept is first used in the body (``Told``'s map).

    A separate lead (``lead_paragraph``) is not in the box, and the body's opening restates
    it: "den Leitzins" there is no reference to the lead's.
    """
    first_use: dict[str, int] = {}
    for info in infos:
        if info.sentence.paragraph != lead_paragraph:
            for stem in info.stems:
                first_use.setdefault(stem, info.sentence.index)
    return first_use


def candidates(
    infos: list[SentenceInfo],
    max_chars: int,
    language: Language,
    soft_chars: int,
    *,
    exclude_paragraph: int | None = None,
    lead_stems: frozenset[str] = frozenset(),
) -> list[Choice]:
    """Every sentence that can be a bullet, shortened safely towards ``soft_chars``.

    Sentences of paragraph ``exclude_paragraph`` (the lead) and body sentences restating the
    lead (most of their concepts are the lead's) are left out.
    """
    result: list[Choice] = []
    soft = min(soft_chars, max_chars)
    sentences = [info.sentence for info in infos]
    first_use = first_uses(infos, exclude_paragraph)
    for info in infos:
        if not info.usable or info.question:
            continue
        if exclude_paragraph is not None and info.sentence.paragraph == exclude_paragraph:
            continue
        if (
            lead_stems
            and info.stems
            and len(info.stems & lead_stems) > _LEAD_DUPLICATE * len(info.stems)
        ):
            continue
        text = info.sentence.text
        start = noise_prefix_end(text, language)
        short = shorten(text, language, max_chars, soft, start)
        if short is None:
            continue
        resolved = substitute(sentences, info.sentence.index, short, language, max_chars)
        if resolved is not None:  # "Der 35-Jährige …" -> "Anders Muster …": stands alone
            short = resolved.short
        stems = info.stems
        if short.text != text:
            stems = content_stems(short.text, language)
        named = resolved.name if resolved is not None else None
        told = Told(first_use, info.sentence.index)
        result.append(Choice(info, short, stems, language, named=named, told=told))
    return result


def lede(choices: list[Choice], head: frozenset[str]) -> int | None:
    """The position in ``choices`` of the bullet that carries the main news, or None."""
    window: list[int] = []
    fallback: int | None = None
    for i, choice in enumerate(choices):
        if choice.rejected or choice.leans:
            continue
        if fallback is None:
            fallback = i
        if not quoted(choice):
            window.append(i)
            if len(window) == _LEDE_WINDOW:
                break
    if not window:  # only quotes or leaning sentences: the first that stands alone
        if fallback is None:
            return None
        window = [fallback]
    if not head:
        return window[0]
    # The lede states what the title and lead announce: an opening sentence sharing none of
    # their concepts is colour or background, whichever comes first; among the rest the first
    # wins unless a later one carries clearly more of the announced news.
    shared = [len(choices[i].stems & head) for i in window]
    first = next((k for k, n in enumerate(shared) if n > 0), None)
    if first is None:
        return window[0]
    top = max(shared)
    if top >= shared[first] + _LEDE_MARGIN:
        return window[shared.index(top)]
    return window[first]


def quoted(choice: Choice) -> bool:
    """A quotation ("«…», sagte sie"): a voice on the news, not the news itself."""
    return choice.info.quote >= _QUOTED_LEDE or choice.short.text[:1] in _QUOTE_MARKS


def _form(info: SentenceInfo, calibration: Calibration) -> float:
    """The multiplier of a sentence's value for position, quotation and figures."""
    return (
        (1 + calibration.position / (1 + info.rank))
        * (1 - _QUOTE * info.quote)
        * (1 + calibration.numbers * min(info.numbers, 2) / 2)
    )


def select(
    choices: list[Choice],
    weights: dict[str, float],
    count: int,
    calibration: Calibration,
    head: frozenset[str] = frozenset(),
) -> list[Choice]:
    """Up to ``count`` choices: the lede, then the most concept weight, in article order."""
    first = lede(choices, head)
    if first is None or count < 1:
        return []
    lede_index = choices[first].info.sentence.index
    chosen: dict[int, Choice] = {lede_index: choices[first]}
    covered: set[str] = set(choices[first].stems)
    scale = [
        _form(c.info, calibration) / len(c.short.text) ** calibration.length_exponent
        for c in choices
    ]
    # Positions no longer eligible: chosen, or a near-duplicate of a chosen bullet. Kept up to
    # date as bullets are picked, so each pair of candidates is compared once, not every round.
    out: set[int] = set()
    _exclude(choices, choices[first], out)
    while len(chosen) < count:
        ranked: list[tuple[float, int]] = []
        for position, choice in enumerate(choices):
            if position in out:
                continue
            ranked.append((-_value(choice, weights, covered, scale[position]), position))
        ranked.sort()  # best value first; equal values: the earlier sentence
        best = -1
        for _, position in ranked:
            choice = choices[position]
            if choice.rejected or not _resolves(choices, chosen, choice, lede_index):
                continue
            best = position
            break
        if best < 0:
            break
        picked = choices[best]
        chosen[picked.info.sentence.index] = picked
        covered |= picked.stems
        _exclude(choices, picked, out)
    rest = [chosen[i] for i in sorted(chosen) if i != lede_index]
    return [chosen[lede_index], *rest]


def _exclude(choices: list[Choice], picked: Choice, out: set[int]) -> None:
    """Add to ``out`` the positions of ``picked``'s sentence and of its near-duplicates."""
    index = picked.info.sentence.index
    stems = picked.stems
    for position, choice in enumerate(choices):
        if position in out:
            continue
        other = choice.stems
        # a near-duplicate: shared concepts relative to the smaller of the two bullets
        if choice.info.sentence.index == index or (
            stems and other and len(other & stems) / min(len(other), len(stems)) > _REDUNDANCY
        ):
            out.add(position)


def _order(indices: list[int], lede_index: int) -> list[int]:
    """The bullets' order: the lede first, the others in article order."""
    return [lede_index, *sorted(i for i in indices if i != lede_index)]


def _resolves(
    choices: list[Choice], chosen: dict[int, Choice], choice: Choice, lede_index: int
) -> bool:
    """Whether every leaning bullet, ``choice`` added, directly follows its antecedent.

    A bullet opening with a reference may only stand right after the bullet made of the
    sentence before it in the article, so the reader meets the antecedent first.
    """
    picked = {**chosen, choice.info.sentence.index: choice}
    order = _order(list(picked), lede_index)
    for previous, index in pairwise(order):
        if picked[index].leans and previous != index - 1:
            return False
    return not picked[lede_index].leans


def _value(choice: Choice, weights: dict[str, float], covered: set[str], factor: float) -> float:
    """The weight of the concepts ``choice`` adds to ``covered``, times its form factor."""
    return (_BASE + sum(map(weights.get, choice.stems - covered, repeat(0.0)))) * factor
