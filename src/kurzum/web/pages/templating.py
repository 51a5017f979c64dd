"""Jinja2 environment and the one function pages render through.

Every page goes through :func:`render`, which adds the request's UI catalogue, the viewer and
the CSRF token to the context and sets the cache headers: pages depend on the session cookie
(the paywall decision) and the UI language, so no shared cache may keep them.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import babel.dates
import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from kurzum.models import LANGUAGES, Language
from kurzum.storage.rules import is_editor
from kurzum.text import scrub
from kurzum.web.assets import asset_url
from kurzum.web.i18n import LANG_COOKIE, catalogue, choose_language
from kurzum.web.pages.jsonld import PAYWALLED_CLASS

__all__ = [
    "NO_STORE",
    "Viewer",
    "format_date",
    "format_datetime",
    "page_language",
    "render",
    "static_dir",
]

NO_STORE = {"Cache-Control": "private, no-store", "Vary": "Cookie, Authorization, Accept-Language"}
DEFAULT_TIME_ZONE = "Europe/Zurich"


@dataclass(frozen=True, slots=True)
class Viewer:
    """The logged-in user as the templates see it (None when anonymous)."""

    id: int
    email: str
    role: str

    @property
    def is_editor(self) -> bool:
        """Editors and admins see the newsroom pages."""
        return is_editor(self.role)


def _web_dir() -> Path:
    return Path(__file__).resolve().parent.parent


def static_dir() -> Path:
    """Directory of the CSS and JS served under ``/static``."""
    return _web_dir() / "static"


# Paths of parameterless routes per app: resolving a name walks every route (~60 µs), and the
# page chrome asks for four or five of them on every page.
_FIXED_URLS: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()


@jinja2.pass_context
def _page_url(context: Mapping[str, Any], name: str, /, **params: Any) -> str:
    request: Request = context["request"]
    if params:
        return str(request.app.url_path_for(name, **{k: str(v) for k, v in params.items()}))
    urls = _FIXED_URLS.setdefault(request.app, {})
    url = urls.get(name)
    if url is None:
        url = urls[name] = str(request.app.url_path_for(name))
    return url


@cache
def _static_url(name: str) -> str:
    """``/static/name?v=<fingerprint>``: cached for a year by browsers (kurzum.web.assets)."""
    return asset_url("/static", static_dir(), name)


@cache
def environment() -> jinja2.Environment:
    """The shared environment: autoescaping on, undefined variables are errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_web_dir() / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["page_url"] = _page_url
    env.globals["static_url"] = _static_url
    env.globals["languages"] = LANGUAGES
    env.globals["paywalled_class"] = PAYWALLED_CLASS
    env.filters["add_one"] = lambda value: int(value) + 1
    return env


def page_language(request: Request) -> Language:
    """The UI language of this request (``?lang=``, cookie, Accept-Language, German)."""
    return choose_language(
        explicit=request.query_params.get("lang"),
        cookie=request.cookies.get(LANG_COOKIE),
        accept_language=request.headers.get("accept-language"),
    )


def format_date(value: datetime | None, language: Language) -> str:
    """A date as readers of ``language`` write it (CLDR): "3. Oktober 2024", "3 octobre 2024"."""
    if value is None:
        return ""
    text = babel.dates.format_date(value, format="long", locale=language)
    # French writes the first of a month as an ordinal ("1er mars"); CLDR has no such pattern.
    return "1er" + text[1:] if language == "fr" and value.day == 1 else text


def format_datetime(
    value: datetime | None, language: Language, time_zone: str | None = None
) -> str:
    """Date and time in a time zone (default Europe/Zurich): "3. Oktober 2024, 14:05"."""
    if value is None:
        return ""
    zone = _zone(time_zone or DEFAULT_TIME_ZONE)
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone)
    day = format_date(local, language)
    clock = babel.dates.format_time(local, format="short", locale=language)
    return f"{day}, {clock}"


@cache
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    viewer: Viewer | None,
    csrf_token: str,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page with the shared context and the no-store cache headers."""
    language = page_language(request)
    messages = catalogue(language)
    full: dict[str, Any] = {
        "request": request,
        "request_path": request.url.path,
        "lang": language,
        "_": messages.gettext,
        "_n": messages.ngettext,
        "user": viewer,
        "csrf_token": csrf_token,
        "flash": None,
        "flash_kind": None,
    }
    full.update(context)
    html = scrub(environment().get_template(template).render(full))  # stored text always renders
    response = HTMLResponse(html, status_code=status_code, headers=NO_STORE)
    explicit = request.query_params.get("lang")
    if explicit and explicit == language:
        response.set_cookie(
            LANG_COOKIE, language, max_age=365 * 24 * 3600, httponly=True, samesite="lax"
        )
    return response
