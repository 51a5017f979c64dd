"""Strict parsing of the model's JSON answer."""

from __future__ import annotations

import pytest

from kurzum.llm.answer import parse_bullets
from kurzum.llm.errors import AnswerFormatError


def test_plain_and_fenced_json() -> None:
    assert parse_bullets('{"bullets": [" Eins. ", "Zwei."]}') == ["Eins.", "Zwei."]
    assert parse_bullets('\n```json\n{"bullets": ["Eins."]}\n```\n') == ["Eins."]
    assert parse_bullets('```\n{"bullets": []}\n```') == []


def test_list_markers_are_not_content_but_ordinals_are() -> None:
    answer = '{"bullets": ["- Eins.", "• Zwei.", "–  Drei.", "3. Oktober: Wahl.", "-5 Grad."]}'
    assert parse_bullets(answer) == ["Eins.", "Zwei.", "Drei.", "3. Oktober: Wahl.", "-5 Grad."]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty answer"),
        ("   ", "empty answer"),
        ('{"bullets": ["Eins.', "invalid JSON"),
        ('Hier sind die Punkte: {"bullets": ["Eins."]}', "invalid JSON"),
        ('{"bullets": ["Eins."]} Danke!', "invalid JSON"),
        ('["Eins.", "Zwei."]', "expected an object, got list"),
        ('{"points": ["Eins."]}', 'exactly the key "bullets"'),
        ('{"bullets": ["Eins."], "note": "x"}', "other keys: note"),
        ('{"bullets": "Eins."}', "must be a list of strings"),
        ('{"bullets": ["Eins.", 2]}', "must be a list of strings"),
    ],
)
def test_anything_else_is_rejected_with_a_reason(content: str, message: str) -> None:
    with pytest.raises(AnswerFormatError, match=message):
        parse_bullets(content)
