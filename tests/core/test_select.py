"""Concept weights and greedy selection: central concepts first, no near-duplicates."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kurzum.core.features import SentenceInfo, analyse, content_stems
from kurzum.core.rank import CALIBRATION, Calibration, concept_weights
from kurzum.core.segment import split_article
from kurzum.core.select import Choice, _form, _overlap, _value, candidates, select
from kurzum.core.shorten import Shortened
from kurzum.models import Article, Language, Sentence

ARTICLE = Article(
    title="Hochwasser in Basel",
    lead=None,
    paragraphs=(
        "Der Rhein hat in Basel am Montag die Hochwassergrenze überschritten.",
        "Der Rhein hat in Basel am Montag die Hochwassergrenze klar überschritten.",
        "Die Schifffahrt auf dem Rhein ist deshalb bis Mittwoch eingestellt.",
        "Ein Zoobesuch lohnt sich auch bei Regen, findet eine Familie aus Riehen.",
        "Die Behörden rechnen in Basel mit weiterem Regen und steigenden Pegeln am Rhein.",
    ),
    language="de",
)


def _run(calibration: Calibration, count: int = 3) -> list[str]:
    infos = analyse(split_article(ARTICLE, "de"), "de")
    weights = concept_weights(
        infos, content_stems(ARTICLE.title or "", "de"), frozenset(), calibration
    )
    pool = candidates(infos, 160, "de", calibration.soft_chars)
    return [c.short.text for c in select(pool, weights, count, calibration)]


def test_central_and_title_concepts_weigh_more() -> None:
    infos = analyse(split_article(ARTICLE, "de"), "de")
    weights = concept_weights(
        infos, content_stems("Hochwasser in Basel", "de"), frozenset(), Calibration(early=0.0)
    )
    assert weights["rhein"] > weights["zoobesuch"]
    assert weights["basel"] > weights["rhein"] / 4  # title concept boosted


def test_near_duplicates_are_never_both_chosen() -> None:
    texts = _run(Calibration(early=0.0, redundancy=0.6, singleton=0.2))
    assert len(texts) == 3
    duplicates = {
        "Der Rhein hat in Basel am Montag die Hochwassergrenze überschritten.",
        "Der Rhein hat in Basel am Montag die Hochwassergrenze klar überschritten.",
    }
    assert len(duplicates & set(texts)) == 1


def test_bullets_come_in_article_order() -> None:
    texts = _run(CALIBRATION["de"])
    positions = [ARTICLE.text.index(t) for t in texts]
    assert positions == sorted(positions)


def _exhaustive_select(
    choices: list[Choice], weights: dict[str, float], count: int, calibration: Calibration
) -> list[Choice]:
    """The plain greedy scan (every choice, every round) that ``select`` prunes."""
    chosen: dict[int, Choice] = {}
    covered: set[str] = set()
    while len(chosen) < count:
        best: Choice | None = None
        best_value = -1.0
        for choice in choices:
            index = choice.info.sentence.index
            if index in chosen or (choice.info.opener and index - 1 not in chosen):
                continue
            if any(_overlap(choice, c) > calibration.redundancy for c in chosen.values()):
                continue
            factor = _form(choice.info, calibration) / len(choice.short.text) ** (
                calibration.length_exponent
            )
            value = _value(choice, weights, covered, factor)
            if value > best_value:
                best, best_value = choice, value
        if best is None:
            break
        chosen[best.info.sentence.index] = best
        covered |= best.stems
    return [chosen[i] for i in sorted(chosen)]


_STEMS = [f"s{i}" for i in range(10)]
_choice_specs = st.lists(
    st.tuples(
        st.frozensets(st.sampled_from(_STEMS), max_size=6),  # the bullet's concepts
        st.sampled_from([40, 80, 120]),  # its length (few values: ties)
        st.booleans(),  # opens with a back-reference
        st.sampled_from([0.0, 0.5, 1.0]),  # share in quotes
    ),
    min_size=1,
    max_size=14,
)


@settings(max_examples=300, deadline=None)
@given(
    _choice_specs,
    st.lists(st.integers(min_value=0, max_value=4), min_size=10, max_size=10),
    st.integers(min_value=1, max_value=5),
    st.sampled_from(sorted(CALIBRATION)),
)
def test_pruned_selection_equals_the_exhaustive_scan(
    specs: list[tuple[frozenset[str], int, bool, float]],
    weight_values: list[int],
    count: int,
    language: Language,
) -> None:
    """Skipping choices whose best possible value cannot win changes nothing, ties included
    (small integer weights and equal lengths make many exact ties)."""
    pool = []
    for index, (stems, length, opener, quote) in enumerate(specs):
        text = "x" * length
        sentence = Sentence(index, 0, length, text, 0)
        info = SentenceInfo(sentence, stems, index, True, opener, False, quote)
        pool.append(Choice(info, Shortened(((0, length),), text), stems))
    weights = {stem: float(w) for stem, w in zip(_STEMS, weight_values, strict=True)}
    calibration = CALIBRATION[language]
    assert select(pool, weights, count, calibration) == _exhaustive_select(
        pool, weights, count, calibration
    )
