"""Admin pages: publications (settings, webhook, delivery log, test event), API keys, users.

Forms are posted with the CSRF token read from the page, as a browser would; every change is
checked in the database or through the API it affects."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kurzum.storage.tables import Publication, Subscription, User, WebhookDelivery

from .conftest import PageWorld, csrf_of, form_login

ADMIN = "admin@example.org"
PUBLIC_DNS = {"public.example": ["93.184.216.34"], "intranet.example": ["10.1.2.3"]}


@pytest.fixture
def admin(page_world: PageWorld, make_client: Any, build: Any) -> TestClient:
    build.user(ADMIN, role="admin")
    client: TestClient = make_client()
    assert form_login(client, ADMIN).status_code == 303
    client.app.state.resolver = lambda host, port: PUBLIC_DNS[host]  # type: ignore[attr-defined]
    return client


def post(client: TestClient, page: str, action: str, data: dict[str, Any]) -> Any:
    """Post a form of ``page`` with its CSRF token."""
    token = csrf_of(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **data}, follow_redirects=False)


def settings_form(**changes: str) -> dict[str, str]:
    base = {
        "name": "Blick",
        "language": "de",
        "premium_label": "Blick+",
        "notice_de": "Nur mit Abo.",
        "notice_fr": "Réservé aux abonnés.",
        "notice_en": "",
        "review_policy": "publish-then-review",
        "webhook_url": "",
        "webhook_secret": "",
        "jwt_public_keys": "",
        "jwt_audience": "",
    }
    return base | changes


def test_admin_pages_are_for_admins_only(
    page_world: PageWorld, logged_in: Any, client: TestClient
) -> None:
    anonymous = client.get("/admin/publications", follow_redirects=False)
    assert anonymous.status_code == 303 and "/account/login" in anonymous.headers["location"]
    editor = logged_in(page_world.account("editor@example.org"))
    for path in ("/admin/publications", "/admin/users", "/admin/publications/blick/keys"):
        assert editor.get(path).status_code == 403, path
    assert "/admin" not in editor.get("/").text


def test_publication_list_in_three_languages(admin: TestClient) -> None:
    page = admin.get("/admin/publications")
    assert page.status_code == 200 and "<h1" in page.text and "Publikationen" in page.text
    assert "Blick" in page.text and "Verwaltung" in admin.get("/").text
    assert "Nouvelle publication" in admin.get("/admin/publications?lang=fr").text
    assert "New publication" in admin.get("/admin/publications?lang=en").text
    assert page.headers["cache-control"] == "private, no-store"


def test_create_and_edit_a_publication(admin: TestClient, db: Session) -> None:
    created = post(
        admin,
        "/admin/publications",
        "/admin/publications",
        {"slug": "lematin", "name": "Le Matin", "language": "fr"},
    )
    assert (
        created.status_code == 303
        and created.headers["location"] == "/admin/publications/lematin?done=created"
    )
    taken = post(
        admin,
        "/admin/publications",
        "/admin/publications",
        {"slug": "lematin", "name": "X", "language": "fr"},
    )
    assert taken.status_code == 409 and "lematin" in taken.text
    saved = post(
        admin,
        "/admin/publications/lematin",
        "/admin/publications/lematin",
        settings_form(
            name="Le Matin Dimanche",
            language="fr",
            notice_fr="Réservé.",
            review_policy="review-before-publish",
        ),
    )
    assert saved.status_code == 303
    page = admin.get(saved.headers["location"])
    assert "Gespeichert." in page.text and "Le Matin Dimanche" in page.text
    assert 'data-testid="extras"' in page.text and "allowed_origins" in page.text  # read-only
    pub = db.scalars(select(Publication).where(Publication.slug == "lematin")).one()
    assert pub.language == "fr" and pub.review_policy == "review-before-publish"
    assert pub.notices == {"de": "Nur mit Abo.", "fr": "Réservé."}


def test_webhook_settings_are_checked_and_the_secret_is_shown_once(
    admin: TestClient, db: Session
) -> None:
    page = "/admin/publications/blick"
    no_secret = post(admin, page, page, settings_form(webhook_url="https://public.example/hook"))
    assert no_secret.status_code == 422 and "secret" in no_secret.text
    for url in ("https://intranet.example/hook", "http://127.0.0.1:8080/hook"):
        internal = post(admin, page, page, settings_form(webhook_url=url, webhook_secret="x" * 20))
        assert internal.status_code == 422 and "KURZUM_WEBHOOKS_ALLOW_PRIVATE" in internal.text
    shown = post(admin, page, f"{page}/webhook-secret", {})
    assert shown.status_code == 200 and shown.headers["cache-control"] == "private, no-store"
    secret = re.search(r'data-testid="secret">(whsec_[^<]+)<', shown.text)
    assert secret is not None
    assert secret.group(1) not in admin.get(page).text
    ok = post(admin, page, page, settings_form(webhook_url="https://public.example/hook"))
    assert ok.status_code == 303
    db.expire_all()
    pub = db.scalars(select(Publication).where(Publication.slug == "blick")).one()
    assert (
        pub.webhook_secret == secret.group(1) and pub.webhook_url == "https://public.example/hook"
    )
    tested = post(admin, page, f"{page}/webhook-test", {})
    assert tested.status_code == 303 and tested.headers["location"].endswith("?done=test")
    log = admin.get(page).text
    assert "webhook.test" in log and "ausstehend" in log
    assert db.scalars(select(WebhookDelivery.event)).all() == ["webhook.test"]


def test_api_keys_created_once_listed_and_revoked(admin: TestClient, page_world: PageWorld) -> None:
    keys = "/admin/publications/blick/keys"
    created = post(admin, keys, keys, {"name": "CMS", "scope": ["articles:read"]})
    assert created.status_code == 200 and created.headers["cache-control"] == "private, no-store"
    found = re.search(r'data-testid="new-key">(kz_[^<]+)<', created.text)
    assert found is not None
    plain = found.group(1)
    listing = admin.get(keys).text
    assert plain not in listing and "CMS" in listing and "nie" in listing
    used = page_world.client.get(
        "/api/v1/publisher/articles/p1", headers={"Authorization": f"Bearer {plain}"}
    )
    assert used.status_code == 200
    assert "nie" not in admin.get(keys).text.split("CMS")[1].split("</tr>")[0]
    prefix = plain.split("_")[1]
    revoked = post(admin, keys, f"{keys}/{prefix}/revoke", {})
    assert revoked.status_code == 303
    assert "widerrufen" in admin.get(revoked.headers["location"]).text
    again = page_world.client.get(
        "/api/v1/publisher/articles/p1", headers={"Authorization": f"Bearer {plain}"}
    )
    assert again.status_code == 401
    none = post(admin, keys, keys, {"name": "leer"})
    assert none.status_code == 422


def test_users_role_disable_and_subscriptions(
    admin: TestClient, page_world: PageWorld, logged_in: Any, db: Session
) -> None:
    reader = logged_in(page_world.account("reader@example.org"))
    user = db.scalars(select(User).where(User.email == "reader@example.org")).one()
    listing = admin.get("/admin/users?email=reader").text
    assert "reader@example.org" in listing and "sub@example.org" not in listing
    page = f"/admin/users/{user.id}"
    granted = post(
        admin,
        page,
        f"{page}/subscriptions",
        {"publication": "blick", "plan": "plus", "valid_until": "2099-12-31"},
    )
    assert granted.status_code == 303
    assert "Abo vergeben." in admin.get(granted.headers["location"]).text
    sub = db.scalars(select(Subscription).where(Subscription.user_id == user.id)).one()
    assert sub.plan == "plus" and sub.valid_until is not None and sub.valid_until.year == 2099
    ended = post(admin, page, f"{page}/subscriptions/{sub.id}/end", {})
    assert ended.status_code == 303
    role = post(admin, page, f"{page}/role", {"role": "editor"})
    assert role.status_code == 303
    db.expire_all()
    assert db.get(User, user.id).role == "editor"  # type: ignore[union-attr]
    assert reader.get("/editor").status_code == 200
    disabled = post(admin, page, f"{page}/disable", {"disabled": "true"})
    assert disabled.status_code == 303
    assert reader.get("/editor", follow_redirects=False).status_code == 303  # logged out
    assert form_login(page_world.client, "reader@example.org").status_code == 401
    enabled = post(admin, page, f"{page}/disable", {"disabled": "false"})
    assert enabled.status_code == 303
    assert form_login(page_world.client, "reader@example.org").status_code == 303


def test_an_admin_cannot_lock_themselves_out(admin: TestClient, db: Session) -> None:
    me = db.scalars(select(User).where(User.email == ADMIN)).one()
    page = f"/admin/users/{me.id}"
    assert "Rolle und Sperre" in admin.get(page).text
    token = csrf_of(admin.get("/admin/publications").text)
    answer = admin.post(f"{page}/disable", data={"csrf_token": token, "disabled": "true"})
    assert answer.status_code == 409
    db.expire_all()
    assert not db.get(User, me.id).disabled  # type: ignore[union-attr]


def test_admin_forms_need_the_csrf_token_and_pages_have_no_inline_code(admin: TestClient) -> None:
    forged = admin.post("/admin/publications", data={"slug": "x", "name": "X", "language": "de"})
    assert forged.status_code == 403
    for path in (
        "/admin/publications",
        "/admin/publications/blick",
        "/admin/publications/blick/keys",
        "/admin/users",
    ):
        html = admin.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert "<style" not in html and " style=" not in html and " onclick=" not in html, path


def test_the_navigation_has_one_admin_link(admin: TestClient) -> None:
    nav = admin.get("/admin/publications").text.split('class="kz-nav"', 1)[1].split("</nav>")[0]
    assert len(re.findall(r'href="/admin[^"]*"', nav)) == 1
