"""Admin API: save-time address check, secret required, delivery log, test event, new secret,
API keys with their last use."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from kurzum.workers.inprocess import InProcessWorker

from .conftest import Receiver

SECRET = "whsec_" + "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ=="


def admin(build: Any, make_client: Any, login: Any) -> tuple[TestClient, dict[str, str]]:
    build.user("admin@example.org", role="admin")
    client: TestClient = make_client()
    return client, {"X-CSRF-Token": login(client, "admin@example.org")}


def strict(app: FastAPI) -> None:
    """The operator did not allow internal addresses."""
    app.state.settings = app.state.settings.model_copy(update={"webhooks_allow_private": False})


def test_internal_webhook_urls_are_refused_when_saved(
    app: FastAPI, build: Any, make_client: Any, login: Any, receiver: Receiver
) -> None:
    build.publication()
    client, csrf = admin(build, make_client, login)
    strict(app)
    for url in (
        receiver.url("/x", host="cms.example"),  # a name resolving to 127.0.0.1
        "http://127.0.0.1:9/x",
        "http://[::1]/x",
        "http://unknown.example/x",  # does not resolve
    ):
        patch = {"webhook_url": url, "webhook_secret": SECRET}
        answer = client.patch("/api/v1/admin/publications/blick", json=patch, headers=csrf)
        assert answer.status_code == 422, (url, answer.text)
    created = client.post(
        "/api/v1/admin/publications",
        json={
            "slug": "intern",
            "name": "I",
            "language": "de",
            "webhook_url": "http://10.0.0.1/",
            "webhook_secret": SECRET,
        },
        headers=csrf,
    )
    assert created.status_code == 422
    ok = client.patch(
        "/api/v1/admin/publications/blick",
        json={"webhook_url": "https://public.example/hook", "webhook_secret": SECRET},
        headers=csrf,
    )
    assert ok.status_code == 200 and ok.json()["webhook_url"] == "https://public.example/hook"


def test_a_webhook_needs_a_secret(build: Any, make_client: Any, login: Any) -> None:
    build.publication()
    client, csrf = admin(build, make_client, login)
    answer = client.patch(
        "/api/v1/admin/publications/blick",
        json={"webhook_url": "https://public.example/hook"},
        headers=csrf,
    )
    assert answer.status_code == 422 and "secret" in answer.text
    bad = client.patch(
        "/api/v1/admin/publications/blick",
        json={
            "webhook_url": "https://public.example/hook",
            "webhook_secret": "whsec_!!!!not-base64!!",
        },
        headers=csrf,
    )
    assert bad.status_code == 422


def test_test_event_delivery_log_and_new_secret(
    build: Any, make_client: Any, login: Any, receiver: Receiver, worker: InProcessWorker
) -> None:
    build.publication(webhook_url=receiver.url("/hook", host="cms.example"), webhook_secret=SECRET)
    client, csrf = admin(build, make_client, login)
    receiver.statuses = [503]
    sent = client.post("/api/v1/admin/publications/blick/webhooks/test", headers=csrf)
    assert sent.status_code == 202, sent.text
    assert sent.json()["event"] == "webhook.test" and sent.json()["status"] == "pending"
    worker.drain(reconcile_first=False)
    log = client.get("/api/v1/admin/publications/blick/webhooks/deliveries").json()
    assert log[0]["status"] == "pending" and log[0]["next_attempt_at"] is not None
    assert log[0]["tries"][0]["status_code"] == 503 and log[0]["tries"][0]["error"] == "HTTP 503"
    worker.drain()
    log = client.get("/api/v1/admin/publications/blick/webhooks/deliveries").json()
    entry = log[0]
    assert entry["status"] == "delivered" and entry["attempts"] == 2
    assert entry["next_attempt_at"] is None and entry["message_id"].startswith("msg_")
    assert [t["status_code"] for t in entry["tries"]] == [200, 503]
    call = receiver.calls[-1]
    payload = Webhook(SECRET).verify(call.body, call.headers)
    assert payload["type"] == "webhook.test" and payload["data"]["publication"] == "blick"

    rotated = client.post("/api/v1/admin/publications/blick/webhooks/secret", headers=csrf)
    assert rotated.status_code == 201 and rotated.headers["cache-control"] == "no-store"
    new = rotated.json()["webhook_secret"]
    assert new.startswith("whsec_") and new != SECRET
    client.post("/api/v1/admin/publications/blick/webhooks/test", headers=csrf)
    worker.drain()
    Webhook(new).verify(receiver.calls[-1].body, receiver.calls[-1].headers)


def test_webhook_admin_needs_an_admin_and_an_enabled_webhook(
    build: Any, make_client: Any, login: Any
) -> None:
    build.publication()
    build.user("editor@example.org", role="editor")
    editor = make_client()
    csrf = {"X-CSRF-Token": login(editor, "editor@example.org")}
    assert editor.get("/api/v1/admin/publications/blick/webhooks/deliveries").status_code == 403
    assert (
        editor.post("/api/v1/admin/publications/blick/webhooks/test", headers=csrf).status_code
        == 403
    )
    client, csrf = admin(build, make_client, login)
    off = client.post("/api/v1/admin/publications/blick/webhooks/test", headers=csrf)
    assert off.status_code == 422
    missing = client.get("/api/v1/admin/publications/nope/webhooks/deliveries")
    assert missing.status_code == 404


def test_api_keys_list_with_last_use(
    build: Any, make_client: Any, login: Any, client: TestClient
) -> None:
    pub = build.publication()
    plain = build.api_key(pub)
    admin_client, _ = admin(build, make_client, login)
    listed = admin_client.get("/api/v1/admin/publications/blick/api-keys").json()
    assert len(listed) == 1 and listed[0]["last_used_at"] is None and "key" not in listed[0]
    assert plain.split("_")[1] == listed[0]["prefix"]
    used = client.get(
        "/api/v1/publisher/articles/none", headers={"Authorization": f"Bearer {plain}"}
    )
    assert used.status_code == 404, used.text  # authenticated, then not found
    listed = admin_client.get("/api/v1/admin/publications/blick/api-keys").json()
    assert listed[0]["last_used_at"] is not None
