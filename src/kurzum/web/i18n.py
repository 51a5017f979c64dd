"""UI message catalogues (de default, fr, en) and the choice of a reader's UI language.

The catalogues are data (``web/locales/<lang>.json``, flat ``key -> text`` maps with
``{name}`` placeholders), so translators never touch templates. Language choice: an explicit
``?lang=`` wins, then the ``kurzum_lang`` cookie, then ``Accept-Language``, then German.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale

from kurzum.errors import ConfigError
from kurzum.models import Language, parse_language

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANG_COOKIE",
    "LOCALES",
    "Catalogue",
    "catalogue",
    "choose_language",
    "parse_accept_language",
    "preferred_language",
]

DEFAULT_LANGUAGE: Language = "de"
LANG_COOKIE = "kurzum_lang"
MAX_RANGES = 20  # Accept-Language ranges read per header
LOCALES = Path(__file__).with_name("locales")


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The UI texts of one language; ``gettext`` falls back to German, then to the key."""

    language: Language
    messages: Mapping[str, str]
    fallback: Mapping[str, str]

    def gettext(self, key: str, /, **params: object) -> str:
        """The text for ``key`` with ``{name}`` placeholders filled from ``params``."""
        text = self.messages.get(key) or self.fallback.get(key) or key
        return text.format(**params) if params else text

    def ngettext(self, key: str, count: int, /, **params: object) -> str:
        """The plural form of ``key`` for ``count`` by the language's CLDR rule (``key.one``,
        ``key.other``, …; ``other`` when a form is missing), with ``{count}`` filled in."""
        form = _plural_form(self.language, count)
        chosen = f"{key}.{form}"
        if chosen not in self.messages and chosen not in self.fallback:
            chosen = f"{key}.other"
        return self.gettext(chosen, count=count, **params)


@cache
def _locale(language: Language) -> Locale:
    return Locale.parse(language)


def _plural_form(language: Language, count: int) -> str:
    return str(_locale(language).plural_form(abs(count)))


def _read(language: Language) -> dict[str, str]:
    raw = (LOCALES / f"{language}.json").read_text("utf-8")
    data = json.loads(raw)
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ConfigError(f"locale catalogue {language}.json must map strings to strings")
    return data


@cache
def catalogue(language: Language) -> Catalogue:
    """The (cached) catalogue of ``language``."""
    fallback = _read(DEFAULT_LANGUAGE)
    messages = fallback if language == DEFAULT_LANGUAGE else _read(language)
    return Catalogue(language, messages, fallback)


def as_language(value: str | None) -> Language | None:
    """``value`` as a supported language code (``"fr-CH"`` -> ``"fr"``), else None."""
    return parse_language(value)


def parse_accept_language(header: str | None) -> list[Language]:
    """Supported languages of an ``Accept-Language`` header, best first.

    The one Accept-Language rule (UI language and paywall notice alike): a range counts by its
    primary subtag (``fr-CH`` is ``fr``), ``q`` may follow other parameters, ``q=0`` excludes,
    equal ``q`` keeps the header's order; ``*`` and unknown languages are skipped. Only the
    first ``MAX_RANGES`` ranges are read (a header is client input)."""
    if not header:
        return []
    ranked: list[tuple[float, int, Language]] = []
    for position, part in enumerate(header.split(",")[:MAX_RANGES]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        language = as_language(tag)
        if language is not None and quality > 0:
            ranked.append((-quality, position, language))
    seen: list[Language] = []
    for _, _, language in sorted(ranked):
        if language not in seen:
            seen.append(language)
    return seen


def preferred_language(header: str | None, available: Iterable[str]) -> Language | None:
    """The best language of an Accept-Language header among ``available``, else None."""
    offered = set(available)
    return next((lang for lang in parse_accept_language(header) if lang in offered), None)


def choose_language(
    *, explicit: str | None, cookie: str | None, accept_language: str | None
) -> Language:
    """The UI language of a request: query parameter, cookie, header, then German."""
    for candidate in (as_language(explicit), as_language(cookie)):
        if candidate is not None:
            return candidate
    preferred = parse_accept_language(accept_language)
    return preferred[0] if preferred else DEFAULT_LANGUAGE
