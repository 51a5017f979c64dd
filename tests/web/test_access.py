"""Issue 14: revocable access (keys, users, passwords, sessions), write-only keys, JWT policy,
password policy."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kurzum.storage.tables import User
from tests.conftest import PASSWORD
from tests.web.api.test_reader import _rsa
from tests.web.conftest import World

ME = "/api/v1/auth/me"
READER = "/api/v1/reader/publications/blick/articles/{}/summary"


def _admin(make_client: Any, login: Any) -> tuple[Any, dict[str, str]]:
    client = make_client()
    return client, {"X-CSRF-Token": login(client, "admin@example.org")}


def _user_id(db: Session, email: str) -> int:
    user = db.scalar(select(User).where(User.email == email))
    assert user is not None
    return user.id


def test_admin_revokes_a_publisher_key(world: World, make_client: Any, login: Any) -> None:
    world.put("k1")
    admin, csrf = _admin(make_client, login)
    keys = admin.get("/api/v1/admin/publications/blick/api-keys").json()
    assert len(keys) == 1 and keys[0]["revoked_at"] is None and "key" not in keys[0]
    prefix = keys[0]["prefix"]
    assert world.key.startswith(f"kz_{prefix}_")
    url = f"/api/v1/admin/publications/blick/api-keys/{prefix}"
    assert admin.delete(url).status_code == 403  # CSRF
    revoked = admin.delete(url, headers=csrf)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    answer = world.client.get("/api/v1/publisher/articles/k1", headers=world.auth())
    assert answer.status_code == 401


def test_admin_disables_and_enables_a_user(
    world: World, make_client: Any, login: Any, db: Session
) -> None:
    reader = make_client()
    login(reader, "sub@example.org")
    assert reader.get(ME).status_code == 200
    admin, csrf = _admin(make_client, login)
    uid = _user_id(db, "sub@example.org")
    disabled = admin.post(f"/api/v1/admin/users/{uid}/disable", headers=csrf)
    assert disabled.status_code == 200 and disabled.json()["disabled"] is True
    assert reader.get(ME).status_code == 401  # the session ended
    again = make_client().post(
        "/api/v1/auth/login", json={"email": "sub@example.org", "password": PASSWORD}
    )
    assert again.status_code == 401
    assert admin.post(f"/api/v1/admin/users/{uid}/enable", headers=csrf).status_code == 200
    login(make_client(), "sub@example.org")
    own = _user_id(db, "admin@example.org")
    assert admin.post(f"/api/v1/admin/users/{own}/disable", headers=csrf).status_code == 409
    editor = make_client()
    editor_csrf = login(editor, "editor@example.org")
    refused = editor.post(
        f"/api/v1/admin/users/{uid}/disable", headers={"X-CSRF-Token": editor_csrf}
    )
    assert refused.status_code == 403


def test_user_changes_password_and_other_sessions_end(
    world: World, make_client: Any, login: Any
) -> None:
    phone = make_client()
    login(phone, "sub@example.org")
    laptop = make_client()
    csrf = login(laptop, "sub@example.org")
    new = "ein ganz neues Passwort"
    wrong = laptop.post(
        "/api/v1/auth/password",
        json={"current_password": "falsch falsch", "new_password": new},
        headers={"X-CSRF-Token": csrf},
    )
    assert wrong.status_code == 403
    weak = laptop.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "password123"},
        headers={"X-CSRF-Token": csrf},
    )
    assert weak.status_code == 422
    changed = laptop.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": new},
        headers={"X-CSRF-Token": csrf},
    )
    assert changed.status_code == 200, changed.text
    assert laptop.get(ME).status_code == 200  # this browser got a new session
    assert phone.get(ME).status_code == 401
    old = make_client().post(
        "/api/v1/auth/login", json={"email": "sub@example.org", "password": PASSWORD}
    )
    assert old.status_code == 401
    login(make_client(), "sub@example.org", new)


def test_user_ends_other_sessions(world: World, make_client: Any, login: Any) -> None:
    phone = make_client()
    login(phone, "sub@example.org")
    laptop = make_client()
    csrf = login(laptop, "sub@example.org")
    ended = laptop.post("/api/v1/auth/sessions/end-others", headers={"X-CSRF-Token": csrf})
    assert ended.status_code == 200 and ended.json() == {"ended": 1}
    assert phone.get(ME).status_code == 401
    assert laptop.get(ME).status_code == 200


def test_write_only_key_gets_no_bullets_in_the_put_answer(world: World, build: Any) -> None:
    world.summarized("w1")
    write_only = build.api_key(world.pub, scopes=("articles:write",))
    response = world.client.put(
        "/api/v1/publisher/articles/w1",
        json={"title": "Neues Energiegesetz", "body": world_body(), "premium": True},
        headers={"Authorization": f"Bearer {write_only}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["summary"] is None
    assert response.json()["status"] == "ready"
    full = world.put("w1")
    assert full["summary"]["bullets"]


def world_body() -> str:
    from tests.web.conftest import BODY

    return BODY


@pytest.fixture(scope="module")
def signing() -> tuple[Any, str]:
    return _rsa()


def _token(key: Any, **claims: Any) -> str:
    base = {
        "aud": "kurzum-blick",
        "exp": int(time.time()) + 600,
        "subscription": {"publication": "blick", "valid_until": int(time.time()) + 3600},
    }
    return jwt.encode(base | claims, key, algorithm="RS256")


def _jwt_status(world: World, make_client: Any, token: str) -> tuple[int, str | None]:
    answer = make_client().get(READER.format("j1"), headers={"Authorization": f"Bearer {token}"})
    return answer.status_code, answer.json().get("status")


def test_jwt_issuer_lifetime_and_valid_until(
    world: World, make_client: Any, db: Session, signing: Any
) -> None:
    world.summarized("j1")
    world.pub.jwt_public_keys = [signing[1]]
    world.pub.jwt_audience = "kurzum-blick"
    db.merge(world.pub)
    db.commit()
    key = signing[0]
    assert _jwt_status(world, make_client, _token(key)) == (200, "available")
    # valid_until is required unless the publication turns that off
    open_ended = _token(key, subscription={"publication": "blick"})
    assert _jwt_status(world, make_client, open_ended) == (200, "locked")
    # a token living longer than the maximum (one day by default) is refused
    month = _token(key, exp=int(time.time()) + 30 * 86400)
    assert _jwt_status(world, make_client, month)[0] == 401
    issued = _token(key, iat=int(time.time()) - 2 * 86400, exp=int(time.time()) + 600)
    assert _jwt_status(world, make_client, issued)[0] == 401
    pub = world.pub
    pub.jwt_issuer = "https://cms.blick.example"
    pub.jwt_require_valid_until = False
    db.merge(pub)
    db.commit()
    assert _jwt_status(world, make_client, _token(key))[0] == 401  # no iss
    wrong = _token(key, iss="https://evil.example")
    assert _jwt_status(world, make_client, wrong)[0] == 401
    right = _token(key, iss="https://cms.blick.example", subscription={"publication": "blick"})
    assert _jwt_status(world, make_client, right) == (200, "available")


@pytest.mark.parametrize("password", ["password123", "Qwertyuiop", " " * 12, "\t\n" * 6])
def test_common_and_blank_passwords_are_refused(world: World, password: str) -> None:
    answer = world.client.post(
        "/api/v1/auth/register", json={"email": "neu@example.org", "password": password}
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid_input"
