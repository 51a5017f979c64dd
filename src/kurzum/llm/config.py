"""How to reach an OpenAI-compatible chat-completions server, as one frozen object.

Built from the ``llm_*`` fields of :class:`kurzum.settings.Settings` (``from_settings``), the one
place they are read, by the CLI and the service alike; nothing here opens a connection.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from kurzum.errors import ConfigError

if TYPE_CHECKING:  # the settings are passed in; importing pydantic-settings costs the CLI 0.2 s
    from kurzum.settings import Settings

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


def from_settings(settings: Settings) -> LLMConfig:
    """The client config of the service settings (every ``llm_*`` field); ConfigError without
    ``llm_url`` and ``llm_model``."""
    if not settings.llm_url or not settings.llm_model:
        raise ConfigError("the LLM backend needs KURZUM_LLM_URL and KURZUM_LLM_MODEL")
    key = settings.llm_api_key
    return LLMConfig(
        url=settings.llm_url,
        model=settings.llm_model,
        api_key=key.get_secret_value() if key else None,
        timeout=settings.llm_timeout,
        concurrency=settings.llm_concurrency,
        max_retries=settings.llm_max_retries,
        backoff=settings.llm_backoff,
        max_backoff=settings.llm_max_backoff,
        breaker_failures=settings.llm_breaker_failures,
        breaker_cooldown=settings.llm_breaker_cooldown,
        stream=settings.llm_stream,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
        response_format=settings.llm_response_format,
    )
