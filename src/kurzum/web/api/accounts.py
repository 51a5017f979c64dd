"""Accounts API: register, login, logout, me. Answers never reveal whether an email exists.

Login is throttled per account and per client address (the socket's, never X-Forwarded-For).
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from kurzum.errors import ConflictError
from kurzum.settings import Settings
from kurzum.storage import accounts
from kurzum.storage.tables import Subscription, User, utcnow
from kurzum.web.auth import (
    SESSION_COOKIE,
    clear_session_cookies,
    csrf_token,
    set_session_cookies,
)
from kurzum.web.deps import OptionalLogin, RequiredLogin, SessionDep, SettingsDep
from kurzum.web.errors import ERROR_RESPONSES, AuthError, ThrottledError
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
IP_FACTOR = 5  # a client address may fail this many times more than one account


def _throttles(settings: Settings) -> tuple[accounts.Throttle, accounts.Throttle]:
    window = timedelta(seconds=settings.login_window_seconds)
    return (
        accounts.Throttle(settings.login_max_failures, window),
        accounts.Throttle(settings.login_max_failures * IP_FACTOR, window),
    )


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/register", status_code=202, summary="Register a reader account")
def register(data: RegisterIn, session: SessionDep) -> MessageOut:
    """The same answer whether or not the email was taken (no user enumeration)."""
    email = accounts.normalize_email(data.email)
    accounts.check_password_strength(data.password)
    try:
        with session.begin_nested():
            accounts.create_user(session, email, data.password, display_name=data.display_name)
    except ConflictError:
        accounts.hash_password_dummy(data.password)  # same time as a real registration
    session.commit()
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
    by_account, by_address = _throttles(settings)
    account_key = "email:" + data.email.strip().lower()
    address_key = "ip:" + _client(request)
    if by_account.blocked(session, [account_key]) or by_address.blocked(session, [address_key]):
        raise ThrottledError("too many failed logins; try again later")
    user = accounts.authenticate(session, data.email, data.password)
    if user is None:
        by_account.fail(session, [account_key, address_key])
        session.commit()
        raise AuthError("wrong email or password")
    by_account.clear(session, account_key)
    token = accounts.create_session(session, user, timedelta(days=settings.session_days))
    session.commit()
    csrf = set_session_cookies(response, settings, token)
    response.headers["Cache-Control"] = "no-store"
    return MeOut(user=_user(user), subscriptions=_subs(session, user.id), csrf_token=csrf)


@router.post("/logout", status_code=204, summary="Log out; ends the session")
def logout(
    request: Request, session: SessionDep, settings: SettingsDep, login: OptionalLogin
) -> Response:
    """Ends the server-side session (CSRF-checked when logged in) and clears the cookies."""
    token = request.cookies.get(SESSION_COOKIE)
    if login is not None and token:
        accounts.end_session(session, token)
        session.commit()
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
