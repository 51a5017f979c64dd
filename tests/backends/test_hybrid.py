"""The hybrid backend: extractive picks, the model rewrites each pick, provenance is kept."""

from __future__ import annotations

import json
import re

from kurzum.backends import HybridBackend, needs_review
from kurzum.backends.hybrid import source_text
from kurzum.core import SummaryOptions, summarize
from kurzum.faithfulness import check
from kurzum.llm.testing import ChatRequest, Reply, echo_bullets, good, slow, text
from tests.backends.backend_support import ENGLISH, SWISS, Serve, config

_NUMBER = re.compile(r"\d+(?:'\d+)*")


def test_rewrites_keep_the_provenance_of_the_picked_sentences(serve: Serve) -> None:
    server = serve({"m": [good()]})
    picked = summarize(SWISS, SummaryOptions())
    with HybridBackend(config(server, "m")) as backend:
        summary = backend.summarize(SWISS, SummaryOptions())
    assert summary.method == "hybrid"
    assert summary.model == "m"
    assert [b.sources for b in summary.bullets] == [b.sources for b in picked.bullets]
    assert check(summary, SWISS).ok
    prompt = server.requests[0]["messages"][1]["content"]
    for i, bullet in enumerate(picked.bullets, 1):
        assert f'<sentence n="{i}">{source_text(SWISS, bullet)}</sentence>' in prompt


def test_a_number_borrowed_from_another_sentence_is_rejected(serve: Serve) -> None:
    """In hybrid a fact must come from the bullet's own source sentence, not the article."""
    picked = summarize(ENGLISH, SummaryOptions())
    sources = [source_text(ENGLISH, b) for b in picked.bullets]
    elsewhere = next(
        n for n in _NUMBER.findall(ENGLISH.text) if n not in sources[0] and len(n) >= 2
    )

    def borrow(req: ChatRequest) -> Reply:
        bullets = echo_bullets(req)
        bullets[0] = bullets[0].rstrip(".") + f" ({elsewhere})."
        return Reply(json.dumps({"bullets": bullets}))

    server = serve({"m": [borrow]})
    with HybridBackend(config(server, "m")) as backend:
        summary = backend.summarize(ENGLISH, SummaryOptions())
    assert server.count("m") == 2
    assert needs_review(summary)
    assert summary.texts == picked.texts
    assert any(
        f'"{elsewhere}" does not occur in its source sentence' in note for note in summary.notes
    ), summary.notes


def test_wrong_count_and_timeout_fall_back(serve: Serve) -> None:
    five = json.dumps({"bullets": [f"Die Brücke kostet {n} Franken." for n in range(5)]})
    server = serve({"five": [text(five)], "slow": [slow(5.0)]})
    for model, note in [("five", "has 5 bullets"), ("slow", "no answer within")]:
        with HybridBackend(config(server, model, timeout=0.4)) as backend:
            summary = backend.summarize(SWISS, SummaryOptions())
        assert summary.method == "extractive"
        assert any(note in n for n in summary.notes), summary.notes
