"""Credentials: session cookies with CSRF tokens, publisher API keys and publisher JWTs.

Entitlement to a premium summary comes from a kurzum session whose user holds a valid
subscription, or from a JWT signed by the publication (RS256/ES256, audience and expiry
checked; issuer when the publication sets one; lifetime capped) whose claims carry the
subscription. Nothing else (User-Agent, Referer, client
address) ever grants access.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from fastapi import Request, Response
from sqlalchemy.orm import Session

from kurzum.errors import AuthError, CsrfError
from kurzum.settings import Settings
from kurzum.storage import accounts
from kurzum.storage.reader import ReaderPublication, ReaderView
from kurzum.storage.rules import is_editor
from kurzum.storage.tables import Publication, User

SESSION_COOKIE = "kurzum_session"
CSRF_COOKIE = "kurzum_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FORM_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
JWT_ALGORITHMS = ["RS256", "ES256"]
JWT_LEEWAY = timedelta(seconds=30)
# Set in the ASGI scope state by kurzum.web.cors when the request's Origin is on the
# publication's allow-list: a browser always sends Origin on cross-origin POSTs and pages
# cannot forge it, so a listed Origin stands in for the CSRF token the host page cannot read.
VERIFIED_ORIGIN = "kurzum.cors_origin"

DEFAULT_JWT_LIFETIME = timedelta(days=1)  # Settings.jwt_max_lifetime_seconds


@dataclass(frozen=True, slots=True)
class Login:
    """A request authenticated by a session cookie: the user and the cookie token."""

    user: User
    token: str

    @property
    def is_editor(self) -> bool:
        """Editors and admins may use the editor API."""
        return is_editor(self.user.role)


def csrf_token(settings: Settings, session_token: str) -> str:
    """The CSRF token bound to a session: HMAC of the session token with the secret key."""
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()


async def check_csrf(request: Request, settings: Settings, session_token: str) -> None:
    """Refuse a state-changing cookie-authenticated request without the session's CSRF token."""
    if request.method in SAFE_METHODS:
        return
    if request.scope.get("state", {}).get(VERIFIED_ORIGIN):
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FORM_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, csrf_token(settings, session_token)):
        raise CsrfError("CSRF token missing or wrong")


def set_session_cookies(response: Response, settings: Settings, token: str) -> str:
    """Set the HttpOnly session cookie and the readable CSRF cookie; returns the CSRF token."""
    max_age = settings.session_days * 86400
    csrf = csrf_token(settings, token)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
    )
    response.set_cookie(
        CSRF_COOKIE,
        csrf,
        max_age=max_age,
        httponly=False,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
    )
    return csrf


def clear_session_cookies(response: Response, settings: Settings) -> None:
    """Delete both cookies."""
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(
            name,
            path="/",
            secure=settings.cookie_secure,
            httponly=name == SESSION_COOKIE,
            samesite="lax",
        )


def bearer(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, else None."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


# -- publisher JWT --------------------------------------------------------------------------


def _claims(
    token: str, pub: Publication | ReaderPublication, now: datetime, max_lifetime: timedelta
) -> dict[str, Any]:
    if not pub.jwt_public_keys or not pub.jwt_audience:
        raise AuthError("this publication does not accept tokens")
    require = ["exp", "aud"] + (["iss"] if pub.jwt_issuer else [])
    for pem in pub.jwt_public_keys:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=str(pem),
                algorithms=JWT_ALGORITHMS,
                audience=pub.jwt_audience,
                issuer=pub.jwt_issuer or None,
                leeway=JWT_LEEWAY,
                options={"require": require},
            )
        except (jwt.InvalidSignatureError, jwt.InvalidKeyError):
            continue  # try the next configured key (rotation, RSA and EC keys side by side)
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise AuthError("invalid or expired token") from exc
        _check_lifetime(claims, now, max_lifetime)
        return claims
    raise AuthError("invalid or expired token")


def _check_lifetime(claims: dict[str, Any], now: datetime, max_lifetime: timedelta) -> None:
    """Refuse a token that lives longer than ``max_lifetime`` (from ``iat``, else from now)."""
    expires = _timestamp(claims.get("exp"))
    issued = _timestamp(claims.get("iat")) if "iat" in claims else now
    if expires is None or issued is None or expires - issued > max_lifetime + JWT_LEEWAY:
        raise AuthError("token lifetime exceeds the allowed maximum")


def jwt_entitled(
    token: str,
    pub: Publication | ReaderPublication,
    now: datetime | None = None,
    max_lifetime: timedelta = DEFAULT_JWT_LIFETIME,
) -> bool:
    """Verify a publisher JWT; True when its claims hold a valid subscription to ``pub``.

    Claims: ``{"aud": …, "exp": …, "subscription": {"publication": "blick", "plan": "plus",
    "valid_until": 1767225600}}`` or a list under ``"subscriptions"``; ``valid_until`` (epoch
    seconds or ISO 8601) is required unless the publication's ``jwt_require_valid_until`` is
    off. ``iss`` must match the publication's ``jwt_issuer`` when one is set, and the token
    may live at most ``max_lifetime`` (``exp`` minus ``iat``, or minus now).
    """
    at = now or datetime.now(UTC)
    claims = _claims(token, pub, at, max_lifetime)
    entries: list[Any] = []
    if isinstance(claims.get("subscription"), dict):
        entries.append(claims["subscription"])
    if isinstance(claims.get("subscriptions"), list):
        entries.extend(claims["subscriptions"])
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("publication") != pub.slug:
            continue
        raw = entry.get("valid_until")
        if raw is None:
            if pub.jwt_require_valid_until:
                continue
            return True
        until = _timestamp(raw)
        if until is not None and until > at:
            return True
    return False


def _max_lifetime(request: Request) -> timedelta:
    settings: Settings = request.app.state.settings
    return timedelta(seconds=settings.jwt_max_lifetime_seconds)


def _timestamp(value: Any) -> datetime | None:
    """A claim's time (epoch seconds or ISO 8601), None when unreadable."""
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC)
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return None


def reader_entitled(
    request: Request, session: Session, login: Login | None, pub: Publication
) -> bool:
    """Whether this request may read premium summaries of ``pub`` (JWT first, then session)."""
    token = bearer(request)
    if token is not None and not token.startswith("kz_"):
        return jwt_entitled(token, pub, max_lifetime=_max_lifetime(request))
    if login is None:
        return False
    if login.is_editor:
        return True
    return accounts.is_subscribed(session, login.user.id, pub.id)


def view_entitled(request: Request, view: ReaderView) -> bool:
    """:func:`reader_entitled` for a reader view that already holds the login's subscription.

    A free article is open to all; otherwise a publisher JWT decides when one is sent, else the
    session cookie's user (editors and admins, or a subscription valid now)."""
    if not view.article.premium:
        return True
    token = bearer(request)
    if token is not None and not token.startswith("kz_"):
        return jwt_entitled(token, view.publication, max_lifetime=_max_lifetime(request))
    login = view.login
    return login is not None and (login.is_editor or login.subscribed)
