"""``kurzum serve``: the web service, optionally with the demo data and several processes.

The settings are read once here and handed to the app; ``--workers N`` hands them to each
server process through :func:`kurzum.web.app.create_served_app` (never by rewriting the
``KURZUM_*`` environment).
"""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer
from rich.table import Table

from kurzum.cli.database import open_database
from kurzum.cli.errors import fail, stderr
from kurzum.logs import configure_logging
from kurzum.settings import Settings, get_settings
from kurzum.storage.db import SessionFactory, engine_of, session_scope

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

    from kurzum.web.app import SETTINGS_ENV, create_app

    overrides: dict[str, Any] = {}
    if host:
        overrides["host"] = host
    if port:
        overrides["port"] = port
    if demo and "KURZUM_COOKIE_SECURE" not in os.environ:
        overrides["cookie_secure"] = False  # the demo runs on plain http://127.0.0.1
    settings = get_settings(**overrides)
    configure_logging(settings.log_format, settings.log_level)
    if demo and settings.environment == "production":
        fail("--demo is refused when KURZUM_ENVIRONMENT=production: its passwords are public")
    settings.check_usable(celery=settings.worker == "celery")
    if access_log is None:
        access_log = settings.environment == "development"
    factory = open_database(settings)
    base = f"http://{settings.host}:{settings.port}"
    if demo:
        _load_demo(settings, factory, base)
    stderr().print(f"kurzum serving on {base} (API docs: {base}/docs)")
    proxies = settings.trusted_proxy_list
    server: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": "info",
        "log_config": None,  # keep configure_logging's format (server processes set it up too)
        "timeout_graceful_shutdown": GRACEFUL_SECONDS,
        "access_log": access_log,
        # X-Forwarded-For/-Proto count only from KURZUM_TRUSTED_PROXIES (uvicorn's own default
        # would trust 127.0.0.1, so any local process could pick its client address).
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": list(proxies) if proxies else None,
    }
    if workers == 1:
        uvicorn.run(create_app(settings, session_factory=factory), **server)
        return
    engine_of(factory).dispose()  # each server process opens its own
    # Each server process builds its own app from these settings, serialized once (secrets
    # included) into a variable that only exists while the processes run.
    os.environ[SETTINGS_ENV] = settings.serialize()
    try:
        uvicorn.run("kurzum.web.app:create_served_app", factory=True, workers=workers, **server)
    finally:
        os.environ.pop(SETTINGS_ENV, None)


def _load_demo(settings: Settings, factory: SessionFactory, base: str) -> None:
    """Load the demo (revoking the keys of earlier runs), summarize it, print its logins."""
    from kurzum.demo import load_demo
    from kurzum.workers.inprocess import InProcessWorker

    with session_scope(factory) as session:
        result = load_demo(session)
    InProcessWorker(factory, settings).drain()  # summaries are ready before the first request
    console = stderr()
    table = Table(title="kurzum demo logins", show_lines=False)
    for column in ("email", "password", "role", "Blick+ subscription"):
        table.add_column(column)
    for account in result.accounts:
        table.add_row(
            account.email, account.password, account.role, "yes" if account.subscribed else "no"
        )
    console.print(table)
    console.print(f"publication: {result.publication}; articles: {', '.join(result.articles)}")
    console.print(
        f"publisher API key (new on every start, earlier demo keys revoked): {result.api_key}"
    )
    console.print(
        f"try: curl {base}/api/v1/reader/publications/blick/articles/{result.articles[0]}/summary"
    )


def register(app: typer.Typer) -> None:
    """Attach ``serve`` to the ``kurzum`` CLI."""
    app.command()(serve)
