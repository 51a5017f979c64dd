"""Shared fixtures: a database on SQLite and PostgreSQL, settings, the app, a client, builders.

Every test that uses ``engine`` (directly or through ``app``/``client``) runs twice: on a fresh
SQLite file and on PostgreSQL (a schema per test module, tables truncated per test). PostgreSQL
tests skip with a reason when the server is absent (KURZUM_TEST_PG_URL overrides the URL).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Coroutine, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from kurzum.llm.testing import FakeOpenAI, Play
from kurzum.settings import Settings
from kurzum.storage import accounts
from kurzum.storage import articles as repo
from kurzum.storage.db import SessionFactory, make_engine, make_session_factory, upgrade
from kurzum.storage.tables import Base, Publication, User
from kurzum.web.app import create_app
from kurzum.workers.inprocess import InProcessWorker

PG_URL = os.environ.get("KURZUM_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "correct horse battery"
NOTICE_DE = (
    "Die Zusammenfassung von Blick+-Artikeln ist unseren Nutzern mit Abo vorbehalten. "
    "Melde dich bitte an, falls du ein Abo hast."
)


def _pg_available() -> str | None:
    """None when PostgreSQL answers, else the reason to skip."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install 'kurzum[postgres]')"
    dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(dsn, connect_timeout=2):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL not reachable at {PG_URL}: {exc.__class__.__name__}"


@dataclass
class Database:
    """One backend for a test module: ``kind`` and how to get a clean engine per test."""

    kind: str
    url: str
    template: Path | None = None
    engine: Engine | None = None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for every test (migrations run once per session)."""
    path = tmp_path_factory.mktemp("template") / "kurzum.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, sqlite_template: Path) -> Iterator[Database]:
    """The backend of this test module's run (SQLite, then PostgreSQL)."""
    if request.param == "sqlite":
        yield Database("sqlite", "", template=sqlite_template)
        return
    reason = _pg_available()
    if reason:
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        yield Database("postgresql", url, engine=engine)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(database: Database, tmp_path: Path) -> Iterator[Engine]:
    """A clean, migrated database for one test."""
    if database.kind == "sqlite":
        assert database.template is not None
        path = tmp_path / "kurzum.sqlite3"
        shutil.copy(database.template, path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
        return
    assert database.engine is not None
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with database.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    yield database.engine


@pytest.fixture
def session_factory(engine: Engine) -> SessionFactory:
    """Sessions on the test database."""
    return make_session_factory(engine)


@pytest.fixture
def db(session_factory: SessionFactory) -> Iterator[Session]:
    """One session for arranging and asserting (commit what the app must see)."""
    with session_factory() as session:
        yield session


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Test settings: no background thread (tests drain the worker), plain-http cookies."""
    return Settings(
        environment="test",
        data_dir=tmp_path,
        worker="off",
        cookie_secure=False,
        retry_base_seconds=0,
        reconcile_seconds=0.1,
    )


@pytest.fixture
def app(settings: Settings, session_factory: SessionFactory) -> FastAPI:
    """The app on the test database, with an in-process worker that only runs on drain()."""
    return create_app(settings, session_factory=session_factory)


@pytest.fixture
def worker(app: FastAPI) -> InProcessWorker:
    """The app's in-process worker: call ``worker.drain()`` to run background work now."""
    worker: InProcessWorker = app.state.worker
    return worker


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An in-process HTTP client (lifespan run; cookies kept between calls)."""
    with TestClient(app) as c:
        yield c


@pytest.fixture
def make_client(app: FastAPI) -> Iterator[Any]:
    """A factory of independent clients (separate cookie jars) on the same app."""
    clients: list[TestClient] = []

    def build() -> TestClient:
        c = TestClient(app)
        clients.append(c)
        return c

    yield build
    for c in clients:
        c.close()


class Builder:
    """Readable builders for test data, committed so the app sees them."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def publication(self, slug: str = "blick", **kw: Any) -> Publication:
        """A publication (Blick with its Blick+ notice by default)."""
        defaults: dict[str, Any] = {
            "name": "Blick",
            "language": "de",
            "premium_label": "Blick+",
            "notices": {
                "de": NOTICE_DE,
                "fr": "Le résumé est réservé aux abonnés.",
                "en": "The summary is reserved for subscribers.",
            },
        }
        pub = repo.create_publication(self.session, slug=slug, **(defaults | kw))
        self.session.commit()
        return pub

    def api_key(self, pub: Publication, scopes: tuple[str, ...] = repo.API_KEY_SCOPES) -> str:
        """A plain publisher API key for ``pub``."""
        _, plain = repo.create_api_key(self.session, pub, scopes=scopes)
        self.session.commit()
        return plain

    def user(self, email: str, role: str = "reader", password: str = PASSWORD) -> User:
        """An account."""
        user = accounts.create_user(self.session, email, password, role=role)
        self.session.commit()
        return user

    def subscribe(
        self,
        user: User,
        pub: Publication,
        *,
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
    ) -> None:
        """A subscription of ``user`` to ``pub``."""
        accounts.add_subscription(
            self.session, user, pub, valid_from=valid_from, valid_until=valid_until
        )
        self.session.commit()


@pytest.fixture
def build(db: Session) -> Builder:
    """Test data builders (see Builder)."""
    return Builder(db)


def _login(client: TestClient, email: str, password: str = PASSWORD) -> str:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["csrf_token"]
    return token


@pytest.fixture
def login() -> Any:
    """``login(client, email, password=PASSWORD) -> csrf_token``: log a client in."""
    return _login


@pytest.fixture
def serve() -> Iterator[Callable[[Mapping[str, Sequence[Play]]], FakeOpenAI]]:
    """Start a scripted OpenAI-compatible server (``serve({"model": [plays]})``) on loopback."""
    servers: list[FakeOpenAI] = []

    def start(scripts: Mapping[str, Sequence[Play]]) -> FakeOpenAI:
        server = FakeOpenAI(scripts).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


T = TypeVar("T")


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion on a fresh event loop in its own thread.

    ``asyncio.run`` refuses to start when a loop is already running in the calling thread, which
    some in-process servers of other tests leave behind; a thread of its own is always clean.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture(autouse=True)
def _no_heartbeat_left_running() -> Iterator[None]:
    """A test that starts a worker heartbeat stops it: a thread left beating writes into the
    next test's database (or a dropped schema) until the interpreter exits."""
    before = {t.ident for t in threading.enumerate() if t.name == "kurzum-heartbeat"}
    yield
    left = [
        t for t in threading.enumerate() if t.name == "kurzum-heartbeat" and t.ident not in before
    ]
    assert not left, f"{len(left)} heartbeat thread(s) still running after the test"
