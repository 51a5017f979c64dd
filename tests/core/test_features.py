"""Sentence features: the stem cache behind content stems."""

from __future__ import annotations

import pytest
import Stemmer

from kurzum.core import features
from kurzum.core.features import content_stems
from kurzum.core.wordlists import STOPWORDS


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
