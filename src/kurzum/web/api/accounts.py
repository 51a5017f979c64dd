"""Accounts API: register, login, logout, me. Answers never reveal whether an email exists.

Login failures are throttled per (account, client) pair with growing delays, and per account
past a ceiling (kurzum.usecases.throttle); registration per client address. Password hashing
runs in the thread pool behind the per-process hashing gate (kurzum.web.limits).
Throttles count the client address of ``web.client`` (X-Forwarded-For only from
``KURZUM_TRUSTED_PROXIES``).
"""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from kurzum.settings import Settings
from kurzum.storage import accounts
from kurzum.storage.tables import Subscription, User, utcnow
from kurzum.usecases import accounts as usecase
from kurzum.web import limits
from kurzum.web.auth import (
    SESSION_COOKIE,
    clear_session_cookies,
    csrf_token,
    set_session_cookies,
)
from kurzum.web.client import client_address
from kurzum.web.deps import OptionalLogin, RequiredLogin, SessionDep, SettingsDep
from kurzum.web.errors import ERROR_RESPONSES
from kurzum.web.limits import HashSlot
from kurzum.web.schemas import (
    CredentialsIn,
    MeOut,
    MessageOut,
    PasswordChangeIn,
    RegisterIn,
    SessionsEndedOut,
    SubscriptionOut,
    UserOut,
)

router = APIRouter(prefix="/api/v1/auth", tags=["accounts"], responses=ERROR_RESPONSES)

REGISTERED = "If this address can be registered, the account now exists: log in with your password."


async def register_account(
    request: Request, session: Session, settings: Settings, data: RegisterIn
) -> None:
    """Register ``data`` for the API and the form alike: the attempt is counted (or refused)
    first, and only then is a hashing slot taken for argon2, so throttled anonymous traffic
    never waits for or spends hashing capacity. Both steps run in the thread pool."""
    await run_in_threadpool(
        partial(
            usecase.admit_registration,
            session,
            settings,
            data.email,
            data.password,
            client=client_address(request),
            now=limits.now(request),
        )
    )
    async with limits.hash_gate(request).slot():
        await run_in_threadpool(
            partial(usecase.register, session, data.email, data.password, data.display_name)
        )


@router.post("/register", status_code=202, summary="Register a reader account")
async def register(
    data: RegisterIn, request: Request, session: SessionDep, settings: SettingsDep
) -> MessageOut:
    """The same answer whether or not the email was taken (no user enumeration); each client
    address may register ``register_max_per_client`` times per hour (429 beyond, before any
    password is hashed)."""
    await register_account(request, session, settings, data)
    return MessageOut(message=REGISTERED)


@router.post("/login", summary="Log in; sets the session cookie")
def login(
    data: CredentialsIn,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    slot: HashSlot,
) -> MeOut:
    """One answer for unknown email and wrong password. Failures slow down further tries of
    the same (account, client) pair and, past a ceiling, of the account (usecases.throttle)."""
    email = data.email.strip().lower()
    done = usecase.login(
        session,
        settings,
        data.email,
        data.password,
        client_address(request),
        now=limits.now(request),
        known_device=limits.known_device(request, settings, email),
    )
    csrf = set_session_cookies(response, settings, done.token)
    limits.set_device_cookie(response, settings, email)
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


@router.post("/password", summary="Change the password; other sessions end")
def change_password(
    data: PasswordChangeIn,
    request: Request,
    response: Response,
    login: RequiredLogin,
    session: SessionDep,
    settings: SettingsDep,
    slot: HashSlot,
) -> MeOut:
    """Needs the current password (wrong guesses count against the login throttle). Every
    session of the user ends; this browser gets a new one (new cookies and CSRF token)."""
    token = usecase.change_password(
        session,
        settings,
        login.user,
        data.current_password,
        data.new_password,
        client=client_address(request),
        now=limits.now(request),
    )
    csrf = set_session_cookies(response, settings, token)
    response.headers["Cache-Control"] = "no-store"
    user = login.user
    return MeOut(user=_user(user), subscriptions=_subs(session, user.id), csrf_token=csrf)


@router.post("/sessions/end-others", summary="Log out everywhere else")
def end_other_sessions(login: RequiredLogin, session: SessionDep) -> SessionsEndedOut:
    """Ends every session of the user except this one (a lost phone, a shared computer)."""
    return SessionsEndedOut(ended=usecase.end_other_sessions(session, login.user, login.token))


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
