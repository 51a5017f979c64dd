"""CLI commands of the service: ``serve``, ``db upgrade``, ``users …``, ``publications …``.

Thin adapters over the storage layer; ``register(app)`` attaches them to the ``kurzum`` CLI.
Errors print one line and exit 2.
"""

from __future__ import annotations

import functools
import getpass
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from kurzum.errors import InputError, KurzumError
from kurzum.logs import configure_logging
from kurzum.settings import Settings, get_settings
from kurzum.storage import accounts
from kurzum.storage import articles as repo
from kurzum.storage.db import (
    SessionFactory,
    make_engine,
    make_session_factory,
    session_scope,
    upgrade,
)
from kurzum.storage.tables import User

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="Accounts and subscriptions.", no_args_is_help=True)
pubs_app = typer.Typer(help="Publications and their API keys.", no_args_is_help=True)


def _one_line_errors(func: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            func(*args, **kwargs)
        except KurzumError as exc:
            Console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False)
            raise typer.Exit(2) from None
        except SQLAlchemyError as exc:
            message = str(exc).splitlines()[0]
            Console(stderr=True).print(f"[bold red]database error:[/] {message}", highlight=False)
            raise typer.Exit(2) from None

    return wrapper


@contextmanager
def _transaction() -> Iterator[Session]:
    """One transaction on the configured database; the engine is disposed afterwards."""
    engine = make_engine(get_settings().sqlalchemy_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def _date(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"not a date: {value!r} (use YYYY-MM-DD)") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# -- serve ----------------------------------------------------------------------------------


# SIGTERM: open connections get this long to finish before the server closes them.
GRACEFUL_SECONDS = 5


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (KURZUM_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (KURZUM_PORT).")] = None,
    demo: Annotated[bool, typer.Option(help="Load the demo data and print its logins.")] = False,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Server processes (each with its own worker thread).")
    ] = 1,
    access_log: Annotated[
        bool | None,
        typer.Option(
            help="Log every request (default: only in development; it halves the request rate)."
        ),
    ] = None,
) -> None:
    """Run the web service (upgrades an embedded SQLite database itself)."""
    import uvicorn

    from kurzum.web.app import create_app

    overrides: dict[str, Any] = {}
    if host:
        overrides["host"] = host
    if port:
        overrides["port"] = port
    if demo and "KURZUM_COOKIE_SECURE" not in os.environ:
        overrides["cookie_secure"] = False  # the demo runs on plain http://127.0.0.1
    settings = get_settings(**overrides)
    configure_logging(settings.log_format, settings.log_level)
    if access_log is None:
        access_log = settings.environment == "development"
    engine = make_engine(settings.sqlalchemy_url)
    if settings.embedded:
        upgrade(engine)
    factory = make_session_factory(engine)
    base = f"http://{settings.host}:{settings.port}"
    if demo:
        _load_demo(settings, factory, base)
    Console(stderr=True).print(f"kurzum serving on {base} (API docs: {base}/docs)")
    if workers > 1:  # each process builds its app from the environment
        engine.dispose()
        for key, value in overrides.items():
            os.environ[f"KURZUM_{key.upper()}"] = (
                str(value).lower() if isinstance(value, bool) else str(value)
            )
        uvicorn.run(
            "kurzum.web.app:create_served_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=workers,
            log_level="info",
            log_config=None,  # keep configure_logging's format (each process inherits it)
            access_log=access_log,
            timeout_graceful_shutdown=GRACEFUL_SECONDS,
        )
        return
    app = create_app(settings, session_factory=factory)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        log_config=None,
        access_log=access_log,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
    )


def _load_demo(settings: Settings, factory: SessionFactory, base: str) -> None:
    from kurzum.demo import load_demo
    from kurzum.workers.inprocess import InProcessWorker

    with session_scope(factory) as session:
        result = load_demo(session)
    InProcessWorker(factory, settings).drain()  # summaries are ready before the first request
    console = Console(stderr=True, soft_wrap=True)
    table = Table(title="kurzum demo logins", show_lines=False)
    for column in ("email", "password", "role", "Blick+ subscription"):
        table.add_column(column)
    for account in result.accounts:
        table.add_row(
            account.email, account.password, account.role, "yes" if account.subscribed else "no"
        )
    console.print(table)
    console.print(f"publication: {result.publication}; articles: {', '.join(result.articles)}")
    console.print(f"publisher API key (new on every start): {result.api_key}")
    console.print(
        f"try: curl {base}/api/v1/reader/publications/blick/articles/{result.articles[0]}/summary"
    )


# -- db -------------------------------------------------------------------------------------


@db_app.command("upgrade")
@_one_line_errors
def db_upgrade() -> None:
    """Apply the database migrations (idempotent)."""
    settings = get_settings()
    engine = make_engine(settings.sqlalchemy_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    Console(stderr=True).print(f"database at head: {settings.sqlalchemy_url.split('@')[-1]}")


# -- users ----------------------------------------------------------------------------------


def _password(value: str | None) -> str:
    if value:
        return value
    env = os.environ.get("KURZUM_PASSWORD")
    if env:
        return env
    return getpass.getpass("password: ")


def _user(session: Session, email: str) -> User:
    user = accounts.find_user(session, email)
    if user is None:
        raise InputError(f"no account {email}")
    return user


@users_app.command("add")
@_one_line_errors
def users_add(
    email: str,
    role: Annotated[str, typer.Option(help="reader, editor or admin")] = "reader",
    password: Annotated[
        str | None, typer.Option(help="Default: KURZUM_PASSWORD or a prompt.")
    ] = None,
) -> None:
    """Create an account."""
    with _transaction() as session:
        user = accounts.create_user(session, email, _password(password), role=role)
        typer.echo(f"created {user.email} ({user.role})")


@users_app.command("list")
@_one_line_errors
def users_list() -> None:
    """List accounts with their active subscriptions."""
    with _transaction() as session:
        table = Table("id", "email", "role", "subscriptions")
        for user in session.scalars(select(User).order_by(User.id)):
            subs = [
                f"{s.publication.slug}:{s.plan}"
                + (f" until {s.valid_until:%Y-%m-%d}" if s.valid_until else "")
                for s in accounts.subscriptions(session, user.id)
                if accounts.is_subscribed(session, user.id, s.publication_id)
            ]
            table.add_row(str(user.id), user.email, user.role, ", ".join(subs))
        Console().print(table)


@users_app.command("set-role")
@_one_line_errors
def users_set_role(email: str, role: str) -> None:
    """Change an account's role."""
    if role not in ("reader", "editor", "admin"):
        raise InputError("role must be reader, editor or admin")
    with _transaction() as session:
        _user(session, email).role = role
        typer.echo(f"{email} is now {role}")


@users_app.command("subscribe")
@_one_line_errors
def users_subscribe(
    email: str,
    publication: str,
    plan: Annotated[str, typer.Option()] = "standard",
    start: Annotated[str | None, typer.Option("--from", help="YYYY-MM-DD (default now)")] = None,
    until: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default open-ended)")] = None,
) -> None:
    """Give an account a subscription to a publication."""
    with _transaction() as session:
        user = _user(session, email)
        pub = repo.get_publication(session, publication)
        accounts.add_subscription(
            session, user, pub, plan=plan, valid_from=_date(start), valid_until=_date(until)
        )
        typer.echo(f"{email} subscribed to {publication} ({plan})")


@users_app.command("unsubscribe")
@_one_line_errors
def users_unsubscribe(email: str, publication: str) -> None:
    """End an account's subscriptions to a publication now."""
    with _transaction() as session:
        user = _user(session, email)
        pub = repo.get_publication(session, publication)
        ended = 0
        for sub in accounts.subscriptions(session, user.id):
            if sub.publication_id == pub.id and accounts.is_subscribed(session, user.id, pub.id):
                accounts.end_subscription(session, sub)
                ended += 1
        typer.echo(f"ended {ended} subscription(s)")


# -- publications ---------------------------------------------------------------------------


@pubs_app.command("add")
@_one_line_errors
def publications_add(
    slug: str,
    name: Annotated[str, typer.Option()],
    language: Annotated[str, typer.Option()] = "de",
    premium_label: Annotated[str, typer.Option()] = "",
    notice: Annotated[str, typer.Option(help="Paywall notice in the publication's language.")] = "",
    review_policy: Annotated[str, typer.Option()] = "publish-then-review",
) -> None:
    """Create a publication."""
    with _transaction() as session:
        repo.create_publication(
            session,
            slug=slug,
            name=name,
            language=language,
            premium_label=premium_label,
            notices={language: notice} if notice else {},
            review_policy=review_policy,
        )
        typer.echo(f"created publication {slug}")


@pubs_app.command("key")
@_one_line_errors
def publications_key(slug: str, name: Annotated[str, typer.Option()] = "") -> None:
    """Create a publisher API key (printed once; only its hash is stored)."""
    with _transaction() as session:
        _, plain = repo.create_api_key(session, repo.get_publication(session, slug), name=name)
        typer.echo(plain)


def register(app: typer.Typer) -> None:
    """Attach the service commands to the ``kurzum`` CLI."""
    app.command()(_one_line_errors(serve))
    app.add_typer(db_app, name="db")
    app.add_typer(users_app, name="users")
    app.add_typer(pubs_app, name="publications")
