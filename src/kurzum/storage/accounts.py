"""Accounts: users with argon2 password hashes, login sessions, subscriptions.

Session tokens and throttle keys are stored only as SHA-256 hashes, so a database leak does not
hand out logins.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session, joinedload

from kurzum.errors import ConflictError, InputError, NotFoundError
from kurzum.storage.passwords import check_password
from kurzum.storage.tables import (
    ROLES,
    Clock,
    LoginFailure,
    Publication,
    Subscription,
    User,
    UserSession,
    as_utc,
    utcnow,
)
from kurzum.text import require_text

_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so both answers take the same time.

    Made on first use, not at import: a hash takes 64 MiB and 0.1 s, which every CLI command
    importing this module paid (``kurzum --help`` included)."""
    return _HASHER.hash("kurzum-timing-equalizer")


def sha256(value: str) -> str:
    """Hex SHA-256 of a string (tokens, throttle keys)."""
    return hashlib.sha256(value.encode()).hexdigest()


def normalize_email(email: str) -> str:
    """Trimmed, lower-cased email; InputError when it is obviously not an address."""
    clean = email.strip().lower()
    local, _, domain = clean.partition("@")
    if not local or "." not in domain or len(clean) > 320 or any(c.isspace() for c in clean):
        raise InputError("email is not a valid address")
    return clean


def check_password_strength(password: str) -> None:
    """Refuse short, blank and common passwords (WeakPasswordError; storage.passwords)."""
    check_password(password)


def find_user(session: Session, email: str) -> User | None:
    """The user with this email, else None."""
    return session.scalar(select(User).where(User.email == normalize_email(email)))


def get_user(session: Session, user_id: int) -> User:
    """The user with this id, or NotFoundError."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no user {user_id}")
    return user


def create_user(
    session: Session, email: str, password: str, *, role: str = "reader", display_name: str = ""
) -> User:
    """A new account; ConflictError when the email exists (callers hide that from readers)."""
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}")
    check_password_strength(password)
    require_text("the display name", display_name)
    clean = normalize_email(email)
    if find_user(session, clean) is not None:
        raise ConflictError("an account with this email exists")
    user = User(
        email=clean, password_hash=_HASHER.hash(password), role=role, display_name=display_name
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """Replace a user's password and end all their sessions."""
    check_password_strength(password)
    user.password_hash = _HASHER.hash(password)
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))


def verify_password(user: User, password: str) -> bool:
    """True when ``password`` is the user's current password."""
    try:
        return bool(_HASHER.verify(user.password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def set_disabled(session: Session, user: User, *, disabled: bool) -> None:
    """Disable or enable an account; disabling also ends all its sessions at once."""
    user.disabled = disabled
    if disabled:
        session.execute(delete(UserSession).where(UserSession.user_id == user.id))


def end_other_sessions(session: Session, user: User, keep_token: str) -> int:
    """Log the user out everywhere except the session of ``keep_token``; returns how many ended."""
    result = session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.token_hash != sha256(keep_token)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def hash_password_dummy(password: str) -> None:
    """Spend the time of one password hash (registration answers must not differ in time)."""
    _HASHER.hash(password)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user when the password matches, else None; same work for unknown emails."""
    try:
        user = find_user(session, email)
    except InputError:
        user = None
    candidate = user.password_hash if user is not None else _dummy_hash()
    try:
        _HASHER.verify(candidate, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled:
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    return user


def list_users(session: Session, *, email: str | None = None, limit: int = 50) -> list[User]:
    """Users by id, those whose email contains ``email`` when given."""
    stmt = select(User).order_by(User.id).limit(limit)
    if email:
        stmt = stmt.where(User.email.contains(email.strip().lower()))
    return list(session.scalars(stmt))


def set_role(session: Session, user: User, role: str) -> None:
    """Make ``user`` a reader, editor or admin."""
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}")
    user.role = role
    session.flush()


# -- sessions -------------------------------------------------------------------------------


def create_session(
    session: Session, user: User, lifetime: timedelta, *, clock: Clock = utcnow
) -> str:
    """Start a login session; returns the random cookie token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = clock()
    session.execute(  # housekeeping: the user's expired sessions
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now)
    )
    session.add(UserSession(token_hash=sha256(token), user_id=user.id, expires_at=now + lifetime))
    session.flush()
    return token


# Built once: every logged-in request runs it, and building it costs as much as running it.
_SESSION_BY_HASH = (
    select(UserSession)
    .options(joinedload(UserSession.user))
    .where(UserSession.token_hash == bindparam("token_hash"))
)


def resolve_session(session: Session, token: str, *, clock: Clock = utcnow) -> UserSession | None:
    """The live session of a cookie token, else None (expired, unknown, disabled user)."""
    if not token or len(token) > 200:
        return None
    found = session.scalar(_SESSION_BY_HASH, {"token_hash": sha256(token)})
    if found is None or found.expires_at <= clock() or found.user.disabled:
        return None
    return found


def end_session(session: Session, token: str) -> None:
    """Log out: delete the session of this token."""
    session.execute(delete(UserSession).where(UserSession.token_hash == sha256(token)))


# -- subscriptions --------------------------------------------------------------------------


def add_subscription(
    session: Session,
    user: User,
    pub: Publication,
    *,
    plan: str = "standard",
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> Subscription:
    """Give ``user`` a subscription to ``pub`` (valid_until None: until cancelled)."""
    # A time without a zone is UTC, as stored: comparing it with aware times must not fail.
    start = as_utc(valid_from) or utcnow()
    valid_until = as_utc(valid_until)
    if valid_until is not None and valid_until <= start:
        raise InputError("valid_until must be after valid_from")
    sub = Subscription(
        user_id=user.id, publication_id=pub.id, plan=plan, valid_from=start, valid_until=valid_until
    )
    session.add(sub)
    session.flush()
    return sub


def subscriptions(session: Session, user_id: int) -> list[Subscription]:
    """All subscriptions of a user, newest first."""
    stmt = select(Subscription).where(Subscription.user_id == user_id)
    return list(session.scalars(stmt.order_by(Subscription.id.desc())))


def end_subscription(session: Session, sub: Subscription) -> None:
    """End a subscription now."""
    sub.valid_until = utcnow()


def is_subscribed(
    session: Session, user_id: int, publication_id: int, now: datetime | None = None
) -> bool:
    """True when the user holds a subscription to the publication valid at ``now``."""
    at = now or utcnow()
    stmt = select(func.count(Subscription.id)).where(
        Subscription.user_id == user_id,
        Subscription.publication_id == publication_id,
        Subscription.valid_from <= at,
        (Subscription.valid_until.is_(None)) | (Subscription.valid_until > at),
    )
    return bool(session.scalar(stmt))


# -- throttle events (login failures, registrations) -----------------------------------------
# Only the SHA-256 of a key is stored; the policies live in kurzum.usecases.throttle.


def throttle_events(session: Session, key: str, since: datetime) -> list[datetime]:
    """The times of ``key``'s events after ``since``."""
    stmt = select(LoginFailure.created_at).where(
        LoginFailure.key == sha256(key), LoginFailure.created_at > since
    )
    return list(session.scalars(stmt))


def record_throttle_event(session: Session, key: str, at: datetime) -> None:
    """Count one event for ``key`` at ``at``."""
    session.add(LoginFailure(key=sha256(key), created_at=at))
    session.flush()


def forget_throttle_events(session: Session, key: str) -> None:
    """Forget every event of ``key`` (a successful login)."""
    session.execute(delete(LoginFailure).where(LoginFailure.key == sha256(key)))


def expire_throttle_events(session: Session, before: datetime) -> None:
    """Housekeeping: drop events at or before ``before``."""
    session.execute(delete(LoginFailure).where(LoginFailure.created_at <= before))
