"""Issue 14: input that gave 500s is a 4xx in the error shape, and nothing half-stored."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kurzum.storage.tables import Article, SummaryVersion, User
from tests.web.conftest import BODY, World
from tests.web.test_errors import assert_shape

SURROGATE = '"x\\ud800y"'  # JSON text of a lone UTF-16 surrogate
READER = "/api/v1/reader/publications/blick/articles/{}/summary"
JSON = {"Content-Type": "application/json"}


def _raw(template: str) -> bytes:
    return template.replace("SURROGATE", SURROGATE).encode()


def _editor(make_client: Any, login: Any) -> tuple[Any, dict[str, str]]:
    client = make_client()
    return client, {"X-CSRF-Token": login(client, "editor@example.org")} | JSON


def test_register_display_name_with_surrogate_is_422(world: World, db: Session) -> None:
    body = _raw(
        '{"email": "neu@example.org", "password": "ein langes passwort", "display_name": SURROGATE}'
    )
    response = world.client.post("/api/v1/auth/register", content=body, headers=JSON)
    assert_shape(response, 422)
    assert db.scalar(select(User).where(User.email == "neu@example.org")) is None


def test_surrogates_in_credentials_are_422(world: World) -> None:
    body = _raw('{"email": "sub@example.org", "password": SURROGATE}')
    assert_shape(world.client.post("/api/v1/auth/login", content=body, headers=JSON), 422)


def test_publisher_put_with_surrogate_is_422_and_not_stored(world: World, db: Session) -> None:
    for field in ("title", "body"):
        payload = json.dumps({"title": "T", "body": BODY})
        payload = payload.replace('"T"' if field == "title" else json.dumps(BODY), SURROGATE)
        response = world.client.put(
            "/api/v1/publisher/articles/s1", content=payload.encode(), headers=world.auth() | JSON
        )
        assert_shape(response, 422)
    assert db.scalar(select(func.count(Article.id))) == 0


def test_one_bad_bulk_line_does_not_fail_the_others(world: World) -> None:
    lines = [
        json.dumps({"external_id": "ok1", "body": BODY}),
        '{"external_id": "bad", "body": SURROGATE}'.replace("SURROGATE", SURROGATE),
        "[" * 100_000 + "]" * 100_000,  # measured and refused before json.loads
        '{"external_id": "deep", "body": ' + "[" * 100_000 + "]" * 100_000 + "}",
        json.dumps({"external_id": "ok2", "body": BODY}),
    ]
    response = world.client.post(
        "/api/v1/publisher/articles/bulk",
        content="\n".join(lines).encode(),
        headers=world.auth() | {"Content-Type": "application/x-ndjson"},
    )
    assert response.status_code == 200, response.text
    results = [(r["line"], r["result"]) for r in response.json()["lines"]]
    assert results == [(1, "created"), (2, "error"), (3, "error"), (4, "error"), (5, "created")]
    errors = [r["error"] for r in response.json()["lines"]]
    assert errors[2] == errors[3] == "the JSON is nested deeper than 64 levels"


DEEP = "[" * 100_000 + "]" * 100_000


def test_deeply_nested_json_bodies_are_refused_before_parsing(world: World) -> None:
    """100,000 levels: the nesting is measured on the raw body, so no parser ever recurses."""
    put = "/api/v1/publisher/articles/deep"
    for path, headers in (
        (put, world.auth() | JSON),
        (put, world.auth() | {"Content-Type": "application/merge-patch+json"}),
        (put, world.auth()),  # no content type: FastAPI parses the body as JSON anyway
        ("/api/v1/auth/register", JSON),
        ("/api/v1/no-such-route", JSON),
    ):
        body = ('{"title": "T", "body": ' + DEEP + "}").encode()
        response = world.client.request(
            "PUT" if path == put else "POST", path, content=body, headers=headers
        )
        assert_shape(response, 422)
        assert "nested deeper than 64 levels" in response.json()["error"]["message"], path
    in_strings = {"title": "[" * 500 + '\\"{', "body": "{" * 10_000 + BODY}  # text, not nesting
    nested_in_text = json.dumps(in_strings)
    assert world.client.put(put, content=nested_in_text, headers=world.auth() | JSON).is_success


def test_json_up_to_the_depth_limit_reaches_the_schema(world: World) -> None:
    body = '{"title": ' + "[" * 63 + "]" * 63 + ', "body": "x"}'
    response = world.client.put(
        "/api/v1/publisher/articles/d63", content=body, headers=world.auth() | JSON
    )
    assert_shape(response, 422)
    assert "nested deeper" not in response.text  # the schema refused it, not the depth check


def test_editor_bullets_and_reasons_with_surrogates_are_422_and_nothing_is_stored(
    world: World, make_client: Any, login: Any, db: Session
) -> None:
    status = world.summarized("e1", premium=False)
    sid = status["summary"]["id"]
    client, headers = _editor(make_client, login)
    before = db.scalar(select(func.count(SummaryVersion.id)))
    edit = client.put(
        f"/api/v1/editor/summaries/{sid}/bullets",
        content=_raw('{"bullets": [SURROGATE]}'),
        headers=headers,
    )
    assert_shape(edit, 422)
    for action in ("reject", "retract"):
        answer = client.post(
            f"/api/v1/editor/summaries/{sid}/{action}",
            content=_raw('{"reason": SURROGATE}'),
            headers=headers,
        )
        assert_shape(answer, 422)
    approve = client.post(
        f"/api/v1/editor/summaries/{sid}/approve",
        content=_raw('{"override": true, "reason": SURROGATE}'),
        headers=headers,
    )
    assert_shape(approve, 422)
    assert db.scalar(select(func.count(SummaryVersion.id))) == before
    assert make_client().get(READER.format("e1")).status_code == 200


def test_report_message_with_surrogate_is_422(world: World, make_client: Any, login: Any) -> None:
    world.summarized("r1")
    reader = make_client()
    csrf = login(reader, "sub@example.org")
    sid = reader.get(READER.format("r1")).json()["summary_id"]
    response = reader.post(
        f"/api/v1/reader/summaries/{sid}/reports",
        content=_raw('{"bullet": 0, "message": SURROGATE}'),
        headers={"X-CSRF-Token": csrf} | JSON,
    )
    assert_shape(response, 422)


def test_stored_text_with_a_surrogate_still_renders(
    world: World, make_client: Any, db: Session
) -> None:
    status = world.summarized("old", premium=False)
    version = db.get(SummaryVersion, status["summary"]["id"])
    assert version is not None
    # the JSON column stores the escape, as the old code let an editor's bullet through
    version.bullets = [{"text": "kaputt \ud800 Text", "sources": []}]
    db.commit()
    anon = make_client()
    api = anon.get(READER.format("old"))
    assert api.status_code == 200
    assert api.json()["bullets"][0]["text"] == "kaputt \ufffd Text"
    assert anon.get("/p/blick/old").status_code == 200
    publisher = anon.get("/api/v1/publisher/articles/old", headers=world.auth())
    assert publisher.status_code == 200


def test_naive_datetimes_in_a_grant_are_utc_not_500(
    world: World, make_client: Any, login: Any, db: Session
) -> None:
    admin = make_client()
    csrf = login(admin, "admin@example.org")
    user = db.scalar(select(User).where(User.email == "reader@example.org"))
    assert user is not None
    response = admin.post(
        f"/api/v1/admin/users/{user.id}/subscriptions",
        json={
            "publication": "blick",
            "valid_from": "2026-01-01T00:00:00",
            "valid_until": "2099-01-01T00:00:00",
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 201, response.text
    assert response.json()["valid_until"].startswith("2099-01-01T00:00:00")
    reversed_ = admin.post(
        f"/api/v1/admin/users/{user.id}/subscriptions",
        json={"publication": "blick", "valid_until": "2000-01-01T00:00:00"},
        headers={"X-CSRF-Token": csrf},
    )
    assert_shape(reversed_, 422)


def test_huge_queue_offset_is_422(world: World, make_client: Any, login: Any) -> None:
    client, _ = _editor(make_client, login)
    response = client.get("/api/v1/editor/queue", params={"offset": 10**30})
    assert_shape(response, 422)
