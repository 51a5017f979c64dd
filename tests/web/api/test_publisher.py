"""Publisher API: idempotent PUT, status, delete, bulk JSONL, keys and scopes."""

from __future__ import annotations

import json
from typing import Any

from ..conftest import BODY, World

HTML = """<!doctype html><html lang="de"><head><title>Seitentitel</title></head><body>
<article><h1>Neue Bahnlinie im Tessin</h1>
<p>Die SBB eröffnen im Dezember eine neue Bahnlinie zwischen Lugano und Mendrisio.
Die Strecke ist 18 Kilometer lang und kostete 450 Millionen Franken.</p>
<p>Pendler sparen damit täglich bis zu 15 Minuten. Die Züge fahren im Halbstundentakt.</p>
<p>Der Kanton Tessin hatte das Projekt seit 2010 vorangetrieben.</p>
</article></body></html>"""


def test_put_creates_then_is_idempotent(world: World) -> None:
    first = world.client.put(
        "/api/v1/publisher/articles/a-1", json={"title": "T", "body": BODY}, headers=world.auth()
    )
    assert first.status_code == 201
    assert first.json()["created"] is True
    assert first.json()["status"] == "pending"
    again = world.client.put(
        "/api/v1/publisher/articles/a-1", json={"title": "T", "body": BODY}, headers=world.auth()
    )
    assert again.status_code == 200
    assert again.json()["changed"] is False
    assert again.json()["content_hash"] == first.json()["content_hash"]


def test_put_with_zoneless_times_is_idempotent(world: World) -> None:
    body = {"title": "T", "body": BODY, "published_at": "2024-10-24T08:30:00"}
    first = world.client.put("/api/v1/publisher/articles/a-2", json=body, headers=world.auth())
    assert first.status_code == 201
    again = world.client.put("/api/v1/publisher/articles/a-2", json=body, headers=world.auth())
    assert again.status_code == 200
    assert again.json()["changed"] is False


def test_summary_is_made_in_the_background_once(world: World) -> None:
    status = world.summarized("a-1", premium=False)
    assert status["status"] == "ready"
    summary = status["summary"]
    assert summary["version"] == 1
    assert summary["state"] == "published"
    assert summary["method"] == "extractive"
    assert summary["usage"] == {"prompt_tokens": 0, "completion_tokens": 0}
    assert summary["faithfulness"]["ok"] is True
    assert 1 <= len(summary["bullets"]) <= 3
    assert status["served_summary_id"] == summary["id"]
    world.put("a-1", premium=False)  # same content again: no second version
    world.worker.drain()
    again = world.client.get("/api/v1/publisher/articles/a-1", headers=world.auth()).json()
    assert again["summary"]["id"] == summary["id"]


def test_html_body_is_converted_through_ingestion(world: World) -> None:
    response = world.client.put(
        "/api/v1/publisher/articles/html-1",
        json={"html": HTML, "premium": False},
        headers=world.auth(),
    )
    assert response.status_code == 201, response.text
    world.worker.drain()
    status = world.client.get("/api/v1/publisher/articles/html-1", headers=world.auth()).json()
    assert status["title"]
    text = " ".join(b["text"] for b in status["summary"]["bullets"])
    assert "<p>" not in text
    assert "Lugano" in text or "Bahnlinie" in text


def test_changed_body_creates_a_new_version(world: World) -> None:
    first = world.summarized("a-1", premium=False)
    second = world.summarized("a-1", premium=False, body=BODY + "\n\nEin neuer Absatz folgt hier.")
    assert second["content_hash"] != first["content_hash"]
    assert second["summary"]["version"] == 2
    assert second["served_summary_id"] == second["summary"]["id"]


def test_delete_hides_the_article_and_put_restores_it(world: World) -> None:
    world.summarized("a-1")
    assert (
        world.client.delete("/api/v1/publisher/articles/a-1", headers=world.auth()).status_code
        == 204
    )
    assert (
        world.client.get("/api/v1/publisher/articles/a-1", headers=world.auth()).status_code == 404
    )
    assert (
        world.client.delete("/api/v1/publisher/articles/a-1", headers=world.auth()).status_code
        == 404
    )
    restored = world.summarized("a-1")
    assert restored["served_summary_id"] is not None


def test_keys_are_required_scoped_and_per_publication(world: World, build: Any) -> None:
    url = "/api/v1/publisher/articles/a-1"
    assert world.client.put(url, json={"body": BODY}).status_code == 401
    bad = {"Authorization": "Bearer kz_nothere_xxxxxxxx"}
    assert world.client.put(url, json={"body": BODY}, headers=bad).status_code == 401
    read_only = build.api_key(world.pub, scopes=("articles:read",))
    response = world.client.put(
        url, json={"body": BODY}, headers={"Authorization": f"Bearer {read_only}"}
    )
    assert response.status_code == 403
    world.put("a-1")
    other = build.publication("andere", name="Andere")
    other_key = build.api_key(other)
    response = world.client.get(url, headers={"Authorization": f"Bearer {other_key}"})
    assert response.status_code == 404


def test_bulk_jsonl_reports_each_line(world: World) -> None:
    lines = [
        json.dumps({"external_id": "b1", "title": "Eins", "body": BODY}),
        "{not json",
        json.dumps({"external_id": "b2", "body": BODY, "premium": True, "extra": 1}),
        "",
        json.dumps({"external_id": "b3", "body": BODY + "\n\nDrei."}),
        json.dumps({"external_id": "b1", "title": "Eins", "body": BODY}),
    ]
    response = world.client.post(
        "/api/v1/publisher/articles/bulk",
        content="\n".join(lines).encode(),
        headers=world.auth() | {"Content-Type": "application/x-ndjson"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(r["line"], r["result"]) for r in body["lines"]] == [
        (1, "created"),
        (2, "error"),
        (3, "error"),
        (5, "created"),
        (6, "unchanged"),
    ]
    assert "extra" in body["lines"][2]["error"]
    assert body["accepted"] == 3 and body["errors"] == 2
    world.worker.drain()
    for ext in ("b1", "b3"):
        status = world.client.get(f"/api/v1/publisher/articles/{ext}", headers=world.auth()).json()
        assert status["status"] == "ready"


def test_bulk_refuses_non_utf8(world: World) -> None:
    response = world.client.post(
        "/api/v1/publisher/articles/bulk", content="é".encode("latin-1"), headers=world.auth()
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_encoding"


def test_concurrent_puts_of_a_new_article_make_one_article(world: World, make_client: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    clients = [make_client() for _ in range(4)]

    def put(client: Any) -> int:
        response = client.put(
            "/api/v1/publisher/articles/race", json={"body": BODY}, headers=world.auth()
        )
        return int(response.status_code)

    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(put, clients))
    assert sorted(codes) == [200, 200, 200, 201]
    world.worker.drain()
    status = world.client.get("/api/v1/publisher/articles/race", headers=world.auth()).json()
    assert status["summary"]["version"] == 1
