"""Typed FastAPI dependencies: settings, DB session, dispatcher, logged-in user, API key.

    def route(session: SessionDep, login: EditorLogin) -> ...: ...

State-changing requests authenticated by the session cookie must carry the CSRF token
(header ``X-CSRF-Token`` or form field ``csrf_token``); the login dependencies check it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, ParamSpec, TypeVar

from fastapi import Depends, Request
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from kurzum.errors import AuthError, PermissionDeniedError
from kurzum.settings import Settings
from kurzum.storage import accounts
from kurzum.storage.articles import find_api_key, record_key_use
from kurzum.storage.audit import Actor
from kurzum.storage.db import SessionFactory
from kurzum.storage.tables import ApiKey
from kurzum.usecases.dispatch import Dispatcher
from kurzum.web.auth import SESSION_COOKIE, Login, bearer, check_csrf

P = ParamSpec("P")
T = TypeVar("T")


async def run_read(
    bind: Engine | Connection, func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
) -> T:
    """Run a short database read: inline on embedded SQLite, in the thread pool otherwise.

    An SQLite read in WAL mode is a local sub-millisecond call that never waits for writers;
    a thread hop costs more than the read, and its GIL hand-offs made the p99 of the reader
    endpoints several times worse under load (issue 6). PostgreSQL reads go over the network,
    so they must not block the event loop."""
    if bind.dialect.name == "sqlite":
        return func(*args, **kwargs)
    return await run_in_threadpool(func, *args, **kwargs)


async def get_settings(request: Request) -> Settings:
    """The app's settings (set by create_app)."""
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A database session for one request; routes commit explicitly, the rest is rolled back.

    Async on purpose: creating a session does no I/O, and an async dependency costs no thread
    hop (the route itself runs in the thread pool)."""
    factory: SessionFactory = request.app.state.session_factory
    with factory() as session:
        yield session


async def get_dispatcher(request: Request) -> Dispatcher:
    """Where to send wake-up calls for background work."""
    dispatcher: Dispatcher = request.app.state.dispatcher
    return dispatcher


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
DispatcherDep = Annotated[Dispatcher, Depends(get_dispatcher)]


async def optional_login(
    request: Request, session: SessionDep, settings: SettingsDep
) -> Login | None:
    """The user of a valid session cookie (CSRF-checked on unsafe methods), else None.

    A tampered, unknown or expired cookie counts as no login at all.
    """
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    found = await run_read(session.get_bind(), accounts.resolve_session, session, token)
    if found is None:
        return None
    await check_csrf(request, settings, token)
    return Login(found.user, token)


OptionalLogin = Annotated[Login | None, Depends(optional_login)]


async def require_login(login: OptionalLogin) -> Login:
    """A logged-in user, else 401."""
    if login is None:
        raise AuthError("login required")
    return login


RequiredLogin = Annotated[Login, Depends(require_login)]


async def require_editor(login: RequiredLogin) -> Login:
    """An editor or admin, else 403."""
    if not login.is_editor:
        raise PermissionDeniedError("editors only")
    return login


EditorLogin = Annotated[Login, Depends(require_editor)]


async def require_admin(login: RequiredLogin) -> Login:
    """An admin, else 403."""
    if login.user.role != "admin":
        raise PermissionDeniedError("admins only")
    return login


AdminLogin = Annotated[Login, Depends(require_admin)]


def publisher_key(request: Request, session: SessionDep) -> ApiKey:
    """The publisher API key of ``Authorization: Bearer kz_…``, else 401.

    Plain ``def``: the key lookup is a database read, so FastAPI runs it in the thread pool."""
    token = bearer(request)
    key = find_api_key(session, token) if token else None
    if key is None:
        raise AuthError("a valid publisher API key is required")
    factory: SessionFactory = request.app.state.session_factory
    record_key_use(factory, key)  # at most one short write per key and minute
    return key


PublisherKey = Annotated[ApiKey, Depends(publisher_key)]


def require_scope(key: ApiKey, scope: str) -> None:
    """403 unless the key carries ``scope``."""
    if scope not in key.scopes:
        raise PermissionDeniedError(f"this API key lacks the {scope} scope")


def actor_of(login: Login) -> Actor:
    """The audit actor of a logged-in user."""
    return Actor(f"user:{login.user.email}", login.user.id)


def actor_of_key(key: ApiKey) -> Actor:
    """The audit actor of a publisher API key."""
    return Actor(f"api-key:{key.prefix}")
