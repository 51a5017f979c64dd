"""Language identification with the bundled py3langid model."""

from __future__ import annotations

import pytest

from kurzum.errors import EmptyInputError, UnsupportedLanguageError
from kurzum.ingest.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Der Bundesrat hat am Mittwoch die neuen Regeln für Velofahrer beschlossen.", "de"),
        ("Grüezi mitenand, wie gehts euch allen heute im schönen Zürich?", "de"),
        ("Le Conseil fédéral a adopté mercredi les nouvelles règles pour les cyclistes.", "fr"),
        ("The council approved new rules for cyclists on Wednesday evening.", "en"),
        ("Breaking news: the president has resigned", "en"),
    ],
)
def test_detects_de_fr_en(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_other_languages_are_refused_with_a_hint() -> None:
    with pytest.raises(UnsupportedLanguageError, match="'it'"):
        detect_language("Il consiglio comunale ha approvato ieri sera il nuovo piano per la città.")


def test_too_little_text_is_empty_input() -> None:
    with pytest.raises(EmptyInputError):
        detect_language("12 34 !!")


def test_only_the_beginning_is_read() -> None:
    german = "Der Bundesrat hat die neuen Regeln beschlossen. " * 60
    assert detect_language(german + "The rest of this text is English. " * 5000) == "de"
