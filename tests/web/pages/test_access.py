"""Issue 14: the "Sicherheit" page, the admin page, and the security headers on pages."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from kurzum.settings import Settings
from kurzum.web.app import create_app
from tests.web.pages.conftest import PASSWORD, PageWorld, csrf_of

NEW = "ein ganz neues Passwort"


def test_user_changes_password_on_the_security_page(page_world: PageWorld, logged_in: Any) -> None:
    phone = logged_in("sub@example.org")
    laptop = logged_in("sub@example.org")
    page = laptop.get("/account/security")
    assert page.status_code == 200
    token = csrf_of(page.text)
    wrong = laptop.post(
        "/account/password",
        data={"current": "falsch falsch", "new": NEW, "csrf_token": token},
        follow_redirects=False,
    )
    assert wrong.status_code == 403
    done = laptop.post(
        "/account/password",
        data={"current": PASSWORD, "new": NEW, "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert 'data-testid="password-changed"' in laptop.get(done.headers["location"]).text
    assert phone.get("/account/security", follow_redirects=False).status_code == 303  # to login


def test_user_ends_other_sessions_on_the_security_page(
    page_world: PageWorld, logged_in: Any
) -> None:
    phone = logged_in("sub@example.org")
    laptop = logged_in("sub@example.org")
    token = csrf_of(laptop.get("/account/security").text)
    done = laptop.post(
        "/account/sessions/end-others", data={"csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303
    assert phone.get("/account/security", follow_redirects=False).status_code == 303
    assert laptop.get("/account/security").status_code == 200


def test_pages_send_a_strict_content_security_policy(page_world: PageWorld) -> None:
    client = page_world.client
    for path in ("/", "/p/blick/p1", "/p/blick/f1", "/account/login", "/account/register"):
        response = client.get(path)
        assert response.status_code == 200
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert response.headers["cross-origin-opener-policy"] == "same-origin"
        assert "camera=()" in response.headers["permissions-policy"]
        assert "strict-transport-security" not in response.headers  # plain-http test settings
        # nothing inline that the policy would block
        for script in re.findall(r"<script([^>]*)>", response.text):
            assert "src=" in script or 'type="application/ld+json"' in script
        assert "<style" not in response.text and " style=" not in response.text
        assert not re.search(r"\son[a-z]+=", response.text)
    api = client.get("/healthz")
    assert "default-src 'none'" in api.headers["content-security-policy"]


def test_hsts_when_cookies_are_secure(settings: Settings, session_factory: Any) -> None:
    secure = create_app(
        settings.model_copy(update={"cookie_secure": True}), session_factory=session_factory
    )
    with TestClient(secure) as client:
        response = client.get("/account/login")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")
