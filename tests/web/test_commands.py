"""CLI commands of the service: db upgrade, users, publications, and the demo loader."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kurzum.cli import app, register_all
from kurzum.demo import ACCOUNTS, NOTICES, load_demo
from kurzum.settings import Settings
from kurzum.storage import accounts
from kurzum.storage import articles as repo
from kurzum.storage.db import make_session_factory, session_scope
from kurzum.storage.tables import Article, SummaryVersion
from kurzum.workers.inprocess import InProcessWorker

register_all()  # the service commands are attached on demand


@pytest.fixture
def cli_env(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("KURZUM_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.delenv("KURZUM_CONFIG", raising=False)
    return engine


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_db_upgrade_and_user_commands(cli_env: Engine, db: Session) -> None:
    assert run("db", "upgrade").exit_code == 0
    assert (
        run(
            "publications", "add", "blick", "--name", "Blick", "--premium-label", "Blick+"
        ).exit_code
        == 0
    )
    key = run("publications", "key", "blick")
    assert key.exit_code == 0 and key.output.startswith("kz_")
    added = run(
        "users", "add", "cli@example.org", "--role", "editor", "--password", "ein langes passwort"
    )
    assert added.exit_code == 0, added.output
    duplicate = run("users", "add", "cli@example.org", "--password", "ein langes passwort")
    assert duplicate.exit_code == 2 and "exists" in duplicate.output
    assert (
        run("users", "subscribe", "cli@example.org", "blick", "--until", "2999-01-01").exit_code
        == 0
    )
    listing = run("users", "list")
    assert "cli@example.org" in listing.output and "blick" in listing.output
    user = accounts.find_user(db, "cli@example.org")
    assert user is not None and user.role == "editor"
    pub = repo.get_publication(db, "blick")
    assert accounts.is_subscribed(db, user.id, pub.id)
    assert run("users", "unsubscribe", "cli@example.org", "blick").exit_code == 0
    db.expire_all()
    assert not accounts.is_subscribed(db, user.id, pub.id)
    bad = run("users", "subscribe", "cli@example.org", "blick", "--until", "nie")
    assert bad.exit_code == 2 and "date" in bad.output
    assert run("users", "set-role", "nobody@example.org", "admin").exit_code == 2


def test_demo_loader_is_idempotent(engine: Engine, settings: Settings) -> None:
    factory = make_session_factory(engine)
    for _ in range(2):
        with session_scope(factory) as session:
            result = load_demo(session)
        InProcessWorker(factory, settings).drain()
    with factory() as session:
        assert session.scalar(select(func.count(Article.id))) == 4
        assert session.scalar(select(func.count(SummaryVersion.id))) == 4
        pub = repo.get_publication(session, "blick")
        assert pub.premium_label == "Blick+" and pub.notices["de"] == NOTICES["de"]
        premium = repo.get_article(session, pub, "nordkorea-2024-10")
        assert premium.premium and premium.title
        assert "vorbehalten" not in premium.body  # the notice line is not article text
        for spec in ACCOUNTS:
            assert accounts.authenticate(session, spec.email, spec.password) is not None
    assert result.api_key.startswith("kz_")
