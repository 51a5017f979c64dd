"""Issue 14: the large body limit applies only to the real bulk route, after the key check."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import Message

from tests.conftest import run_async
from tests.web.conftest import BODY, World
from tests.web.test_errors import assert_shape

BULK = "/api/v1/publisher/articles/bulk"
NDJSON = {"Content-Type": "application/x-ndjson"}


def test_a_path_merely_ending_in_bulk_gets_the_normal_limit(world: World, settings: Any) -> None:
    big = b"x" * (settings.max_body_bytes * 3)
    for path in ("/nowhere/bulk", "/api/v1/reader/bulk"):
        response = world.client.post(path, content=big)
        assert_shape(response, 413)


def test_bulk_without_a_key_is_refused_before_the_body_is_read(
    world: World, app: Any, settings: Any
) -> None:

    received: list[int] = []
    chunk = b"y" * 65536
    chunks = settings.max_body_bytes * 10 // len(chunk)

    async def call() -> list[Message]:
        sent: list[Message] = []
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": BULK,
            "raw_path": BULK.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [
                (b"host", b"testserver"),
                (b"content-type", b"application/x-ndjson"),
                (b"content-length", str(chunks * len(chunk)).encode()),
            ],
            "client": ("198.51.100.1", 1),
            "server": ("testserver", 80),
            "state": {},
        }

        async def receive() -> Message:
            received.append(len(chunk))
            more = len(received) < chunks
            return {"type": "http.request", "body": chunk, "more_body": more}

        async def send(message: Message) -> None:
            sent.append(message)

        await app(scope, receive, send)
        return sent

    sent = run_async(call())
    assert sent[0]["status"] == 401
    assert len(received) <= 1  # at most the first chunk, never the whole body


def test_bulk_over_the_large_limit_is_413_after_the_key(world: World, settings: Any) -> None:
    big = b"\n" * (settings.max_body_bytes * 25 + 10)
    assert_shape(world.client.post(BULK, content=big, headers=NDJSON), 401)
    assert_shape(world.client.post(BULK, content=big, headers=world.auth() | NDJSON), 413)


def test_a_line_over_the_line_limit_is_a_line_error(world: World, settings: Any) -> None:
    long_body = "Ein Satz. " * (settings.max_body_bytes // 10 + 10)
    lines = [
        json.dumps({"external_id": "ok", "body": BODY}),
        json.dumps({"external_id": "long", "body": long_body}),
        json.dumps({"external_id": "ok2", "body": BODY}),
    ]
    response = world.client.post(
        BULK, content="\n".join(lines).encode(), headers=world.auth() | NDJSON
    )
    assert response.status_code == 200, response.text
    results = [(r["line"], r["result"], r["error"]) for r in response.json()["lines"]]
    assert results == [(1, "created", None), (2, "error", "line too long"), (3, "created", None)]
