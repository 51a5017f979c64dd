"""Decode a streamed chat completion (server-sent events) into its text, model and usage.

Each event is a ``data: {json}`` line holding a chunk whose ``choices[0].delta.content`` adds
to the answer; ``data: [DONE]`` ends the stream. Usage arrives in a last chunk when the
request asked for ``stream_options.include_usage`` (servers that ignore it report none).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from kurzum.llm.errors import LLMTransportError
from kurzum.models import Usage


@dataclass(frozen=True, slots=True)
class Completion:
    """The text of one chat completion, the model that wrote it and the tokens it cost."""

    content: str
    model: str
    usage: Usage


def usage_of(payload: object) -> Usage:
    """Read an OpenAI ``usage`` object; missing or malformed counts are zero."""
    if not isinstance(payload, dict):
        return Usage()
    prompt = payload.get("prompt_tokens")
    completion = payload.get("completion_tokens")
    return Usage(
        prompt_tokens=prompt if isinstance(prompt, int) else 0,
        completion_tokens=completion if isinstance(completion, int) else 0,
    )


def decode_body(body: object, default_model: str) -> Completion:
    """Read a non-streamed chat-completion response body."""
    try:
        assert isinstance(body, dict)
        content = body["choices"][0]["message"]["content"]
        assert isinstance(content, str)
    except (AssertionError, KeyError, IndexError, TypeError):
        raise LLMTransportError(
            "LLM server sent no chat completion (no choices[0].message.content)"
        ) from None
    model = body.get("model")
    return Completion(
        content, model if isinstance(model, str) else default_model, usage_of(body.get("usage"))
    )


def decode_stream(lines: Iterable[str], default_model: str) -> Completion:
    """Join the deltas of an SSE stream; raise LLMTransportError on a broken event."""
    parts: list[str] = []
    model = default_model
    usage = Usage()
    done = False
    for line in lines:
        if not line.startswith("data:"):
            continue  # blank separators, comments (": keep-alive"), event names
        data = line[5:].strip()
        if data == "[DONE]":
            done = True
            break
        try:
            chunk = json.loads(data)
        except json.JSONDecodeError:
            raise LLMTransportError("LLM server sent a broken stream event") from None
        if not isinstance(chunk, dict):
            raise LLMTransportError("LLM server sent a broken stream event")
        if "error" in chunk:
            raise LLMTransportError(f"LLM server reported an error mid-stream: {chunk['error']}")
        if isinstance(chunk.get("model"), str):
            model = chunk["model"]
        if chunk.get("usage"):
            usage = usage_of(chunk["usage"])
        for choice in chunk.get("choices") or ():
            delta = choice.get("delta") if isinstance(choice, dict) else None
            text = delta.get("content") if isinstance(delta, dict) else None
            if isinstance(text, str):
                parts.append(text)
    if not done:
        raise LLMTransportError("LLM stream ended without [DONE]")
    return Completion("".join(parts), model, usage)
