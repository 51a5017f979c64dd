"""How to reach an OpenAI-compatible chat-completions server, as one frozen object.

Read from ``KURZUM_LLM_*`` environment variables by the CLI (``from_env``) and from the
service settings (``from_settings``); nothing here opens a connection.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from kurzum.errors import ConfigError

ResponseFormat = Literal["json_schema", "json_object", "none"]
_RESPONSE_FORMATS: tuple[ResponseFormat, ...] = ("json_schema", "json_object", "none")


@dataclass(frozen=True, slots=True)
class LLMConfig:
    """Connection, limits and resilience settings of the LLM client.

    ``url`` is the base URL that ends before ``/chat/completions`` (for example
    ``http://localhost:11434/v1`` for Ollama). ``response_format`` picks how JSON is requested:
    a JSON schema (vLLM, llama.cpp, Ollama >= 0.5, OpenAI), plain JSON mode, or prompt only.
    """

    url: str
    model: str
    api_key: str | None = None
    timeout: float = 60.0  # seconds for one whole answer, streamed or not
    concurrency: int = 4  # requests in flight per process; more wait for a free slot
    max_retries: int = 2  # extra attempts after a 429, a 5xx or a refused connection
    backoff: float = 0.5  # first retry delay in seconds, doubled per retry
    max_backoff: float = 30.0  # longest wait, also the cap on a server's Retry-After
    breaker_failures: int = 5  # consecutive failed calls that open the circuit
    breaker_cooldown: float = 30.0  # seconds the circuit stays open before one trial call
    stream: bool = False  # ask for server-sent events instead of one JSON body
    temperature: float = 0.2
    max_tokens: int = 800  # answer budget; raised per call for many or long bullets
    response_format: ResponseFormat = "json_schema"

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ConfigError(f"LLM URL must start with http:// or https://, got {self.url!r}")
        if not self.model:
            raise ConfigError("LLM model name must not be empty")
        if self.timeout <= 0:
            raise ConfigError("LLM timeout must be positive")
        if self.concurrency < 1:
            raise ConfigError("LLM concurrency must be at least 1")
        if self.max_retries < 0:
            raise ConfigError("LLM max_retries must not be negative")
        if self.backoff < 0 or self.max_backoff < 0:
            raise ConfigError("LLM backoff must not be negative")
        if self.breaker_failures < 1 or self.breaker_cooldown < 0:
            raise ConfigError("LLM breaker needs at least 1 failure and a cool-down >= 0")
        if self.response_format not in _RESPONSE_FORMATS:
            raise ConfigError(f"LLM response_format must be one of {', '.join(_RESPONSE_FORMATS)}")

    @property
    def endpoint(self) -> str:
        """The chat-completions URL."""
        return self.url.rstrip("/") + "/chat/completions"

    def with_changes(self, **changes: object) -> LLMConfig:
        """A copy with some fields replaced (validated again)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def from_env(environ: Mapping[str, str] | None = None) -> LLMConfig:
    """Build the config from ``KURZUM_LLM_URL``, ``_MODEL``, ``_API_KEY``, ``_TIMEOUT``,
    ``_CONCURRENCY``, ``_STREAM`` and ``_RESPONSE_FORMAT``; raise ConfigError if the URL
    or model is missing."""
    env = os.environ if environ is None else environ
    url = env.get("KURZUM_LLM_URL", "")
    model = env.get("KURZUM_LLM_MODEL", "")
    if not url or not model:
        raise ConfigError(
            "the LLM backend needs KURZUM_LLM_URL and KURZUM_LLM_MODEL (--llm-url, --llm-model)"
        )
    try:
        timeout = float(env.get("KURZUM_LLM_TIMEOUT", "60"))
        concurrency = int(env.get("KURZUM_LLM_CONCURRENCY", "4"))
    except ValueError as exc:
        raise ConfigError(f"bad KURZUM_LLM_TIMEOUT or KURZUM_LLM_CONCURRENCY: {exc}") from None
    fmt = env.get("KURZUM_LLM_RESPONSE_FORMAT", "json_schema")
    if fmt not in _RESPONSE_FORMATS:
        raise ConfigError(
            f"KURZUM_LLM_RESPONSE_FORMAT must be one of {', '.join(_RESPONSE_FORMATS)}"
        )
    return LLMConfig(
        url=url,
        model=model,
        api_key=env.get("KURZUM_LLM_API_KEY") or None,
        timeout=timeout,
        concurrency=concurrency,
        stream=env.get("KURZUM_LLM_STREAM", "").lower() in {"1", "true", "yes"},
        response_format=fmt,
    )


class LLMSettings(Protocol):
    """The part of ``kurzum.settings.Settings`` the LLM client reads."""

    @property
    def llm_url(self) -> str | None: ...
    @property
    def llm_model(self) -> str | None: ...
    @property
    def llm_api_key(self) -> object: ...
    @property
    def llm_timeout(self) -> float: ...
    @property
    def llm_concurrency(self) -> int: ...


def from_settings(settings: LLMSettings) -> LLMConfig:
    """Build the config from the service settings; ``llm_api_key`` may be a pydantic SecretStr."""
    if not settings.llm_url or not settings.llm_model:
        raise ConfigError("summary_backend llm/hybrid needs KURZUM_LLM_URL and KURZUM_LLM_MODEL")
    key = settings.llm_api_key
    secret = getattr(key, "get_secret_value", None)
    api_key = secret() if callable(secret) else key
    return LLMConfig(
        url=settings.llm_url,
        model=settings.llm_model,
        api_key=str(api_key) if api_key else None,
        timeout=settings.llm_timeout,
        concurrency=settings.llm_concurrency,
    )
