"""The chat client against the scripted server over real HTTP: payload, auth, retries, limits."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from email.utils import formatdate

import pytest

from kurzum.llm.client import ChatClient, Message, retry_after
from kurzum.llm.config import LLMConfig
from kurzum.llm.errors import CircuitOpenError, LLMTimeoutError, LLMTransportError
from kurzum.llm.testing import FakeOpenAI, Play, html_page, slow, status, text
from kurzum.models import Usage

Serve = Callable[[Mapping[str, Sequence[Play]]], FakeOpenAI]
HELLO: list[Message] = [{"role": "user", "content": "Hallo Welt"}]


def _config(server: FakeOpenAI, **changes: object) -> LLMConfig:
    return LLMConfig(url=server.url, model="m", timeout=2.0, backoff=0.01).with_changes(**changes)


@pytest.mark.parametrize("stream", [False, True])
def test_answer_model_and_usage(serve: Serve, stream: bool) -> None:
    server = serve({"m": [text('{"bullets": ["Eins."]}')]})
    with ChatClient(_config(server, stream=stream)) as client:
        completion = client.complete(HELLO)
    assert completion.content == '{"bullets": ["Eins."]}'
    assert completion.model == "m"
    assert completion.usage == Usage(prompt_tokens=2, completion_tokens=2)
    body = server.requests[0]
    assert body["stream"] is stream
    assert body["messages"] == HELLO
    assert ("stream_options" in body) is stream


def test_a_server_that_ignores_stream_is_read_as_json() -> None:
    with (
        FakeOpenAI({"m": [text("{}")]}, sse=False) as server,
        ChatClient(_config(server, stream=True)) as client,
    ):
        completion = client.complete(HELLO)
    assert completion.content == "{}"
    assert completion.usage == Usage(prompt_tokens=2, completion_tokens=1)


def test_response_formats(serve: Serve) -> None:
    server = serve({"m": [text("{}")]})
    schema = {"type": "object"}
    for fmt, expected in [
        (
            "json_schema",
            {"type": "json_schema", "json_schema": {"name": "summary", "schema": schema}},
        ),
        ("json_object", {"type": "json_object"}),
        ("none", None),
    ]:
        with ChatClient(_config(server, response_format=fmt)) as client:
            client.complete(HELLO, schema=schema)
        assert server.requests[-1].get("response_format") == expected


def test_api_key_is_sent_as_bearer_token() -> None:
    with FakeOpenAI({"m": [text("{}")]}, api_key="sk-local") as server:
        with ChatClient(_config(server, api_key="sk-local")) as client:
            assert client.complete(HELLO).content == "{}"
        with ChatClient(_config(server)) as client, pytest.raises(LLMTransportError, match="401"):
            client.complete(HELLO)
        assert server.count("m") == 1  # a 401 is not retried


def test_client_errors_are_not_retried(serve: Serve) -> None:
    server = serve({"m": [status(400)]})
    with (
        ChatClient(_config(server, max_retries=3)) as client,
        pytest.raises(LLMTransportError, match="answered 400"),
    ):
        client.complete(HELLO)
    assert server.count("m") == 1


def test_unknown_model_is_reported(serve: Serve) -> None:
    server = serve({"m": [text("{}")]})
    with (
        ChatClient(_config(server).with_changes(model="other")) as client,
        pytest.raises(LLMTransportError, match=r"404: .*model 'other' not found"),
    ):
        client.complete(HELLO)


def test_5xx_backoff_doubles(serve: Serve) -> None:
    server = serve({"m": [status(502), status(503), text("{}")]})
    waits: list[float] = []
    with ChatClient(_config(server, backoff=0.5, max_retries=2), sleep=waits.append) as client:
        assert client.complete(HELLO).content == "{}"
    assert waits == [0.5, 1.0]


def test_retry_after_is_honoured_and_capped(serve: Serve) -> None:
    server = serve({"m": [status(429, "7"), text("{}")], "x": [status(429, "120")]})
    waits: list[float] = []
    with ChatClient(_config(server), sleep=waits.append) as client:
        assert client.complete(HELLO).content == "{}"
    assert waits == [7.0]
    with (
        ChatClient(_config(server, max_backoff=60.0).with_changes(model="x")) as client,
        pytest.raises(LLMTransportError, match="asked to wait 120 s, more than the 60 s"),
    ):
        client.complete(HELLO)


def test_retry_after_header_values() -> None:
    assert retry_after(None) is None
    assert retry_after("3") == 3.0
    assert retry_after("-3") == 0.0
    assert retry_after("soon") is None
    in_ten = retry_after(formatdate(time.time() + 10, usegmt=True))
    assert in_ten is not None and 8.0 <= in_ten <= 10.0


def test_timeout_is_not_retried_and_counts_for_the_breaker(serve: Serve) -> None:
    server = serve({"m": [slow(3.0)]})
    cfg = _config(server, timeout=0.3, breaker_failures=1, breaker_cooldown=60.0)
    with ChatClient(cfg) as client:
        with pytest.raises(LLMTimeoutError, match=r"within 0\.3 s"):
            client.complete(HELLO)
        assert client.breaker.state == "open"
        with pytest.raises(CircuitOpenError):
            client.complete(HELLO)
    assert server.count("m") == 1


@pytest.mark.parametrize("stream", [False, True])
def test_non_json_body_is_a_transport_error(serve: Serve, stream: bool) -> None:
    server = serve({"m": [html_page()]})
    with (
        ChatClient(_config(server, stream=stream)) as client,
        pytest.raises(LLMTransportError, match=r"not JSON|without \[DONE\]"),
    ):
        client.complete(HELLO)
    assert server.count("m") == 1


def test_refused_connection_is_retried_then_reported(serve: Serve) -> None:
    server = serve({"m": [text("{}")]})
    server.stop()
    waits: list[float] = []
    with (
        ChatClient(_config(server, max_retries=2), sleep=waits.append) as client,
        pytest.raises(LLMTransportError, match=r"cannot reach LLM server .*\(after 3 attempts\)"),
    ):
        client.complete(HELLO)
    assert len(waits) == 2


def test_waiting_for_a_free_slot_is_bounded_by_the_timeout(serve: Serve) -> None:
    server = serve({"m": [text("{}")]})
    with ChatClient(_config(server, concurrency=1, timeout=0.2)) as client:
        client._slots.acquire()  # another thread's request occupies the only slot
        with pytest.raises(LLMTimeoutError, match="all 1 LLM slots stayed busy"):
            client.complete(HELLO)
        client._slots.release()
        assert client.breaker.state == "closed"
        assert client.complete(HELLO).content == "{}"
    assert server.count("m") == 1
