"""LLMConfig validation and building it from the environment and the service settings."""

from __future__ import annotations

import pytest

from kurzum.errors import ConfigError
from kurzum.llm.config import LLMConfig, from_env, from_settings
from kurzum.settings import Settings


def test_defaults_and_endpoint() -> None:
    config = LLMConfig(url="http://localhost:11434/v1/", model="qwen2.5:7b")
    assert config.endpoint == "http://localhost:11434/v1/chat/completions"
    assert config.response_format == "json_schema"
    assert config.with_changes(stream=True).stream


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"url": "localhost:8000"}, "must start with http"),
        ({"model": ""}, "model name"),
        ({"timeout": 0}, "timeout"),
        ({"concurrency": 0}, "concurrency"),
        ({"max_retries": -1}, "max_retries"),
        ({"breaker_failures": 0}, "breaker"),
        ({"response_format": "xml"}, "response_format"),
    ],
)
def test_invalid(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        LLMConfig(url="http://x/v1", model="m").with_changes(**changes)


def test_from_env() -> None:
    config = from_env(
        {
            "KURZUM_LLM_URL": "http://127.0.0.1:8080/v1",
            "KURZUM_LLM_MODEL": "llama",
            "KURZUM_LLM_API_KEY": "sk-test",
            "KURZUM_LLM_TIMEOUT": "12.5",
            "KURZUM_LLM_CONCURRENCY": "2",
            "KURZUM_LLM_STREAM": "true",
            "KURZUM_LLM_RESPONSE_FORMAT": "json_object",
        }
    )
    assert (config.url, config.model, config.api_key) == (
        "http://127.0.0.1:8080/v1",
        "llama",
        "sk-test",
    )
    assert (config.timeout, config.concurrency, config.stream) == (12.5, 2, True)
    assert config.response_format == "json_object"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "KURZUM_LLM_URL and KURZUM_LLM_MODEL"),
        ({"KURZUM_LLM_URL": "http://x/v1"}, "KURZUM_LLM_MODEL"),
        (
            {
                "KURZUM_LLM_URL": "http://x/v1",
                "KURZUM_LLM_MODEL": "m",
                "KURZUM_LLM_TIMEOUT": "soon",
            },
            "TIMEOUT",
        ),
        (
            {
                "KURZUM_LLM_URL": "http://x/v1",
                "KURZUM_LLM_MODEL": "m",
                "KURZUM_LLM_RESPONSE_FORMAT": "x",
            },
            "RESPONSE_FORMAT",
        ),
    ],
)
def test_from_env_errors(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        from_env(env)


def test_from_settings() -> None:
    settings = Settings(
        summary_backend="llm",
        llm_url="http://vllm:8000/v1",
        llm_model="mistral",
        llm_api_key="secret",  # type: ignore[arg-type]  # pydantic coerces to SecretStr
        llm_timeout=9.0,
        llm_concurrency=3,
    )
    config = from_settings(settings)
    assert (config.url, config.model, config.api_key) == (
        "http://vllm:8000/v1",
        "mistral",
        "secret",
    )
    assert (config.timeout, config.concurrency) == (9.0, 3)


def test_from_settings_without_url() -> None:
    with pytest.raises(ConfigError, match="KURZUM_LLM_URL"):
        from_settings(Settings())
