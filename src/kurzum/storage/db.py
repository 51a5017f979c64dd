"""Engines and sessions: SQLite in WAL mode with foreign keys by default, PostgreSQL in production.

``make_engine(url)`` and ``make_session_factory(engine)`` are what the web app, the workers and
the CLI share; ``upgrade(engine)`` applies the Alembic migrations shipped in the package.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from kurzum.errors import ConfigError

MIGRATIONS = Path(__file__).with_name("migrations")
SessionFactory = sessionmaker[Session]


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL lets readers run while the worker writes; foreign keys are off in SQLite by default."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url``; for SQLite the file's directory is created and pragmas are set."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 10},
            pool_size=20,
            max_overflow=20,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql"):
        try:
            import psycopg  # noqa: F401
        except ImportError as exc:
            raise ConfigError(
                "PostgreSQL needs the driver: pip install 'kurzum[postgres]'"
            ) from exc
        return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)
    raise ConfigError(f"unsupported database URL (sqlite or postgresql+psycopg): {url!r}")


def make_session_factory(engine: Engine) -> SessionFactory:
    """Sessions that keep loaded objects usable after commit (routes serialize after commit)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: SessionFactory) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def wait_for_flush(session: Session) -> None:
    """This transaction's commit waits for the WAL flush even where the connection's commits do
    not (``synchronous_commit=off``); PostgreSQL then flushes up to it, so every earlier commit
    is durable too. SQLite commits are durable already: nothing to do."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO on"))


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the migrations inside the package (no alembic.ini)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")  # configparser
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (idempotent)."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def engine_of(factory: SessionFactory) -> Engine:
    """The engine a session factory is bound to (read paths that need no ORM session use it)."""
    bind = factory.kw.get("bind")
    if not isinstance(bind, Engine):
        raise ConfigError("the session factory is not bound to an engine")
    return bind


def head_revision() -> str:
    """The newest migration shipped in the package."""
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    if head is None:
        raise ConfigError("no migrations shipped")
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None: not migrated)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
