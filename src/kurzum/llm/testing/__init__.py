"""A scripted OpenAI-compatible chat server on loopback, for tests and demos (not production).

It speaks real HTTP (``POST /v1/chat/completions``, streamed as server-sent events or as one
JSON body, and ``GET /v1/models``). The request's ``model`` picks a script: a list of plays,
one per request for that model (the last one repeats). A play turns the request into a reply:
good bullets (echoed from the article in the prompt), an invented number or name, five
bullets, the wrong language, "ß", malformed JSON, a delay, an HTTP error with Retry-After …

    >>> with FakeOpenAI({"flaky": [invented_number(), good()]}) as server:
    ...     config = LLMConfig(url=server.url, model="flaky")

Run ``python -m kurzum.llm.testing --port 8099`` to serve the named ``SCENARIOS`` for
``kurzum eval --backend llm --llm-url http://127.0.0.1:8099/v1 --llm-model good``.
"""

from __future__ import annotations

from kurzum.llm.testing.plays import (
    SCENARIOS,
    ChatRequest,
    Play,
    Reply,
    echo_bullets,
    eszett,
    five_bullets,
    good,
    html_page,
    invented_name,
    invented_number,
    malformed,
    read_request,
    slow,
    status,
    text,
    trickle,
    wrong_language,
)
from kurzum.llm.testing.server import FakeOpenAI, main

__all__ = [
    "SCENARIOS",
    "ChatRequest",
    "FakeOpenAI",
    "Play",
    "Reply",
    "echo_bullets",
    "eszett",
    "five_bullets",
    "good",
    "html_page",
    "invented_name",
    "invented_number",
    "main",
    "malformed",
    "read_request",
    "slow",
    "status",
    "text",
    "trickle",
    "wrong_language",
]
