"""LLMConfig validation, and building it from the service settings (the only way in)."""

from __future__ import annotations

from typing import get_args

import pytest

from kurzum.errors import ConfigError
from kurzum.llm.config import LLMConfig, from_settings
from kurzum.settings import LLMResponseFormat, Settings, get_settings


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


def test_every_llm_setting_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """One path for the CLI and the service: KURZUM_LLM_* → Settings → LLMConfig."""
    for name, value in {
        "KURZUM_LLM_URL": "http://127.0.0.1:8080/v1",
        "KURZUM_LLM_MODEL": "llama",
        "KURZUM_LLM_API_KEY": "sk-test",
        "KURZUM_LLM_TIMEOUT": "12.5",
        "KURZUM_LLM_CONCURRENCY": "2",
        "KURZUM_LLM_STREAM": "true",
        "KURZUM_LLM_RESPONSE_FORMAT": "json_object",
        "KURZUM_LLM_MAX_RETRIES": "0",
        "KURZUM_LLM_BREAKER_FAILURES": "3",
        "KURZUM_LLM_TEMPERATURE": "0",
        "KURZUM_LLM_MAX_TOKENS": "400",
    }.items():
        monkeypatch.setenv(name, value)
    config = from_settings(get_settings())
    assert (config.url, config.model, config.api_key) == (
        "http://127.0.0.1:8080/v1",
        "llama",
        "sk-test",
    )
    assert (config.timeout, config.concurrency, config.stream) == (12.5, 2, True)
    assert config.response_format == "json_object"
    assert (config.max_retries, config.breaker_failures) == (0, 3)
    assert (config.temperature, config.max_tokens) == (0.0, 400)


def test_settings_defaults_are_the_client_defaults() -> None:
    """Settings and LLMConfig agree on every default but the timeout (the service's is 30 s)."""
    config = from_settings(Settings(llm_url="http://x/v1", llm_model="m"))
    default = LLMConfig(url="http://x/v1", model="m")
    assert config.with_changes(timeout=default.timeout) == default
    assert set(get_args(LLMResponseFormat)) == {"json_schema", "json_object", "none"}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KURZUM_LLM_URL": "localhost:8000"}, "llm_url"),
        ({"KURZUM_LLM_TIMEOUT": "soon"}, "llm_timeout"),
        ({"KURZUM_LLM_RESPONSE_FORMAT": "x"}, "llm_response_format"),
        ({"KURZUM_LLM_MAX_RETRIES": "-1"}, "llm_max_retries"),
    ],
)
def test_bad_llm_settings_are_config_errors(
    env: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        get_settings()


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
