"""Web-side abuse limits: the password hashing gate, the login throttle and device cookies.

Argon2 needs about 64 MiB and tens of milliseconds per hash, so anonymous logins and
registrations could exhaust memory and threads. :class:`HashGate` admits at most
``hash_concurrency`` of them at once per process; the rest wait on the event loop (no thread
held) for ``hash_wait_seconds``, then get 503 with Retry-After.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request, Response

from kurzum.errors import BusyError
from kurzum.settings import Settings
from kurzum.web import client

DEVICE_COOKIE = "kurzum_device"
DEVICE_DAYS = 365
Clock = Callable[[], datetime]


class HashGate:
    """At most ``slots`` password hashes at once in this process; waiting is async."""

    def __init__(self, slots: int, wait: float) -> None:
        self.slots = slots
        self.wait = wait
        # One semaphore per event loop (tests run several loops; production runs one).
        self._sems: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        sem = self._sems.get(loop)
        if sem is None:
            sem = self._sems[loop] = asyncio.Semaphore(self.slots)
        return sem

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one hashing slot; BusyError (503) when none frees up in time."""
        sem = self._semaphore()
        try:
            await asyncio.wait_for(sem.acquire(), timeout=self.wait)
        except TimeoutError:
            raise BusyError(
                "too many logins and registrations at once; try again", retry_after=2
            ) from None
        try:
            yield
        finally:
            sem.release()


def hash_gate(request: Request) -> HashGate:
    """The app's hashing gate (built by create_app from the settings)."""
    gate: HashGate = request.app.state.hash_gate
    return gate


async def hash_slot(request: Request) -> AsyncIterator[None]:
    """Dependency: hold a hashing slot for the whole (threaded) route."""
    async with hash_gate(request).slot():
        yield


HashSlot = Annotated[None, Depends(hash_slot)]


def now(request: Request) -> datetime:
    """The app's clock (``app.state.clock``; tests replace it instead of sleeping)."""
    clock: Clock = request.app.state.clock
    return clock()


def client_address(request: Request) -> str:
    """The client address the throttles count (:func:`kurzum.web.client.client_address`)."""
    return client.client_address(request)


def device_token(settings: Settings, email: str) -> str:
    """The device cookie of a browser that logged in to ``email``: an HMAC, nothing stored."""
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, b"device:" + email.encode(), hashlib.sha256).hexdigest()


def known_device(request: Request, settings: Settings, email: str) -> bool:
    """True when this browser logged in to ``email`` before (exempt from the account ceiling)."""
    sent = request.cookies.get(DEVICE_COOKIE, "")
    return bool(sent) and hmac.compare_digest(sent, device_token(settings, email))


def set_device_cookie(response: Response, settings: Settings, email: str) -> None:
    """Remember this browser for ``email`` (set after a successful login)."""
    response.set_cookie(
        DEVICE_COOKIE,
        device_token(settings, email),
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
    )
