"""Engine, migrations and tables on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from kurzum.errors import ConfigError
from kurzum.storage.db import make_engine, upgrade
from kurzum.storage.tables import Base, User


def test_migrations_match_the_tables_and_are_idempotent(engine: Engine) -> None:
    upgrade(engine)  # already at head: nothing to do
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"


def test_times_come_back_timezone_aware(db: Session) -> None:
    naive = datetime(2024, 10, 5, 12, 30)
    db.add(User(email="t@example.org", password_hash="x", created_at=naive))
    db.commit()
    db.expire_all()
    user = db.query(User).one()
    assert user.created_at == datetime(2024, 10, 5, 12, 30, tzinfo=UTC)


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Any) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'k.sqlite3'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_unsupported_database_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        make_engine("mysql://localhost/x")
