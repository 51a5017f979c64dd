"""Concept weights and greedy selection: central concepts first, no near-duplicates."""

from __future__ import annotations

from kurzum.core.features import analyse, content_stems
from kurzum.core.rank import CALIBRATION, Calibration, concept_weights
from kurzum.core.segment import split_article
from kurzum.core.select import candidates, select
from kurzum.models import Article

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
