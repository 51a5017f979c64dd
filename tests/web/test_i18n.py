"""UI catalogues: complete in every language, and the language choice of a request."""

from __future__ import annotations

import json
import re

import pytest

from kurzum.models import LANGUAGES
from kurzum.web.i18n import (
    LOCALES,
    catalogue,
    choose_language,
    parse_accept_language,
    preferred_language,
)

WEB = LOCALES.parent
TEMPLATES = WEB / "templates"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _raw(language: str) -> dict[str, str]:
    path = LOCALES / f"{language}.json"
    data: dict[str, str] = json.loads(path.read_text("utf-8"))
    return data


def test_every_language_has_the_same_keys_and_placeholders() -> None:
    german = _raw("de")
    for language in LANGUAGES:
        other = _raw(language)
        assert set(other) == set(german), language
        for key, text in german.items():
            assert set(PLACEHOLDER.findall(other[key])) == set(PLACEHOLDER.findall(text)), key


def test_every_key_used_in_templates_and_pages_exists() -> None:
    german = _raw("de")
    used: set[str] = set()
    for path in TEMPLATES.rglob("*.html"):
        used.update(re.findall(r"""_\(\s*["']([\w.]+)["']\s*[,)]""", path.read_text("utf-8")))
    pages = WEB / "pages"
    for path in pages.glob("*.py"):
        used.update(re.findall(r"""gettext\(\s*["']([\w.]+)["']""", path.read_text("utf-8")))
    assert len(used) > 50
    assert sorted(used - set(german)) == []


def test_dynamic_state_keys_exist() -> None:
    german = _raw("de")
    for state in ("draft", "published", "rejected", "retracted", "superseded"):
        assert f"state.{state}" in german, state


def test_gettext_fills_placeholders_and_falls_back_to_german() -> None:
    assert catalogue("fr").gettext("box.title") == "En bref"
    assert catalogue("de").gettext("box.title") == "Auf einen Blick"
    assert catalogue("en").gettext("editor.review.version", number=3) == "Version 3"
    assert catalogue("en").gettext("no.such.key") == "no.such.key"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", ["fr", "en", "de"]),
        ("en-US,en;q=0.9", ["en"]),
        ("de;q=0.2, en;q=0.9", ["en", "de"]),
        ("it, es", []),
        ("fr;q=0, en", ["en"]),
        ("fr;q=abc, en", ["en"]),
        ("", []),
    ],
)
def test_parse_accept_language(header: str, expected: list[str]) -> None:
    assert parse_accept_language(header) == expected


def test_choose_language_order() -> None:
    assert choose_language(explicit="en", cookie="fr", accept_language="de") == "en"
    assert choose_language(explicit="xx", cookie="fr", accept_language="en") == "fr"
    assert choose_language(explicit=None, cookie=None, accept_language="fr-CH") == "fr"
    assert choose_language(explicit=None, cookie=None, accept_language=None) == "de"


@pytest.mark.parametrize(
    ("header", "available", "expected"),
    [
        ("fr-CH, de;q=0.5", ["de", "fr"], "fr"),  # the primary subtag counts
        ("de;level=1;q=0.1, fr;q=0.5", ["de", "fr"], "fr"),  # q after another parameter
        ("de;q=0, en", ["de"], None),  # q=0 means "not this one"
        ("english, *", ["en"], None),  # not a language tag; the wildcard picks nothing
        ("it, en;q=0.3", ["de", "fr"], None),
        (", ".join(["it"] * 25 + ["de"]), ["de"], None),  # only the first 20 ranges are read
    ],
)
def test_preferred_language_is_the_one_accept_language_rule(
    header: str, available: list[str], expected: str | None
) -> None:
    """The paywall notice and the UI language read Accept-Language the same way (issue 15)."""
    assert preferred_language(header, available) == expected
    ui = choose_language(explicit=None, cookie=None, accept_language=header)
    assert ui == (parse_accept_language(header) or ["de"])[0]
