"""Accounts API: register, login, logout, me. Answers never reveal whether an email exists.

Login is throttled per account and per client address (``web.client``: the socket's, and
X-Forwarded-For only from ``KURZUM_TRUSTED_PROXIES``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from kurzum.storage import accounts
from kurzum.storage.tables import Subscription, User, utcnow
from kurzum.usecases import accounts as usecase
from kurzum.web.auth import (
    SESSION_COOKIE,
    clear_session_cookies,
    csrf_token,
    set_session_cookies,
)
from kurzum.web.client import client_address
from kurzum.web.deps import OptionalLogin, RequiredLogin, SessionDep, SettingsDep
from kurzum.web.errors import ERROR_RESPONSES
from kurzum.web.schemas import (
    CredentialsIn,
    MeOut,
    MessageOut,
    RegisterIn,
    SubscriptionOut,
    UserOut,
)

router = APIRouter(prefix="/api/v1/auth", tags=["accounts"], responses=ERROR_RESPONSES)

REGISTERED = "If this address can be registered, the account now exists: log in with your password."


@router.post("/register", status_code=202, summary="Register a reader account")
def register(data: RegisterIn, session: SessionDep) -> MessageOut:
    """The same answer whether or not the email was taken (no user enumeration)."""
    usecase.register(session, data.email, data.password, data.display_name)
    return MessageOut(message=REGISTERED)


@router.post("/login", summary="Log in; sets the session cookie")
def login(
    data: CredentialsIn,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> MeOut:
    """One answer for unknown email and wrong password; throttled against brute force."""
    done = usecase.login(session, settings, data.email, data.password, client_address(request))
    csrf = set_session_cookies(response, settings, done.token)
    response.headers["Cache-Control"] = "no-store"
    return MeOut(user=_user(done.user), subscriptions=_subs(session, done.user.id), csrf_token=csrf)


@router.post("/logout", status_code=204, summary="Log out; ends the session")
def logout(
    request: Request, session: SessionDep, settings: SettingsDep, login: OptionalLogin
) -> Response:
    """Ends the server-side session (CSRF-checked when logged in) and clears the cookies."""
    if login is not None:
        usecase.logout(session, request.cookies.get(SESSION_COOKIE))
    response = Response(status_code=204)
    clear_session_cookies(response, settings)
    return response


@router.get("/me", summary="The logged-in user, subscriptions and CSRF token")
def me(
    login: RequiredLogin, session: SessionDep, settings: SettingsDep, response: Response
) -> MeOut:
    """Who is logged in; ``csrf_token`` goes into ``X-CSRF-Token`` on state-changing calls."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Vary"] = "Cookie"
    return MeOut(
        user=_user(login.user),
        subscriptions=_subs(session, login.user.id),
        csrf_token=csrf_token(settings, login.token),
    )


def _user(user: User) -> UserOut:
    return UserOut(id=user.id, email=user.email, display_name=user.display_name, role=user.role)


def _subs(session: Session, user_id: int) -> list[SubscriptionOut]:
    return [subscription_out(s) for s in accounts.subscriptions(session, user_id)]


def subscription_out(sub: Subscription) -> SubscriptionOut:
    """A subscription with its current validity."""
    at = utcnow()
    active = sub.valid_from <= at and (sub.valid_until is None or sub.valid_until > at)
    return SubscriptionOut(
        id=sub.id,
        publication=sub.publication.slug,
        plan=sub.plan,
        valid_from=sub.valid_from,
        valid_until=sub.valid_until,
        active=active,
    )
