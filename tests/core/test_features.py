"""Sentence features: names (en, fr) and sentences leaning on earlier ones ("auch", "also")."""

from __future__ import annotations

import pytest
import Stemmer

from kurzum.core import features
from kurzum.core.features import analyse, content_stems
from kurzum.core.segment import split_article
from kurzum.core.wordlists import STOPWORDS
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


def test_stem_cache_is_bounded_and_changes_no_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stems come from a per-language cache that is cleared when full; results never differ."""
    text = "Die Behörden rechnen in Basel mit weiterem Regen und steigenden Pegeln am Rhein."
    fresh = frozenset(
        Stemmer.Stemmer("german").stemWords(
            [w for w in text.lower().rstrip(".").split() if w not in STOPWORDS["de"]]
        )
    )
    monkeypatch.setattr(features, "_STEM_CACHE_SIZE", 8)
    monkeypatch.setitem(features._STEMS, "de", {})
    assert content_stems(text, "de") == fresh  # 13 new words: more than fit, cache refilled
    assert len(features._STEMS["de"]) <= 13
    content_stems("Ganz andere Wörter füllen jetzt den Zwischenspeicher.", "de")
    assert len(features._STEMS["de"]) <= 8
    assert content_stems(text, "de") == fresh
