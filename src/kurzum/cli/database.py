"""The database as the service commands open it: from the settings, one engine per command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from kurzum.errors import InputError
from kurzum.settings import Settings
from kurzum.storage.db import (
    SessionFactory,
    make_engine,
    make_session_factory,
    session_scope,
    upgrade,
)


def open_database(settings: Settings) -> SessionFactory:
    """Session factory for the configured database; the embedded one is upgraded in place."""
    engine = make_engine(settings.sqlalchemy_url)
    if settings.embedded:
        upgrade(engine)
    return make_session_factory(engine)


@contextmanager
def transaction(settings: Settings) -> Iterator[Session]:
    """One transaction on the configured database; the engine is disposed afterwards."""
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def parse_time(value: str | None, name: str) -> datetime | None:
    """An ISO date or date-time from the command line (UTC unless it names a zone)."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"{name}: not a date: {value!r} (use YYYY-MM-DD)") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
