"""Page helpers: dates per language, local-only redirects, the shared Jinja environment."""

from __future__ import annotations

from datetime import UTC, datetime

import jinja2
import pytest

from kurzum.web.pages.base import safe_next
from kurzum.web.pages.templating import environment, format_date


def test_dates_as_each_language_writes_them() -> None:
    day = datetime(2024, 10, 3, tzinfo=UTC)
    assert format_date(day, "de") == "3. Oktober 2024"
    assert format_date(day, "fr") == "3 octobre 2024"
    assert format_date(datetime(2024, 3, 1, tzinfo=UTC), "fr") == "1er mars 2024"
    assert format_date(day, "en") == "October 3, 2024"
    assert format_date(None, "de") == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/p/blick/x", "/p/blick/x"),
        ("/editor?state=draft", "/editor?state=draft"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_safe_next_allows_local_paths_only(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected


def test_templates_autoescape_and_refuse_undefined_names() -> None:
    env = environment()
    assert env.from_string("{{ x }}").render(x="<script>") == "&lt;script&gt;"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing.attr }}").render()
