"""Concept weights and selection: the lede first, central concepts next, no near-duplicates."""

from __future__ import annotations

from kurzum.core.calibration import Calibration, default_calibration
from kurzum.core.features import analyse, content_stems
from kurzum.core.rank import concept_weights
from kurzum.core.segment import split_article
from kurzum.core.select import candidates, lede, select
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


def _run(calibration: Calibration, count: int = 3, article: Article = ARTICLE) -> list[str]:
    infos = analyse(split_article(article, "de"), "de")
    head = content_stems(article.title or "", "de")
    weights = concept_weights(infos, head, calibration)
    pool = candidates(infos, 160, "de", calibration.soft_chars)
    return [c.short.text for c in select(pool, weights, count, calibration, head)]


def test_central_and_title_concepts_weigh_more() -> None:
    infos = analyse(split_article(ARTICLE, "de"), "de")
    weights = concept_weights(infos, content_stems("Hochwasser in Basel", "de"), Calibration())
    assert weights["rhein"] > weights["zoobesuch"]
    without_title = concept_weights(infos, frozenset(), Calibration())
    assert weights["basel"] > without_title["basel"]  # title concept boosted


def test_near_duplicates_are_never_both_chosen() -> None:
    texts = _run(default_calibration())
    assert len(texts) == 3
    duplicates = {
        "Der Rhein hat in Basel am Montag die Hochwassergrenze überschritten.",
        "Der Rhein hat in Basel am Montag die Hochwassergrenze klar überschritten.",
    }
    assert len(duplicates & set(texts)) == 1


def test_the_lede_comes_first_and_the_rest_in_article_order() -> None:
    texts = _run(default_calibration())
    assert texts[0] == ARTICLE.paragraphs[0]
    positions = [ARTICLE.text.index(t) for t in texts[1:]]
    assert positions == sorted(positions)


def test_a_later_opening_sentence_wins_the_lede_only_with_clearly_more_of_the_title() -> None:
    article = Article(
        title="Nationalbank belässt Leitzins bei 1 Prozent",
        lead=None,
        paragraphs=(
            "Am Donnerstag trafen sich die Spitzen der Finanzwelt wie jedes Quartal in Zürich.",
            "Die Nationalbank belässt den Leitzins bei 1 Prozent, wie sie am Donnerstag "
            "bekannt gab.",
            "Ökonomen hatten mit diesem Entscheid der Notenbank in Bern gerechnet.",
        ),
        language="de",
    )
    assert _run(default_calibration(), 1, article)[0].startswith("Die Nationalbank belässt")


def test_a_reference_may_only_follow_its_antecedent() -> None:
    article = Article(
        title="Neuer Trainer beim FC Basel",
        lead=None,
        paragraphs=(
            "Der FC Basel hat am Montag Fabio Celestini als neuen Trainer vorgestellt.",
            "Der Sportchef lobte die Arbeit des Vorgängers in den vergangenen zwei Jahren sehr.",
            "Er soll den Verein wieder an die Spitze der Super League in der Schweiz führen.",
        ),
        language="de",
    )
    texts = _run(default_calibration(), 3, article)
    for i, text in enumerate(texts):
        if text.startswith("Er soll"):
            assert article.paragraphs[1] in texts[:i]


def test_lede_is_none_without_candidates() -> None:
    assert lede([], frozenset()) is None
