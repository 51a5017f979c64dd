"""Text that can be stored and rendered: no lone UTF-16 surrogates (issue 14).

JSON allows escapes such as ``"\\ud800"`` that decode to a lone surrogate: a Python ``str``
that UTF-8 cannot encode, so PostgreSQL refuses it and every JSON or HTML answer holding it
fails. Input is checked with :func:`text_ok` / :func:`require_text` before anything is stored;
output goes through :func:`scrub`, so text stored before this check still renders.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from kurzum.errors import InputError

_SURROGATE = re.compile("[\ud800-\udfff]")
SURROGATE_MESSAGE = "contains an unpaired UTF-16 surrogate (not valid Unicode text)"


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


def find_bad_text(value: object, path: str = "") -> str | None:
    """The dotted path of the first string holding a surrogate in nested JSON data, else None."""
    if isinstance(value, str):
        return None if text_ok(value) else path or "value"
    if isinstance(value, dict):
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and not text_ok(key):
                return path or "key"
            found = find_bad_text(item, sub)
            if found:
                return found
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = find_bad_text(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def check_storable(data: Any) -> Any:
    """``data`` unchanged, or ValueError (a pydantic "before" validator of request models)
    when a string in it holds a lone surrogate or it is nested too deeply to walk."""
    try:
        bad = find_bad_text(data)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    if bad is not None:
        raise ValueError(f"{bad}: {SURROGATE_MESSAGE}")
    return data
