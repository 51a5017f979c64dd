"""Text that can be stored and rendered, and JSON text that can be parsed safely (issue 14).

JSON allows escapes such as ``"\\ud800"`` that decode to a lone surrogate: a Python ``str``
that UTF-8 cannot encode, so PostgreSQL refuses it and every JSON or HTML answer holding it
fails. Input is checked with :func:`text_ok` / :func:`require_text` before anything is stored;
output goes through :func:`scrub`, so text stored before this check still renders.

JSON nested thousands of levels deep makes the (recursive) parser and every recursive walk
raise RecursionError, and once corrupted CPython's own recursion bookkeeping. So untrusted JSON
text is measured first by :func:`json_too_deep`, a scan without recursion, and refused beyond
:data:`MAX_JSON_DEPTH` levels; :func:`load_json` is the one way to parse it. Nothing kurzum
accepts nests deeper than a few levels.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, AnyStr

from kurzum.errors import InputError

_SURROGATE = re.compile("[\ud800-\udfff]")
SURROGATE_MESSAGE = "contains an unpaired UTF-16 surrogate (not valid Unicode text)"

MAX_JSON_DEPTH = 64
DEPTH_MESSAGE = f"the JSON is nested deeper than {MAX_JSON_DEPTH} levels"
# One token per bracket or whole string (escapes honoured); a quote that opens no complete
# string stands alone, and the scan stops there (the rest is an unterminated string). The
# string pattern matches or fails in linear time, so a hostile body costs one pass.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}"]', re.DOTALL)
_TOKEN_B = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}"]', re.DOTALL)


def text_ok(value: str) -> bool:
    """True when ``value`` is encodable as UTF-8 (no lone surrogates)."""
    return _SURROGATE.search(value) is None


def check_text(value: str) -> str:
    """``value`` unchanged, or ValueError (for pydantic validators) when it holds a surrogate."""
    if not text_ok(value):
        raise ValueError(SURROGATE_MESSAGE)
    return value


def require_text(field: str, *values: str | None) -> None:
    """InputError naming ``field`` when any value holds a lone surrogate (storage guard)."""
    for value in values:
        if value is not None and not text_ok(value):
            raise InputError(f"{field} {SURROGATE_MESSAGE}")


def require_texts(field: str, values: Iterable[str]) -> None:
    """:func:`require_text` for a list of values."""
    require_text(field, *values)


def scrub(value: str) -> str:
    """``value`` with each lone surrogate replaced by U+FFFD, so it can always be encoded."""
    return _SURROGATE.sub("\ufffd", value) if not value.isascii() else value


def json_too_deep(data: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when the JSON text ``data`` opens more than ``limit`` arrays or objects inside each
    other, counted without parsing and without recursion ([ and { outside strings).

    Bytes are scanned as they are when UTF-8 (no multi-byte UTF-8 sequence holds an ASCII
    byte) and decoded first in the UTF-16/32 forms ``json.loads`` also reads. Text that is
    not JSON gives some answer; :func:`load_json` then refuses it as the parser does. The
    scan costs about as much as parsing (at worst, all brackets, about three times)."""
    if isinstance(data, str):
        if data.count("[") + data.count("{") <= limit:  # the common case, at C speed
            return False
        return _too_deep(data, _TOKEN, ("[", "{"), '"', limit)
    encoding = json.detect_encoding(data)
    if encoding != "utf-8":
        return json_too_deep(data.decode(encoding, "replace"), limit)
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    return _too_deep(data, _TOKEN_B, (b"[", b"{"), b'"', limit)


def _too_deep(
    data: AnyStr,
    token: re.Pattern[AnyStr],
    opening: tuple[AnyStr, AnyStr],
    quote: AnyStr,
    limit: int,
) -> bool:
    """:func:`json_too_deep` for text or UTF-8 bytes, with the matching token pattern."""
    depth = 0
    for found in token.finditer(data):
        tok = found[0]
        if tok in opening:
            depth += 1
            if depth > limit:
                return True
        elif tok == quote:  # an unterminated string: not JSON, nothing more to count
            return False
        elif len(tok) == 1:
            depth -= 1
    return False


def load_json(data: str | bytes) -> Any:
    """Parse untrusted JSON text: InputError (:data:`DEPTH_MESSAGE`) when it nests deeper than
    :data:`MAX_JSON_DEPTH`, checked before parsing; ``json.JSONDecodeError`` (a ValueError)
    when it is not JSON."""
    if json_too_deep(data):
        raise InputError(DEPTH_MESSAGE)
    return json.loads(data)


def find_bad_text(value: object, path: str = "") -> str | None:
    """The dotted path of the first string holding a surrogate in nested JSON data, else None.

    The walk keeps its own stack (no recursion), so any nesting depth is safe."""
    return _walk(value, path, None)


def _walk(value: object, path: str, limit: int | None) -> str | None:
    """The path of the first bad string (in document order), else None; with ``limit``,
    ValueError (:data:`DEPTH_MESSAGE`) on data nested deeper than that."""
    stack: list[tuple[object, str, int]] = [(value, path, 0)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, str):
            if not text_ok(item):
                return where or "value"
            continue
        children: list[tuple[object, str, int]] = []
        if isinstance(item, dict):
            for key, sub in item.items():
                if isinstance(key, str) and not text_ok(key):
                    children.append((key, where or "key", depth + 1))
                    break
                children.append((sub, f"{where}.{key}" if where else str(key), depth + 1))
        elif isinstance(item, list | tuple):
            for index, sub in enumerate(item):
                children.append((sub, f"{where}.{index}" if where else str(index), depth + 1))
        else:
            continue
        if limit is not None and depth >= limit:
            raise ValueError(DEPTH_MESSAGE)
        stack.extend(reversed(children))
    return None


def check_storable(data: Any) -> Any:
    """``data`` unchanged, or ValueError (a pydantic "before" validator of request models)
    when a string in it holds a lone surrogate or it nests deeper than :data:`MAX_JSON_DEPTH`
    (data built in Python, not parsed from JSON text, gets the same limit)."""
    bad = _walk(data, "", MAX_JSON_DEPTH)
    if bad is not None:
        raise ValueError(f"{bad}: {SURROGATE_MESSAGE}")
    return data
