"""Decoding chat-completion bodies and server-sent event streams."""

from __future__ import annotations

import json

import pytest

from kurzum.llm.errors import LLMTransportError
from kurzum.llm.sse import decode_body, decode_stream
from kurzum.models import Usage


def _event(payload: object) -> str:
    return f"data: {json.dumps(payload)}"


def test_body() -> None:
    body = {
        "model": "qwen2.5:7b",
        "choices": [{"message": {"role": "assistant", "content": "{}"}}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 3},
    }
    completion = decode_body(body, "default")
    assert (completion.content, completion.model) == ("{}", "qwen2.5:7b")
    assert completion.usage == Usage(12, 3)


def test_body_without_usage_or_model() -> None:
    completion = decode_body({"choices": [{"message": {"content": "x"}}]}, "default")
    assert completion.model == "default"
    assert completion.usage == Usage()


@pytest.mark.parametrize("body", [{}, {"choices": []}, {"choices": [{"message": {}}]}, [1]])
def test_body_without_content(body: object) -> None:
    with pytest.raises(LLMTransportError, match="no chat completion"):
        decode_body(body, "m")


def test_stream_joins_deltas_and_reads_usage() -> None:
    lines = [
        ": keep-alive",
        _event({"model": "m1", "choices": [{"delta": {"role": "assistant"}}]}),
        "",
        _event({"choices": [{"delta": {"content": '{"bul'}}]}),
        _event({"choices": [{"delta": {"content": 'lets": []}'}}]}),
        _event({"choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 2}}),
        "data: [DONE]",
        _event({"choices": [{"delta": {"content": "ignored"}}]}),
    ]
    completion = decode_stream(lines, "default")
    assert completion.content == '{"bullets": []}'
    assert completion.model == "m1"
    assert completion.usage == Usage(5, 2)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["data: {broken"], "broken stream event"),
        (["data: 3"], "broken stream event"),
        ([_event({"error": {"message": "overloaded"}})], "error mid-stream"),
        ([_event({"choices": [{"delta": {"content": "x"}}]})], "without \\[DONE\\]"),
    ],
)
def test_broken_streams(lines: list[str], message: str) -> None:
    with pytest.raises(LLMTransportError, match=message):
        decode_stream(lines, "m")
