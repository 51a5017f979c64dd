"""Sentence features: names (en, fr) and sentences leaning on earlier ones ("auch", "also")."""

from __future__ import annotations

from kurzum.core.features import analyse
from kurzum.core.segment import split_article
from kurzum.models import Article, Language


def _infos(paragraphs: tuple[str, ...], language: Language) -> list[tuple[int, bool]]:
    article = Article(title=None, lead=None, paragraphs=paragraphs, language=language)
    infos = analyse(split_article(article, language), language)
    return [(info.names, info.leaning) for info in infos]


def test_leaning_sentences_are_flagged_per_language() -> None:
    de = _infos(
        (
            "Nordkorea unterstützt Russland mit Soldaten an der Front.",
            "Russland erhielt auch Dutzende Raketen von Nordkorea.",
            "Am Donnerstag dementierte der Kremlsprecher diese Berichte.",
        ),
        "de",
    )
    assert [leaning for _, leaning in de] == [False, True, True]
    assert all(names == 0 for names, _ in de)  # German capitalises every noun
    en = _infos(
        (
            "Fleetwood beat Scunthorpe 2-0 at Glanford Park on Saturday.",
            "Rochdale also thrashed Crewe at home in the evening.",
        ),
        "en",
    )
    assert en == [(4, False), (1, True)]  # Scunthorpe, Glanford, Park, Saturday
