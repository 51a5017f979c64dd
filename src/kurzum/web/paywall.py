"""What a reader who may not see a premium summary is offered: log in, or subscribe.

An anonymous reader gets the publication's notice with its login link and its subscribe offer;
a reader who is already known (a kurzum login or a valid publisher JWT) but holds no
subscription gets only the subscribe offer, never a second login that loops back to the
article. One rule for the reader API, the HTML fragment, the web component and kurzum's pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from fastapi import Request

from kurzum.storage.reader import ReaderPublication, ReaderView
from kurzum.web.auth import bearer
from kurzum.web.i18n import as_language, catalogue

LockedReason = Literal["login", "subscribe"]


@dataclass(frozen=True, slots=True)
class LockedOffer:
    """The call to action of a locked summary: why it is locked and where the reader can go."""

    reason: LockedReason
    login_url: str | None
    subscribe_url: str | None
    subscribe_text: str


def identified(request: Request, view: ReaderView) -> bool:
    """Whether the reader is known: a live kurzum login or a publisher JWT.

    Called after :func:`kurzum.web.auth.view_entitled`, which already refused (401) a JWT that
    does not verify, so a JWT here is a valid one."""
    token = bearer(request)
    return (token is not None and not token.startswith("kz_")) or view.login is not None


def subscribe_offer(offers: dict[str, Any], language: str) -> tuple[str | None, str]:
    """The offer's URL and text in ``language`` (else any configured one, else no URL)."""
    texts = catalogue(as_language(language) or "de")
    entry = offers.get(language)
    if not isinstance(entry, dict):
        entry = next((offers[k] for k in sorted(offers) if isinstance(offers[k], dict)), None)
    if entry is None or not entry.get("url"):
        return None, texts.gettext("box.subscribe_link")
    return str(entry["url"]), str(entry.get("text") or texts.gettext("box.subscribe_link"))


def kurzum_login_url(base_url: str, article_path: str) -> str:
    """kurzum's own login page, coming back to the article page after the login."""
    return f"{base_url.rstrip('/')}/account/login?next={quote(article_path, safe='/')}"


def locked_offer(
    pub: ReaderPublication, known: bool, language: str, base_url: str, article_path: str
) -> LockedOffer:
    """The offer for a locked summary; ``known`` is :func:`identified`."""
    url, text = subscribe_offer(pub.subscribe_offers, language)
    if known:
        return LockedOffer("subscribe", None, url, text)
    login = pub.login_url or kurzum_login_url(base_url, article_path)
    return LockedOffer("login", login, url, text)
