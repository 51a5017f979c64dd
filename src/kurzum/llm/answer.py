"""Strict parsing of the model's answer: one JSON object ``{"bullets": ["...", ...]}``.

Only surrounding whitespace and one Markdown code fence (which many chat models add even in
JSON mode) are tolerated; anything else (prose around the JSON, other keys, non-strings) is
an AnswerFormatError whose message names the problem for the retry prompt.
"""

from __future__ import annotations

import json
import re

from kurzum.errors import InputError
from kurzum.llm.errors import AnswerFormatError
from kurzum.text import load_json

# A list marker some models put in front of each bullet ("- ", "• ") is not content. Numbered
# markers ("1. ") are kept: "3. Oktober" opens many a German bullet.
_MARKER = re.compile(r"\A[-•*–]\s+")
_FENCE = re.compile(r"\A```(?:json)?[ \t]*\n(?P<body>.*)\n```\Z", re.DOTALL)


def parse_bullets(content: str) -> list[str]:
    """The bullet texts of an answer, stripped of whitespace and list markers; raise
    AnswerFormatError if it is not strict JSON."""
    text = content.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group("body").strip()
    if not text:
        raise AnswerFormatError("empty answer")
    try:
        data = load_json(text)  # the model's answer may nest anything: measured first
    except json.JSONDecodeError as exc:
        raise AnswerFormatError(f"invalid JSON: {exc.msg} (character {exc.pos})") from None
    except InputError as exc:
        raise AnswerFormatError(str(exc)) from None
    if not isinstance(data, dict):
        raise AnswerFormatError(f"expected an object, got {type(data).__name__}")
    if set(data) != {"bullets"}:
        extra = ", ".join(sorted(set(data) - {"bullets"})) or "none"
        raise AnswerFormatError(f'expected exactly the key "bullets" (other keys: {extra})')
    bullets = data["bullets"]
    if not isinstance(bullets, list) or not all(isinstance(b, str) for b in bullets):
        raise AnswerFormatError('"bullets" must be a list of strings')
    return [_MARKER.sub("", b.strip()) for b in bullets]
