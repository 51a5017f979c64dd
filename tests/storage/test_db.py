"""Engine, migrations and tables on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from kurzum.errors import ConfigError
from kurzum.storage.db import alembic_config, current_revision, head_revision, make_engine, upgrade
from kurzum.storage.tables import Base, User


def test_migrations_match_the_tables_and_are_idempotent(engine: Engine) -> None:
    upgrade(engine)  # already at head: nothing to do
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
    assert current_revision(engine) == head_revision() == head


def test_fell_back_migration_backfills_from_the_old_note_prefix(tmp_path: Any) -> None:
    """0002 turns the old "llm fallback: " note prefix into the ``fell_back`` column."""
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO publications (id, slug, name, language, premium_label, notices,"
                " review_policy, jwt_public_keys, created_at) VALUES (1, 'p', 'P', 'de', '',"
                " '{}', 'publish-then-review', '[]', '2024-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO articles (id, publication_id, external_id, language, premium,"
                " title, lead, body, content_hash, status, generation, attempts, created_at,"
                " modified_at, next_attempt_at) VALUES (1, 1, 'a', 'de', 0, 't', NULL, 'b',"
                " 'h', 'ready', 0, 0, '2024-01-01', '2024-01-01', '2024-01-01')"
            )
        )
        for ident, notes in ((1, '["llm fallback: timeout"]'), (2, '["edited from version 1"]')):
            conn.execute(
                text(
                    "INSERT INTO summaries (id, article_id, version, state, reviewed, stale,"
                    " method, prompt_tokens, completion_tokens, article_hash, language, bullets,"
                    " faithfulness, notes, created_at) VALUES (:id, 1, :id, 'draft', 0, 0,"
                    " 'extractive', 0, 0, 'h', 'de', '[]', '{}', :notes, '2024-01-01')"
                ),
                {"id": ident, "notes": notes},
            )
    upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, fell_back FROM summaries ORDER BY id")).all()
    assert [(i, bool(f)) for i, f in rows] == [(1, True), (2, False)]


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
