"""The scripted test server itself: routes, scripts per model, what plays read from a prompt."""

from __future__ import annotations

import subprocess
import sys

import httpx

from kurzum.llm.prompts import response_schema, rewrite_messages, write_messages
from kurzum.llm.testing import SCENARIOS, FakeOpenAI, echo_bullets, read_request, text
from kurzum.models import Article

ARTICLE = Article(
    title="T",
    lead="Le Conseil fédéral a présenté mardi un nouveau plan pour le rail.",
    paragraphs=("Il coûtera 2,5 milliards de francs d'ici 2030. Les cantons sont satisfaits.",),
)


def test_models_route_and_unknown_paths() -> None:
    with FakeOpenAI({"a": [text("{}")], "b": [text("{}")]}) as server:
        models = httpx.get(server.url + "/models").json()
        assert [m["id"] for m in models["data"]] == ["a", "b"]
        assert httpx.get(server.url + "/nothing").status_code == 404
        assert httpx.post(server.url + "/chat/completions", content=b"[]").status_code == 400


def test_scripts_advance_per_model_and_repeat_the_last_play() -> None:
    with FakeOpenAI({"m": [text("1"), text("2")], "n": [text("x")]}) as server:
        answers = [
            httpx.post(
                server.url + "/chat/completions", json={"model": model, "messages": []}
            ).json()["choices"][0]["message"]["content"]
            for model in ["m", "n", "m", "m"]
        ]
    assert answers == ["1", "x", "2", "2"]
    assert (server.count("m"), server.count("n")) == (3, 1)


def test_read_request_from_a_write_prompt() -> None:
    messages = write_messages(ARTICLE, language="fr", count=2, max_chars=90)
    body = {
        "messages": messages,
        "response_format": {
            "type": "json_schema",
            "json_schema": {"schema": response_schema(2, 90)},
        },
    }
    request = read_request(body)
    assert (request.language, request.count, request.max_chars, request.attempt) == ("fr", 2, 90, 1)
    assert request.sources[0] == ARTICLE.lead
    assert echo_bullets(request) == [
        "Le Conseil fédéral a présenté mardi un nouveau plan pour le rail.",
        "Il coûtera 2,5 milliards de francs d'ici 2030.",
    ]


def test_read_request_from_a_rewrite_prompt_and_a_retry() -> None:
    messages = rewrite_messages(
        ARTICLE, ["Satz eins ist hier.", "Satz zwei ist da."], language="de", max_chars=160
    )
    messages += [{"role": "assistant", "content": "{}"}, {"role": "user", "content": "nochmals"}]
    request = read_request({"messages": messages})
    assert request.sources == ("Satz eins ist hier.", "Satz zwei ist da.")
    assert (request.language, request.count, request.attempt) == ("de", 3, 2)


def test_the_issue_scenarios_are_served_by_name() -> None:
    assert {
        "good",
        "invented-number",
        "invented-name",
        "five-bullets",
        "wrong-language",
        "eszett",
        "malformed",
        "timeout",
        "error-500",
        "rate-limited",
    } <= set(SCENARIOS)


def test_python_m_serves_the_scenarios() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kurzum.llm.testing", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        banner = proc.stdout.readline()
        url = banner.split(" on ", 1)[1].split(";", 1)[0]
        models = httpx.get(url + "/models", timeout=5).json()
        assert "invented-number" in [m["id"] for m in models["data"]]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
