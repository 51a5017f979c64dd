"""What an article is about: a weight for each content stem ("concept"), and the calibration.

A summary is good when its bullets cover the article's important concepts (ROUGE rewards
exactly that against editors' bullets). A concept weighs more the more sentences use it
(centrality), when the title or the lead uses it, and when it appears early (news put the
main facts first). ``select.py`` then picks the sentences that cover the most weight per
character.

Calibration: every constant of ``Calibration`` was tuned per language by coordinate ascent
over a small grid on all of ``../shared/data/dev`` (140 articles: de 60, fr 14, en 66, read
through kurzum's ingestion), maximising ROUGE-1 + ROUGE-L F1 against the editors' references
minus a cost per 100 characters of summary, for a series of costs; one point per language
was then chosen so that the mean summary length over all articles stays within 25% of the
references' (212 characters) and the margins over lead-3 are as large as they can be. The
script is ``benchmarks/tune_ranker.py``; its last output is
``benchmarks/results/tune_ranker.txt``. In-sample margins over lead-3 (R1/RL) are
+1.1/+1.2 (de), +2.6/+1.0 (fr), +1.6/+1.4 (en) at 1.24 times the references' length;
5-fold cross-validated (``tune_ranker.py --cv``) they are smaller, see that file: with 140
articles the calibration fits the dev set, so treat the in-sample numbers as optimistic.
``leaning`` is set by hand for de (0.05; tuned: 0) so that a light penalty on "auch"/"diese
…" sentences costs only 0.1 ROUGE-1.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kurzum.core.features import SentenceInfo
from kurzum.models import Language

__all__ = ["CALIBRATION", "Calibration", "concept_weights"]


@dataclass(frozen=True, slots=True)
class Calibration:
    """The tuned constants of concept weighting and selection, for one language.

    - ``centrality``: exponent on the number of sentences using a concept; a concept used in
      one sentence only weighs ``singleton`` (but at least 1 when the title or lead uses it).
    - ``title``, ``lead``, ``early``: extra weight (factor 1 + x) for concepts in the title,
      in the lead, and first used within the first ``early_sentences`` usable sentences.
    - ``soft_chars``: bullets are shortened towards this length when they faithfully can be.
    - ``length_exponent``: a sentence's covered weight is divided by its length to this power.
    - ``position``: a sentence's value is multiplied by 1 + position / (1 + its rank), and
      the first usable sentence's by 1 + ``first`` on top.
    - ``quote``: a sentence's value is multiplied by 1 - quote * (share inside quotes).
    - ``numbers``: a sentence's value is multiplied by 1 + numbers * min(numbers in it, 2) / 2
      (figures are what readers look for in a key point).
    - ``names``: a sentence's value is multiplied by 1 + names * min(names in it, 4) / 4
      (concrete facts: who and where, en and fr only).
    - ``leaning``: a sentence leaning on an earlier one ("auch", "diese Berichte", "also",
      "aussi") has its value multiplied by 1 - leaning (it stands less well alone).
    - ``redundancy``: a sentence sharing more than this share of its concepts with a chosen
      bullet is a near-duplicate and never chosen.
    """

    centrality: float = 1.0
    singleton: float = 1.0
    title: float = 1.0
    lead: float = 1.0
    early: float = 2.0
    early_sentences: int = 3
    soft_chars: int = 110
    length_exponent: float = 1.0
    position: float = 0.5
    first: float = 0.0
    quote: float = 0.5
    numbers: float = 0.0
    redundancy: float = 0.6
    names: float = 0.0
    leaning: float = 0.0


CALIBRATION: dict[Language, Calibration] = {
    # benchmarks/results/tune_ranker.txt: de at length cost 13 (leaning by hand), fr at 0,
    # en at 4 (mean length 1.24 x the references').
    "de": Calibration(
        centrality=0.5,
        singleton=0.5,
        title=3.0,
        lead=2.0,
        early=1.0,
        early_sentences=4,
        soft_chars=100,
        length_exponent=2.0,
        position=0.0,
        first=0.5,
        quote=0.0,
        numbers=0.0,
        redundancy=0.8,
        leaning=0.05,
    ),
    "fr": Calibration(
        centrality=2.0,
        singleton=0.0,
        title=0.5,
        lead=1.0,
        early=0.5,
        early_sentences=2,
        soft_chars=100,
        length_exponent=2.0,
        position=4.0,
        first=0.0,
        quote=0.5,
        numbers=0.0,
        redundancy=0.6,
    ),
    "en": Calibration(
        centrality=0.5,
        singleton=0.0,
        title=2.0,
        lead=1.0,
        early=4.0,
        early_sentences=4,
        soft_chars=140,
        length_exponent=0.7,
        position=0.0,
        first=0.0,
        quote=0.5,
        numbers=0.25,
        redundancy=0.5,
        leaning=0.1,
    ),
}


def concept_weights(
    infos: list[SentenceInfo],
    title: frozenset[str],
    lead: frozenset[str],
    calibration: Calibration,
) -> dict[str, float]:
    """The weight of every content stem of the article."""
    frequency: Counter[str] = Counter()
    for info in infos:
        frequency.update(info.stems)
    first_rank: dict[str, int] = {}
    for info in reversed(infos):  # earlier sentences overwrite later ones: the first rank wins
        first_rank.update(dict.fromkeys(info.stems, info.rank))
    weights: dict[str, float] = {}
    for stem, count in frequency.items():
        weight = count**calibration.centrality if count > 1 else calibration.singleton
        if stem in title:
            weight = max(weight, 1.0) * (1 + calibration.title)
        if stem in lead:
            weight = max(weight, 1.0) * (1 + calibration.lead)
        if first_rank[stem] < calibration.early_sentences:
            weight *= 1 + calibration.early
        weights[stem] = weight
    return weights
