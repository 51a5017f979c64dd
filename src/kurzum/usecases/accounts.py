"""Reader accounts: register, log in, log out. Answers never reveal whether an email exists.

Login is throttled per account and per client address; the web layer turns the returned
session token into cookies (the JSON API and the HTML form alike).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from kurzum.errors import AuthError, ConflictError, ThrottledError
from kurzum.settings import Settings
from kurzum.storage import accounts
from kurzum.storage.tables import User

IP_FACTOR = 5  # a client address may fail this many times more than one account


@dataclass(frozen=True, slots=True)
class LoggedIn:
    """A successful login: the user and the new session token (the session cookie's value)."""

    user: User
    token: str


def register(session: Session, email: str, password: str, display_name: str = "") -> None:
    """Create a reader account; a taken email costs the same time and answers the same.

    WeakPasswordError when the password breaks the rule (before anything is looked up)."""
    normalized = accounts.normalize_email(email)
    accounts.check_password_strength(password)
    try:
        with session.begin_nested():
            accounts.create_user(session, normalized, password, display_name=display_name)
    except ConflictError:
        accounts.hash_password_dummy(password)  # same time as a real registration
    session.commit()


def _throttles(settings: Settings) -> tuple[accounts.Throttle, accounts.Throttle]:
    window = timedelta(seconds=settings.login_window_seconds)
    return (
        accounts.Throttle(settings.login_max_failures, window),
        accounts.Throttle(settings.login_max_failures * IP_FACTOR, window),
    )


def login(session: Session, settings: Settings, email: str, password: str, client: str) -> LoggedIn:
    """Check the credentials and open a session.

    ThrottledError after too many failures of this account or client address; AuthError
    (one message for unknown email and wrong password) otherwise."""
    by_account, by_address = _throttles(settings)
    account_key = "email:" + email.strip().lower()
    address_key = "ip:" + client
    if by_account.blocked(session, [account_key]) or by_address.blocked(session, [address_key]):
        raise ThrottledError("too many failed logins; try again later")
    user = accounts.authenticate(session, email, password)
    if user is None:
        by_account.fail(session, [account_key, address_key])
        session.commit()
        raise AuthError("wrong email or password")
    by_account.clear(session, account_key)
    token = accounts.create_session(session, user, timedelta(days=settings.session_days))
    session.commit()
    return LoggedIn(user, token)


def logout(session: Session, token: str | None) -> None:
    """End the server-side session of ``token`` (nothing when there is none)."""
    if token:
        accounts.end_session(session, token)
        session.commit()
