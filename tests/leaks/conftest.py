"""The leak suite runs on SQLite and on PostgreSQL, in its own database ``kurzum_workers``
(the shared ``test`` database belongs to the storage and API suites)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from kurzum.storage.db import make_engine, upgrade

PG_SERVER = os.environ.get("KURZUM_TEST_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
PG_DATABASE = "kurzum_workers"


@dataclass
class Database:
    """Same shape as the root conftest's: the ``engine`` fixture builds on it."""

    kind: str
    url: str
    template: Path | None = None
    engine: Engine | None = None


def _ensure_database() -> str | None:
    """Create ``kurzum_workers`` when missing; None when ready, else the reason to skip."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install 'kurzum[postgres]')"
    try:
        with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=2, autocommit=True) as conn:
            found = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (PG_DATABASE,)
            ).fetchone()
            if found is None:
                conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    except psycopg.errors.DuplicateDatabase:
        return None
    except psycopg.Error as exc:
        return f"PostgreSQL not reachable at {PG_SERVER}: {exc.__class__.__name__}"
    return None


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, sqlite_template: Path) -> Iterator[Database]:
    """SQLite, then a fresh schema in PostgreSQL's ``kurzum_workers`` database."""
    if request.param == "sqlite":
        yield Database("sqlite", "", template=sqlite_template)
        return
    reason = _ensure_database()
    if reason:
        pytest.skip(reason)
    base = f"{PG_SERVER.replace('postgresql://', 'postgresql+psycopg://')}/{PG_DATABASE}"
    schema = f"leaks_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}?options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    upgrade(engine)
    try:
        yield Database("postgresql", url, engine=engine)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
