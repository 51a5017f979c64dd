"""CLI commands of the service: db upgrade, users, publications, and the demo loader."""

from __future__ import annotations

from pathlib import Path
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


def _pem_public_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def test_publications_list_show_and_set(cli_env: Engine, db: Session, tmp_path: Path) -> None:
    assert run("publications", "add", "blick", "--name", "Blick").exit_code == 0
    pem = tmp_path / "cms.pem"
    pem.write_text(_pem_public_key(), encoding="utf-8")
    changed = run(
        "publications", "set", "blick",
        "--name", "Blick Schweiz",
        "--notice", "de=Nur für Abonnenten",
        "--notice", "fr=Réservé aux abonnés",
        "--review-policy", "review-before-publish",
        "--webhook-url", "https://93.184.216.34/hooks/kurzum",
        "--webhook-secret", "ein-langes-geheimnis-16",
        "--jwt-key", str(pem),
        "--jwt-audience", "kurzum",
    )  # fmt: skip
    assert changed.exit_code == 0, changed.output
    pub = repo.get_publication(db, "blick")
    assert (pub.name, pub.review_policy, pub.jwt_audience) == (
        "Blick Schweiz",
        "review-before-publish",
        "kurzum",
    )
    assert pub.notices == {"de": "Nur für Abonnenten", "fr": "Réservé aux abonnés"}
    assert pub.webhook_secret == "ein-langes-geheimnis-16" and len(pub.jwt_public_keys) == 1
    shown = run("publications", "show", "blick")
    assert shown.exit_code == 0
    assert "Blick Schweiz" in shown.output and "https://93.184.216.34/hooks/kurzum" in shown.output
    assert "ein-langes-geheimnis" not in shown.output  # secrets only as "set"
    assert "webhook secret:  set" in shown.output
    listing = run("publications", "list")
    assert "blick" in listing.output and "review-before-publish" in listing.output
    # a notice removed, the webhook dropped; the rest stays
    assert run("publications", "set", "blick", "--notice", "fr=", "--no-webhook").exit_code == 0
    db.expire_all()
    assert pub.notices == {"de": "Nur für Abonnenten"} and pub.webhook_url is None
    assert pub.name == "Blick Schweiz"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--review-policy", "sometimes"], "review_policy"),
        (["--webhook-url", "ftp://cms"], "webhook_url"),
        (["--webhook-url", "http://127.0.0.1/x", "--webhook-secret", "x" * 20], "ALLOW_PRIVATE"),
        (["--webhook-url", "https://10.0.0.1/x", "--webhook-secret", "x" * 20], "private"),
        (["--webhook-url", "https://93.184.216.34/x"], "webhook secret"),
        (["--webhook-secret", "short"], "webhook_secret"),
        (["--notice", "es=hola"], "notices"),
        (["--notice", "no-equals-sign"], "LANG=TEXT"),
        ([], "nothing to change"),
    ],
)
def test_publications_set_refuses_bad_values_in_one_line(
    cli_env: Engine, args: list[str], message: str
) -> None:
    assert run("publications", "add", "blick", "--name", "Blick").exit_code == 0
    result = run("publications", "set", "blick", *args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert run("publications", "set", "nowhere", "--name", "X").exit_code == 2


def test_keys_create_list_revoke(cli_env: Engine, session_factory: Any, settings: Settings) -> None:
    from fastapi.testclient import TestClient

    from kurzum.web.app import create_app

    assert run("publications", "add", "blick", "--name", "Blick").exit_code == 0
    created = run("keys", "create", "blick", "--name", "cms", "--scope", "articles:read")
    assert created.exit_code == 0, created.output
    plain = created.stdout.strip()
    assert plain.startswith("kz_") and "shown only this once" in created.stderr
    prefix = plain.split("_")[1]
    listing = run("keys", "list")
    assert prefix in listing.stdout and "articles:read" in listing.stdout
    assert plain not in listing.stdout
    assert run("keys", "create", "blick", "--scope", "admin").exit_code == 2

    app = create_app(settings, session_factory=session_factory)
    with TestClient(app) as client:
        auth = {"Authorization": f"Bearer {plain}"}
        assert client.get("/api/v1/publisher/articles/x", headers=auth).status_code == 404
        with session_factory() as session:
            key = repo.find_api_key_by_prefix(session, prefix)
            assert key is not None and key.last_used_at is not None  # "last used" is recorded
        assert run("keys", "revoke", prefix).exit_code == 0
        assert client.get("/api/v1/publisher/articles/x", headers=auth).status_code == 401
    assert run("keys", "revoke", "nothing").exit_code == 2
    assert prefix not in run("keys", "list").stdout  # revoked keys only with --revoked
    assert prefix in run("keys", "list", "--revoked").stdout


def test_users_disable_ends_sessions_and_logins(
    cli_env: Engine, db: Session, session_factory: Any, settings: Settings
) -> None:
    from fastapi.testclient import TestClient

    from kurzum.web.app import create_app

    password = "ein langes passwort"
    assert run("users", "add", "leser@example.org", "--password", password).exit_code == 0
    app = create_app(settings, session_factory=session_factory)
    with TestClient(app) as client:
        creds = {"email": "leser@example.org", "password": password}
        assert client.post("/api/v1/auth/login", json=creds).status_code == 200
        assert client.get("/api/v1/auth/me").status_code == 200
        assert run("users", "disable", "leser@example.org").exit_code == 0
        assert client.get("/api/v1/auth/me").status_code == 401  # the open session ended
        assert client.post("/api/v1/auth/login", json=creds).status_code == 401
        assert "yes" in run("users", "list").output
        assert run("users", "enable", "leser@example.org").exit_code == 0
        assert client.post("/api/v1/auth/login", json=creds).status_code == 200
    assert run("users", "disable", "nobody@example.org").exit_code == 2


def test_demo_reload_revokes_the_previous_demo_key(engine: Engine, settings: Settings) -> None:
    factory = make_session_factory(engine)
    keys = []
    for _ in range(2):
        with session_scope(factory) as session:
            keys.append(load_demo(session).api_key)
    with factory() as session:
        assert repo.find_api_key(session, keys[0]) is None  # the first run's key is revoked
        assert repo.find_api_key(session, keys[1]) is not None
