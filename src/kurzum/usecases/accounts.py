"""Reader accounts: register, log in, log out, change the password, end other sessions.

Answers never reveal whether an email exists. Login failures slow down the (account, client)
pair and, past a ceiling, the account (:mod:`kurzum.usecases.throttle`); registration is
limited per client address. The web layer turns the returned session token into cookies (the
JSON API and the HTML form alike) and passes the time (``now``) from its injectable clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kurzum.errors import AuthError, ConflictError, PermissionDeniedError
from kurzum.settings import Settings
from kurzum.storage import accounts
from kurzum.storage.tables import User
from kurzum.usecases.throttle import check_rate, login_throttle, register_limit


@dataclass(frozen=True, slots=True)
class LoggedIn:
    """A successful login: the user and the new session token (the session cookie's value)."""

    user: User
    token: str


def admit_registration(
    session: Session, settings: Settings, email: str, password: str, *, client: str, now: datetime
) -> None:
    """Count one registration attempt of ``client``, or refuse it, before any hashing.

    The web layer calls this before it takes a password-hashing slot, so throttled anonymous
    traffic never spends hashing capacity. PermissionDeniedError when self-registration is
    closed; InputError for an unusable email and WeakPasswordError when the password breaks
    the rule (neither counted: nothing was tried); ThrottledError past
    ``register_max_per_client`` attempts of this client address in an hour. The attempt is
    committed: it counts even when the registration then fails."""
    if not settings.registration_open:
        raise PermissionDeniedError("registration is closed; ask an administrator")
    accounts.normalize_email(email)
    accounts.check_password_strength(password)
    limit = register_limit(settings)
    check_rate(session, limit, "register:" + client, now, "too many registrations; try later")
    session.commit()


def register(
    session: Session,
    email: str,
    password: str,
    display_name: str = "",
) -> None:
    """Create a reader account (argon2: call it holding a hashing slot, after
    :func:`admit_registration`); a taken email costs the same time and answers the same."""
    normalized = accounts.normalize_email(email)
    try:
        with session.begin_nested():
            accounts.create_user(session, normalized, password, display_name=display_name)
    except ConflictError:
        accounts.hash_password_dummy(password)  # same time as a real registration
    session.commit()


def login(
    session: Session,
    settings: Settings,
    email: str,
    password: str,
    client: str,
    *,
    now: datetime,
    known_device: bool = False,
) -> LoggedIn:
    """Check the credentials and open a session.

    ThrottledError (with ``retry_after``) while this (account, client) pair, or the account
    for a browser without its device cookie, must wait; AuthError (one message for unknown
    email and wrong password) otherwise."""
    throttle = login_throttle(settings)
    key = email.strip().lower()
    throttle.check(session, key, client, now, known_device=known_device)
    user = accounts.authenticate(session, email, password)
    if user is None:
        throttle.fail(session, key, client, now)
        session.commit()
        raise AuthError("wrong email or password")
    throttle.succeed(session, key, client)
    token = accounts.create_session(session, user, timedelta(days=settings.session_days))
    session.commit()
    return LoggedIn(user, token)


def logout(session: Session, token: str | None) -> None:
    """End the server-side session of ``token`` (nothing when there is none)."""
    if token:
        accounts.end_session(session, token)
        session.commit()


def change_password(
    session: Session,
    settings: Settings,
    user: User,
    current: str,
    new: str,
    *,
    client: str,
    now: datetime,
) -> str:
    """Replace the password (the current one must match; wrong guesses count against the
    login throttle) and end every session of the user; returns a new session token for the
    browser that asked."""
    throttle = login_throttle(settings)
    throttle.check(session, user.email, client, now, known_device=True)
    if not accounts.verify_password(user, current):
        throttle.fail(session, user.email, client, now)
        session.commit()
        raise PermissionDeniedError("the current password is wrong")
    accounts.set_password(session, user, new)
    token = accounts.create_session(session, user, timedelta(days=settings.session_days))
    session.commit()
    return token


def end_other_sessions(session: Session, user: User, token: str) -> int:
    """Log the user out everywhere except the session of ``token``; how many ended."""
    ended = accounts.end_other_sessions(session, user, token)
    session.commit()
    return ended
