"""Accounts: registration without enumeration, login, cookies, CSRF, throttle, logout, admin API."""

from __future__ import annotations

from typing import Any

from kurzum.storage.tables import utcnow
from kurzum.web.auth import CSRF_COOKIE, SESSION_COOKIE

from ..conftest import World


def test_registration_answer_does_not_reveal_existing_accounts(
    world: World, make_client: Any
) -> None:
    client = make_client()
    new = client.post(
        "/api/v1/auth/register", json={"email": "neu@example.org", "password": "lang genug 123"}
    )
    taken = client.post(
        "/api/v1/auth/register", json={"email": "SUB@example.org", "password": "lang genug 123"}
    )
    assert new.status_code == taken.status_code == 202
    assert new.json() == taken.json()
    assert SESSION_COOKIE not in new.cookies and SESSION_COOKIE not in taken.cookies
    ok = client.post(
        "/api/v1/auth/login", json={"email": "neu@example.org", "password": "lang genug 123"}
    )
    assert ok.status_code == 200
    # the existing account's password was not changed by the second registration
    hijack = make_client().post(
        "/api/v1/auth/login", json={"email": "sub@example.org", "password": "lang genug 123"}
    )
    assert hijack.status_code == 401


def test_registration_validates_input(world: World, make_client: Any) -> None:
    client = make_client()
    short = client.post(
        "/api/v1/auth/register", json={"email": "a@example.org", "password": "kurz"}
    )
    assert short.status_code == 422
    bad = client.post(
        "/api/v1/auth/register", json={"email": "kein-mail", "password": "lang genug 123"}
    )
    assert bad.status_code == 422


def test_login_sets_hardened_cookies_and_me_works(
    world: World, make_client: Any, login: Any
) -> None:
    client = make_client()
    response = client.post(
        "/api/v1/auth/login", json={"email": "sub@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 200
    cookies = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith(SESSION_COOKIE + "="))
    assert "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie
    assert any(c.startswith(CSRF_COOKIE + "=") and "HttpOnly" not in c for c in cookies)
    me = client.get("/api/v1/auth/me").json()
    assert me["user"]["email"] == "sub@example.org"
    assert me["subscriptions"][0]["publication"] == "blick"
    assert me["subscriptions"][0]["active"] is True
    assert me["csrf_token"] == response.json()["csrf_token"]


def test_secure_flag_is_on_by_default(settings: Any) -> None:
    from kurzum.settings import Settings

    assert Settings().cookie_secure is True


def test_wrong_password_and_unknown_email_get_the_same_answer(
    world: World, make_client: Any
) -> None:
    client = make_client()
    wrong = client.post(
        "/api/v1/auth/login", json={"email": "sub@example.org", "password": "falsch falsch"}
    )
    unknown = client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.org", "password": "falsch falsch"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_login_is_throttled_even_with_the_right_password(
    world: World, make_client: Any, app: Any
) -> None:
    frozen = utcnow()
    app.state.clock = lambda: frozen  # issue 14: the delay is short; no wall time in the test
    client = make_client()
    for _ in range(5):
        r = client.post(
            "/api/v1/auth/login", json={"email": "sub@example.org", "password": "x" * 12}
        )
        assert r.status_code == 401
    blocked = client.post(
        "/api/v1/auth/login", json={"email": "sub@example.org", "password": "correct horse battery"}
    )
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "too_many_requests"
    # unknown accounts are throttled the same way (no enumeration through the throttle)
    for _ in range(5):
        client.post("/api/v1/auth/login", json={"email": "ghost@example.org", "password": "x" * 12})
    ghost = client.post(
        "/api/v1/auth/login", json={"email": "ghost@example.org", "password": "x" * 12}
    )
    assert ghost.status_code == 429


def test_logout_needs_csrf_and_ends_the_session(world: World, make_client: Any, login: Any) -> None:
    client = make_client()
    csrf = login(client, "sub@example.org")
    token = client.cookies.get(SESSION_COOKIE)
    assert client.post("/api/v1/auth/logout").status_code == 403
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": "0" * 64}).status_code == 403
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    replay = make_client()
    replay.cookies.set(SESSION_COOKIE, token or "")
    assert replay.get("/api/v1/auth/me").status_code == 401


def test_admin_manages_publications_keys_users_and_subscriptions(
    world: World, make_client: Any, login: Any
) -> None:
    client = make_client()
    csrf = {"X-CSRF-Token": login(client, "admin@example.org")}
    created = client.post(
        "/api/v1/admin/publications",
        json={
            "slug": "lematin",
            "name": "Le Matin",
            "language": "fr",
            "premium_label": "Le Matin+",
            "notices": {"fr": "Réservé aux abonnés."},
            "webhook_secret": "s" * 20,
        },
        headers=csrf,
    )
    assert created.status_code == 201, created.text
    assert "webhook_secret" not in created.json()
    dup = client.post(
        "/api/v1/admin/publications",
        json={"slug": "lematin", "name": "X", "language": "fr"},
        headers=csrf,
    )
    assert dup.status_code == 409
    key = client.post("/api/v1/admin/publications/lematin/api-keys", json={}, headers=csrf).json()
    assert key["key"].startswith("kz_")
    put = client.put(
        "/api/v1/publisher/articles/x1",
        json={"body": "Un texte. Deux phrases."},
        headers={"Authorization": f"Bearer {key['key']}"},
    )
    assert put.status_code == 201 and put.json()["language"] == "fr"
    user = client.post(
        "/api/v1/admin/users",
        json={"email": "abonne@example.org", "password": "mot de passe 1"},
        headers=csrf,
    ).json()
    sub = client.post(
        f"/api/v1/admin/users/{user['id']}/subscriptions",
        json={"publication": "lematin"},
        headers=csrf,
    )
    assert sub.status_code == 201 and sub.json()["active"] is True
    ended = client.delete(f"/api/v1/admin/subscriptions/{sub.json()['id']}", headers=csrf)
    assert ended.json()["active"] is False
    patched = client.patch(
        "/api/v1/admin/publications/lematin",
        json={"review_policy": "review-before-publish"},
        headers=csrf,
    )
    assert patched.json()["review_policy"] == "review-before-publish"


def test_admin_api_refuses_editors_and_readers(world: World, make_client: Any, login: Any) -> None:
    for email in ("editor@example.org", "sub@example.org"):
        client = make_client()
        login(client, email)
        assert client.get("/api/v1/admin/publications").status_code == 403
    assert make_client().get("/api/v1/admin/users").status_code == 401


def test_admin_refuses_a_jwt_key_that_is_not_a_public_key(
    world: World, make_client: Any, login: Any
) -> None:
    client = make_client()
    csrf = {"X-CSRF-Token": login(client, "admin@example.org")}
    response = client.patch(
        "/api/v1/admin/publications/blick",
        json={"jwt_public_keys": ["-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----"]},
        headers=csrf,
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"].startswith("body.jwt_public_keys")
