"""Login and registration throttles that slow guessing without locking anyone out (issue 14).

Failed logins are counted per (account, client) pair: after ``free`` failures each further
attempt from that pair must wait a delay that doubles, capped at ``cap`` seconds, so the owner
logging in from another client, or with the right password after that delay, gets in. Across
all clients an account that collected ``ceiling`` failures in the window accepts at most one
attempt per ``interval`` seconds from clients that have not logged in to it before (the
browser of a successful login carries a device cookie and is exempt): that slows a distributed
guesser, it does not lock the account. Registrations are limited per client address.

The policies are pure functions of the failure times; the clock is passed in (tests inject it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kurzum.errors import ThrottledError
from kurzum.settings import Settings
from kurzum.storage import accounts


@dataclass(frozen=True, slots=True)
class Backoff:
    """Delays after failures of one (account, client) pair: free tries, then 2^n seconds."""

    free: int = 5
    base: float = 1.0
    cap: float = 60.0

    def wait(self, failures: Sequence[datetime], now: datetime) -> float:
        """Seconds until the next attempt is allowed (0: allowed now)."""
        if len(failures) < self.free:
            return 0.0
        delay = min(self.base * 2 ** (len(failures) - self.free), self.cap)
        return max(0.0, (max(failures) + timedelta(seconds=delay) - now).total_seconds())


@dataclass(frozen=True, slots=True)
class Ceiling:
    """Per account, over all clients: past ``threshold`` failures, one try per ``interval``."""

    threshold: int = 20
    interval: float = 10.0

    def wait(self, failures: Sequence[datetime], now: datetime) -> float:
        """Seconds until the account accepts the next attempt from an unknown client."""
        if len(failures) < self.threshold:
            return 0.0
        next_at = max(failures) + timedelta(seconds=self.interval)
        return max(0.0, (next_at - now).total_seconds())


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``limit`` events per key within ``window`` (registrations per client)."""

    limit: int
    window: timedelta

    def wait(self, events: Sequence[datetime], now: datetime) -> float:
        """Seconds until the oldest counted event leaves the window (0: allowed now)."""
        recent = sorted(t for t in events if t > now - self.window)
        if len(recent) < self.limit:
            return 0.0
        return max(0.0, (recent[-self.limit] + self.window - now).total_seconds())


@dataclass(frozen=True, slots=True)
class LoginThrottle:
    """The login throttle on the ``login_failures`` table (only key hashes are stored)."""

    backoff: Backoff
    ceiling: Ceiling
    window: timedelta

    @staticmethod
    def pair_key(email: str, client: str) -> str:
        """The throttle key of one account from one client."""
        return f"pair:{email}\n{client}"

    @staticmethod
    def account_key(email: str) -> str:
        """The throttle key of one account over all clients."""
        return f"account:{email}"

    def check(
        self, session: Session, email: str, client: str, now: datetime, *, known_device: bool
    ) -> None:
        """Raise ThrottledError (with ``retry_after``) when this attempt must wait."""
        since = now - self.window
        pair = accounts.throttle_events(session, self.pair_key(email, client), since)
        wait = self.backoff.wait(pair, now)
        if not known_device:
            account = accounts.throttle_events(session, self.account_key(email), since)
            wait = max(wait, self.ceiling.wait(account, now))
        if wait > 0:
            raise ThrottledError("too many failed logins; try again later", retry_after=wait)

    def fail(self, session: Session, email: str, client: str, now: datetime) -> None:
        """Count a failed attempt against the pair and the account; forget expired failures."""
        accounts.expire_throttle_events(session, now - self.window)
        for key in (self.pair_key(email, client), self.account_key(email)):
            accounts.record_throttle_event(session, key, now)

    def succeed(self, session: Session, email: str, client: str) -> None:
        """Forget the pair's failures (the account's stay: they bound the guess rate)."""
        accounts.forget_throttle_events(session, self.pair_key(email, client))


def check_rate(session: Session, limit: RateLimit, key: str, now: datetime, message: str) -> None:
    """Count one event for ``key`` or raise ThrottledError when it used up its limit."""
    wait = limit.wait(accounts.throttle_events(session, key, now - limit.window), now)
    if wait > 0:
        raise ThrottledError(message, retry_after=wait)
    accounts.record_throttle_event(session, key, now)


def login_throttle(settings: Settings) -> LoginThrottle:
    """The login throttle of these settings."""
    return LoginThrottle(
        Backoff(free=settings.login_max_failures, cap=settings.login_max_delay_seconds),
        Ceiling(
            threshold=settings.login_account_ceiling,
            interval=settings.login_account_interval_seconds,
        ),
        timedelta(seconds=settings.login_window_seconds),
    )


def register_limit(settings: Settings) -> RateLimit:
    """Registrations per client address and hour."""
    return RateLimit(settings.register_max_per_client, timedelta(hours=1))
