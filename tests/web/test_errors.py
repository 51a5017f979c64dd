"""Every error has the one shape; bad input is a 4xx, never a 500; OpenAPI documents it."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import BODY, World

PUT = "/api/v1/publisher/articles/e1"


def assert_shape(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message"} <= set(body["error"]) <= {"code", "message", "fields"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": BODY, "premium": "sometimes"}, "body.premium"),
        ({"body": 42}, "body.body"),
        ({"body": BODY, "unknown": 1}, "body.unknown"),
        ({"body": BODY, "language": "it"}, "body.language"),
        ({"body": "Null\x00byte im Text."}, "body.body"),
        ({"title": "nur Titel"}, "body"),
        ({"body": BODY, "url": "javascript:alert(1)"}, "body.url"),
    ],
)
def test_validation_errors_name_the_field(
    world: World, payload: dict[str, Any], field: str
) -> None:
    error = assert_shape(world.client.put(PUT, json=payload, headers=world.auth()), 422)
    assert error["code"] == "invalid_input"
    assert field in [f["field"] for f in error["fields"]]


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b'{"body": "caf\xe9"}', "application/json", 400),
        (b"{broken json", "application/json", 422),
        (b"\xff\xfe\x00binary", "application/json", 400),
        (b"body=x", "application/x-www-form-urlencoded", 422),
    ],
)
def test_malformed_bodies_are_4xx(
    world: World, content: bytes, content_type: str, status: int
) -> None:
    response = world.client.put(
        PUT, content=content, headers=world.auth() | {"Content-Type": content_type}
    )
    assert_shape(response, status)


def test_broken_and_empty_html_are_422(world: World) -> None:
    for html in ("<html><body><div><p>", "<<<>>>", "<script>alert(1)</script>"):
        response = world.client.put(PUT, json={"html": html}, headers=world.auth())
        assert_shape(response, 422)


def test_whitespace_body_is_422(world: World) -> None:
    assert_shape(world.client.put(PUT, json={"body": " \n\n \t"}, headers=world.auth()), 422)


def test_oversized_body_is_413(world: World, settings: Any) -> None:
    big = b'{"body": "' + b"a" * (settings.max_body_bytes + 10) + b'"}'
    response = world.client.put(
        PUT, content=big, headers=world.auth() | {"Content-Type": "application/json"}
    )
    error = assert_shape(response, 413)
    assert error["code"] == "payload_too_large"


def test_bad_external_id_unknown_route_and_method(world: World) -> None:
    assert_shape(
        world.client.put(
            "/api/v1/publisher/articles/%20bad%20id", json={"body": BODY}, headers=world.auth()
        ),
        422,
    )
    assert_shape(world.client.get("/api/v1/nowhere"), 404)
    assert_shape(
        world.client.post("/api/v1/publisher/articles/e1", json={}, headers=world.auth()), 405
    )
    assert_shape(world.client.get("/api/v1/editor/summaries/0"), 401)  # auth before validation


def test_errors_carry_no_premium_text(world: World, make_client: Any) -> None:
    status = world.summarized("p1")
    bullets = [b["text"] for b in status["summary"]["bullets"]]
    anon = make_client()
    responses = [
        anon.get(f"/api/v1/editor/summaries/{status['summary']['id']}"),
        anon.post(
            f"/api/v1/reader/summaries/{status['summary']['id']}/reports", json={"bullet": 0}
        ),
        anon.get(
            "/api/v1/reader/publications/blick/articles/p1/summary?x=1",
            headers={"Authorization": "Bearer garbage"},
        ),
        anon.put(PUT, json={"body": bullets[0], "bad": 1}, headers=world.auth()),
    ]
    for response in responses:
        assert response.status_code >= 400
        assert all(b not in response.text for b in bullets)


def test_openapi_documents_the_error_shape(world: World) -> None:
    schema = world.client.get("/openapi.json").json()
    assert "ErrorBody" in schema["components"]["schemas"]
    put = schema["paths"]["/api/v1/publisher/articles/{external_id}"]["put"]
    assert put["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorBody"
    )
    assert world.client.get("/docs").status_code == 200
