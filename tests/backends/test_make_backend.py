"""make_backend, the extractive default, languages, short articles and bounded concurrency."""

from __future__ import annotations

import threading

import pytest

from kurzum.backends import (
    BACKEND_NAMES,
    ExtractiveBackend,
    HybridBackend,
    LLMBackend,
    backend_from_settings,
    close_shared_backends,
    make_backend,
    needs_review,
    shared_backend,
)
from kurzum.core import SummaryOptions, summarize
from kurzum.errors import ConfigError
from kurzum.llm.testing import good, slow, wrong_language
from kurzum.models import Article, Language, Summary
from kurzum.pipeline import make_summary
from kurzum.settings import Settings
from tests.backends.backend_support import ARTICLES, ENGLISH, FRENCH, SWISS, Serve, config


def test_names() -> None:
    assert BACKEND_NAMES == ("extractive", "llm", "hybrid")


def test_extractive_is_the_core() -> None:
    backend = make_backend("extractive")
    assert isinstance(backend, ExtractiveBackend)
    assert backend.summarize(SWISS) == summarize(SWISS, SummaryOptions())
    backend.close()


@pytest.mark.parametrize("name", ["llm", "hybrid"])
def test_model_backends_need_a_config(name: str) -> None:
    with pytest.raises(ConfigError, match="KURZUM_LLM_URL"):
        make_backend(name)


def test_unknown_backend() -> None:
    with pytest.raises(ConfigError, match="unknown summary backend 'gpt'"):
        make_backend("gpt")


def test_make_backend_types(serve: Serve) -> None:
    server = serve({"m": [good()]})
    llm, hybrid = (
        make_backend("llm", config(server, "m")),
        make_backend("hybrid", config(server, "m")),
    )
    assert isinstance(llm, LLMBackend) and llm.name == "llm"
    assert isinstance(hybrid, HybridBackend) and hybrid.name == "hybrid"
    llm.close()
    hybrid.close()


@pytest.mark.parametrize("language", ["de", "fr", "en"])
def test_good_answers_in_every_language(serve: Serve, language: Language) -> None:
    server = serve({"m": [good()]})
    with LLMBackend(config(server, "m")) as backend:
        summary = backend.summarize(ARTICLES[language])
    assert summary.method == "llm"
    assert summary.language == language
    system = server.requests[0]["messages"][0]["content"]
    assert {"de": "Schreibe auf Deutsch", "fr": "Écris en français", "en": "Write in English"}[
        language
    ] in system


@pytest.mark.parametrize(("article", "named"), [(ENGLISH, "in German"), (FRENCH, "in English")])
def test_wrong_language_is_caught_for_other_languages(
    serve: Serve, article: Article, named: str
) -> None:
    server = serve({"m": [wrong_language()]})
    with LLMBackend(config(server, "m")) as backend:
        summary = backend.summarize(article)
    assert needs_review(summary)
    assert any(named in note for note in summary.notes), summary.notes


def test_short_article_asks_for_as_many_bullets_as_the_core_gives(serve: Serve) -> None:
    short = Article(
        title=None,
        lead=None,
        paragraphs=(
            "Der Zürcher Stadtrat will bis 2027 eine neue Velobrücke über die Limmat bauen. "
            "Die Brücke soll 180 Meter lang werden und 12 Millionen Franken kosten.",
        ),
        language="de",
    )
    server = serve({"m": [good()]})
    expected = len(summarize(short, SummaryOptions()).bullets)
    with LLMBackend(config(server, "m")) as backend:
        summary = backend.summarize(short)
    schema = server.requests[0]["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["bullets"]["maxItems"] == expected
    assert summary.method == "llm"
    assert len(summary.bullets) == expected


def test_concurrency_is_bounded_across_threads(serve: Serve) -> None:
    server = serve({"m": [slow(0.2)]})
    results: list[Summary] = []
    with LLMBackend(config(server, "m", concurrency=2, timeout=5.0)) as backend:
        threads = [
            threading.Thread(target=lambda: results.append(backend.summarize(SWISS)))
            for _ in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert server.max_in_flight == 2
    assert [s.method for s in results] == ["llm"] * 6


def test_backend_from_settings(serve: Serve) -> None:
    server = serve({"m": [good()]})
    assert isinstance(backend_from_settings(Settings()), ExtractiveBackend)
    backend = backend_from_settings(
        Settings(summary_backend="hybrid", llm_url=server.url, llm_model="m", llm_timeout=3.0)
    )
    assert isinstance(backend, HybridBackend)
    assert backend.config.timeout == 3.0
    assert backend.summarize(SWISS).method == "hybrid"
    backend.close()
    with pytest.raises(ConfigError, match="KURZUM_LLM_URL"):
        backend_from_settings(Settings(summary_backend="llm"))


def test_the_service_pipeline_uses_one_shared_backend(serve: Serve) -> None:
    server = serve({"m": [good()], "bad": [wrong_language()]})
    settings = Settings(summary_backend="llm", llm_url=server.url, llm_model="m")
    hybrid = Settings(summary_backend="hybrid", llm_url=server.url, llm_model="bad")
    try:
        assert shared_backend(settings) is shared_backend(settings.model_copy())
        assert make_summary(SWISS, settings).method == "llm"
        assert make_summary(SWISS, Settings()).method == "extractive"
        assert needs_review(make_summary(SWISS, hybrid))
    finally:
        close_shared_backends()


def test_the_answer_budget_grows_with_the_bullets(serve: Serve) -> None:
    server = serve({"m": [good()]})
    long = SummaryOptions(bullets=5, max_chars=1000)
    count = len(summarize(SWISS, long).bullets)
    with LLMBackend(config(server, "m")) as backend:
        backend.summarize(SWISS)
        backend.summarize(SWISS, long)
    assert [r["max_tokens"] for r in server.requests] == [800, count * 1000 // 2 + 50]
    assert count >= 4
