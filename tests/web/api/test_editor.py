"""Editor API: access, queue filters, edit with faithfulness warnings, approve/override, reject,
retract, regenerate, review-before-publish, audit history."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from ..conftest import World

READER = "/api/v1/reader/publications/blick/articles/{}/summary"


def editor(
    make_client: Any, login: Any, email: str = "editor@example.org"
) -> tuple[TestClient, dict[str, str]]:
    client = make_client()
    csrf = login(client, email)
    return client, {"X-CSRF-Token": csrf}


def test_editor_api_needs_an_editor_session(world: World, make_client: Any, login: Any) -> None:
    status = world.summarized("p1")
    summary_id = status["summary"]["id"]
    bullets = [b["text"] for b in status["summary"]["bullets"]]
    anon = make_client()
    reader = make_client()
    login(reader, "sub@example.org")
    for client, code in ((anon, 401), (reader, 403)):
        for path in (
            "/api/v1/editor/queue?state=published",
            f"/api/v1/editor/summaries/{summary_id}",
        ):
            response = client.get(path)
            assert response.status_code == code
            assert all(b not in response.text for b in bullets)
    key_only = anon.get(f"/api/v1/editor/summaries/{summary_id}", headers=world.auth())
    assert key_only.status_code == 401


def test_edit_warns_about_an_invented_number_and_approval_needs_override(
    world: World, make_client: Any, login: Any
) -> None:
    status = world.summarized("p1")
    client, csrf = editor(make_client, login)
    sid = status["summary"]["id"]
    texts = [b["text"] for b in status["summary"]["bullets"]]
    edited = ["Das Gesetz kostet 999 Millionen Franken.", *texts[1:]]
    assert (
        client.put(f"/api/v1/editor/summaries/{sid}/bullets", json={"bullets": edited}).status_code
        == 403
    )
    response = client.put(
        f"/api/v1/editor/summaries/{sid}/bullets", json={"bullets": edited}, headers=csrf
    )
    assert response.status_code == 201, response.text
    draft = response.json()["summary"]
    assert draft["state"] == "draft" and draft["method"] == "editor" and draft["version"] == 2
    assert any(i["text"] == "999" for i in draft["faithfulness"]["issues"])
    approve = f"/api/v1/editor/summaries/{draft['id']}/approve"
    refused = client.post(approve, json={}, headers=csrf)
    assert refused.status_code == 409
    assert client.post(approve, json={"override": True}, headers=csrf).status_code == 422
    forced = client.post(
        approve, json={"override": True, "reason": "Zahl vom Autor bestätigt"}, headers=csrf
    )
    assert forced.status_code == 200, forced.text
    assert forced.json()["summary"]["override_reason"] == "Zahl vom Autor bestätigt"
    history = client.get(f"/api/v1/editor/summaries/{draft['id']}/history").json()
    actions = [e["action"] for e in history]
    assert "summary.override" in actions and "summary.edited" in actions
    assert all(e["actor"] for e in history)


def test_fix_and_approve_changes_the_readers_label(
    world: World, make_client: Any, login: Any
) -> None:
    status = world.summarized("f1", premium=False)
    client, csrf = editor(make_client, login)
    sid = status["summary"]["id"]
    anon = make_client()
    assert anon.get(READER.format("f1")).json()["label"] == "KI-generiert"
    texts = [b["text"] for b in status["summary"]["bullets"]]
    edited = client.put(
        f"/api/v1/editor/summaries/{sid}/bullets", json={"bullets": texts[:2]}, headers=csrf
    ).json()["summary"]
    assert edited["faithfulness"]["ok"] is True
    # the draft is not served: readers still see the machine version
    assert anon.get(READER.format("f1")).json()["summary_id"] == sid
    response = client.post(
        f"/api/v1/editor/summaries/{edited['id']}/approve", json={}, headers=csrf
    )
    assert response.status_code == 200
    served = anon.get(READER.format("f1")).json()
    assert served["summary_id"] == edited["id"]
    assert served["label"] == "KI-generiert, redaktionell geprüft"
    assert [b["text"] for b in served["bullets"]] == texts[:2]


def test_review_before_publish_holds_drafts_until_approved(
    world: World, db: Any, make_client: Any, login: Any
) -> None:
    world.pub.review_policy = "review-before-publish"
    db.commit()
    status = world.summarized("p1")
    assert status["summary"]["state"] == "draft"
    sub = make_client()
    login(sub, "sub@example.org")
    assert sub.get(READER.format("p1")).json()["status"] == "unavailable"
    client, csrf = editor(make_client, login)
    queue = client.get("/api/v1/editor/queue").json()
    assert [i["summary"]["id"] for i in queue] == [status["summary"]["id"]]
    assert client.get("/api/v1/editor/queue", params={"publication": "other"}).json() == []
    assert client.get("/api/v1/editor/queue", params={"language": "fr"}).json() == []
    assert len(client.get("/api/v1/editor/queue", params={"max_age_hours": 1}).json()) == 1
    client.post(
        f"/api/v1/editor/summaries/{status['summary']['id']}/approve", json={}, headers=csrf
    )
    served = sub.get(READER.format("p1")).json()
    assert served["status"] == "available"
    assert served["reviewed"] is True


def test_reject_and_retract_stop_serving(world: World, make_client: Any, login: Any) -> None:
    client, csrf = editor(make_client, login)
    anon = make_client()
    s1 = world.summarized("f1", premium=False)["summary"]["id"]
    assert (
        client.post(
            f"/api/v1/editor/summaries/{s1}/reject", json={"reason": "schlecht"}, headers=csrf
        ).status_code
        == 200
    )
    assert anon.get(READER.format("f1")).json()["status"] == "unavailable"
    s2 = world.summarized("f2", premium=False)["summary"]["id"]
    url = f"/api/v1/editor/summaries/{s2}/retract"
    assert client.post(url, json={}, headers=csrf).status_code == 422  # a reason is required
    assert client.post(url, json={"reason": "falsch"}, headers=csrf).status_code == 200
    assert anon.get(READER.format("f2")).json()["status"] == "unavailable"
    again = client.post(url, json={"reason": "falsch"}, headers=csrf)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


def test_regenerate_makes_a_new_version(world: World, make_client: Any, login: Any) -> None:
    client, csrf = editor(make_client, login)
    s1 = world.summarized("f1", premium=False)["summary"]
    response = client.post(f"/api/v1/editor/summaries/{s1['id']}/regenerate", headers=csrf)
    assert response.status_code == 202
    world.worker.drain()
    status = world.client.get("/api/v1/publisher/articles/f1", headers=world.auth()).json()
    assert status["summary"]["version"] == 2
    assert status["served_summary_id"] == status["summary"]["id"]
    versions = client.get(
        f"/api/v1/editor/articles/{response.json()['article_id']}/versions"
    ).json()
    assert [v["state"] for v in versions] == ["published", "superseded"]
