"""The documented outcome of every scripted model answer, over real HTTP, streamed and not.

This is the outcome table of the README's "LLM backend" section: a good answer is used; a
failing answer is retried once with its problems named; a second failure, a timeout, a 5xx
after the retries or an open circuit returns the extractive summary with a fallback note.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest

from kurzum.backends import LLMBackend, make_backend, needs_review
from kurzum.core import SummaryOptions, summarize
from kurzum.faithfulness import check
from kurzum.llm.testing import (
    Play,
    eszett,
    five_bullets,
    good,
    invented_name,
    invented_number,
    malformed,
    slow,
    status,
    trickle,
    wrong_language,
)
from tests.backends.backend_support import SWISS, Serve, config


@dataclass(frozen=True)
class Outcome:
    """One row of the outcome table."""

    plays: list[Play]
    method: str  # "llm", or "extractive" for a fallback
    requests: int  # chat requests the server saw
    note: str | None  # a fragment of the fallback note
    spent: bool  # tokens were spent (usage recorded) even on fallback


OUTCOMES = {
    "good bullets": Outcome([good()], "llm", 1, None, True),
    "invented number, fixed on retry": Outcome([invented_number(), good()], "llm", 2, None, True),
    "invented number": Outcome([invented_number()], "extractive", 2, '"987654"', True),
    "invented name": Outcome([invented_name()], "extractive", 2, "Zwahlen", True),
    "five bullets": Outcome([five_bullets()], "extractive", 2, "has 5 bullets", True),
    "wrong language": Outcome([wrong_language()], "extractive", 2, "in English", True),
    "ß in a Swiss article": Outcome([eszett()], "extractive", 2, 'uses "ß"', True),
    "malformed JSON": Outcome([malformed()], "extractive", 2, "not valid JSON", True),
    "timeout": Outcome([slow(5.0)], "extractive", 1, "no answer within 0.5 s", False),
    "500 after retries": Outcome([status(500)], "extractive", 3, "answered 500", False),
    "500 once": Outcome([status(500), good()], "llm", 2, None, True),
    "429 with Retry-After": Outcome([status(429, "1"), good()], "llm", 2, None, True),
    "429 for too long": Outcome([status(429, "3600")], "extractive", 1, "wait 3600 s", False),
}


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
@pytest.mark.parametrize("name", list(OUTCOMES))
def test_outcome(serve: Serve, name: str, stream: bool) -> None:
    outcome = OUTCOMES[name]
    server = serve({"m": outcome.plays})
    backend = make_backend("llm", config(server, "m", stream=stream, timeout=0.5))
    try:
        summary = backend.summarize(SWISS, SummaryOptions())
    finally:
        backend.close()

    assert server.count("m") == outcome.requests
    assert summary.method == outcome.method
    if outcome.method == "llm":
        assert summary.model == "m"
        assert not needs_review(summary)
        assert check(summary, SWISS).ok
        assert len(summary.bullets) == 3
    else:
        assert needs_review(summary)
        assert summary.model is None
        assert summary.texts == summarize(SWISS, SummaryOptions()).texts
        assert outcome.note is not None
        assert any(outcome.note in note for note in summary.notes), summary.notes
    if outcome.spent:
        assert summary.usage is not None
        assert summary.usage.prompt_tokens > 0
        assert summary.usage.completion_tokens > 0
    else:
        assert summary.usage is None


def test_retry_names_the_problems_in_the_article_language(serve: Serve) -> None:
    server = serve({"m": [invented_number(), good()]})
    with LLMBackend(config(server, "m")) as backend:
        summary = backend.summarize(SWISS)
    assert summary.method == "llm"
    retry = server.requests[1]["messages"]
    assert [m["role"] for m in retry] == ["system", "user", "assistant", "user"]
    assert "987654" in retry[2]["content"]  # the rejected answer is shown back
    assert retry[3]["content"].startswith("Deine Antwort hat diese Probleme:")
    assert "«987654» steht nicht im Artikel" in retry[3]["content"]


def test_usage_adds_up_over_both_attempts(serve: Serve) -> None:
    server = serve({"once": [good()], "twice": [malformed(), good()]})
    with LLMBackend(config(server, "once")) as once:
        first = once.summarize(SWISS)
    with LLMBackend(config(server, "twice")) as twice:
        second = twice.summarize(SWISS)
    assert first.usage is not None and second.usage is not None
    assert second.usage.prompt_tokens > 2 * first.usage.prompt_tokens  # history is resent
    assert second.usage.completion_tokens > first.usage.completion_tokens


def test_slow_stream_hits_the_deadline_although_each_chunk_is_in_time(serve: Serve) -> None:
    server = serve({"m": [trickle(0.1)]})
    started = time.monotonic()
    with LLMBackend(config(server, "m", stream=True, timeout=0.5)) as backend:
        summary = backend.summarize(SWISS)
    assert time.monotonic() - started < 1.5
    assert needs_review(summary)
    assert any("did not finish its answer within 0.5 s" in note for note in summary.notes)


def test_429_waits_for_retry_after(serve: Serve) -> None:
    server = serve({"m": [status(429, "1"), good()]})
    started = time.monotonic()
    with LLMBackend(config(server, "m")) as backend:
        summary = backend.summarize(SWISS)
    assert summary.method == "llm"
    assert time.monotonic() - started >= 1.0


def test_open_circuit_falls_back_without_calling_the_server(serve: Serve) -> None:
    server = serve({"m": [status(503)]})
    cfg = config(server, "m", max_retries=0, breaker_failures=2, breaker_cooldown=60.0)
    with LLMBackend(cfg) as backend:
        for _ in range(2):
            assert needs_review(backend.summarize(SWISS))
        assert server.count("m") == 2
        summary = backend.summarize(SWISS)
    assert server.count("m") == 2  # the third call never left the process
    assert summary.method == "extractive"
    assert any("circuit open" in note for note in summary.notes)


def test_refused_connection_falls_back(serve: Serve) -> None:
    server = serve({"m": [good()]})
    cfg = config(server, "m", max_retries=1)
    server.stop()  # nothing listens on the port any more
    with LLMBackend(cfg) as backend:
        summary = backend.summarize(SWISS)
    assert needs_review(summary)
    assert any("cannot reach LLM server" in note for note in summary.notes)
