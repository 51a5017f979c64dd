"""Service settings: ``KURZUM_*`` environment variables over an optional TOML file.

``KURZUM_CONFIG=/etc/kurzum.toml`` names the file (top-level keys are the field names).
Build with :func:`get_settings` once, at the edge (a CLI command, the app factory), and pass the
object down: nothing below the CLI and the app factory reads the environment. Validation runs
at start: outside development the service refuses the default secret, and
:meth:`Settings.check_usable` refuses a configuration the service or a worker cannot run with.
"""

from __future__ import annotations

import ipaddress
import json
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from kurzum.errors import ConfigError

DEFAULT_SECRET = "change-me-development-only"

Environment = Literal["development", "test", "production"]
WorkerMode = Literal["thread", "off", "celery"]
BackendName = Literal["extractive", "llm", "hybrid"]
LLMResponseFormat = Literal["json_schema", "json_object", "none"]
# Broker URL schemes Celery (kombu) can use here: Redis and RabbitMQ.
BROKER_SCHEMES = ("redis", "rediss", "redis+socket", "amqp", "amqps", "pyamqp")


class Settings(BaseSettings):
    """Everything the service, the CLI commands and the workers need to know at start."""

    model_config = SettingsConfigDict(env_prefix="KURZUM_", extra="forbid", frozen=True)

    environment: Environment = Field(
        default="development", description="development | test | production; production is strict."
    )
    secret_key: SecretStr = Field(
        default=SecretStr(DEFAULT_SECRET),
        description="Signs CSRF tokens; must be changed in production.",
    )
    data_dir: Path = Field(
        default=Path("data"), description="Directory of the embedded SQLite database."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default sqlite file in data_dir. postgresql+psycopg://…",
    )
    host: str = Field(default="127.0.0.1", description="Address `kurzum serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `kurzum serve` listens on.")
    cookie_secure: bool = Field(default=True, description="Secure flag on the session cookie.")
    session_days: int = Field(default=30, ge=1, le=365, description="Lifetime of a login session.")
    max_body_bytes: int = Field(
        default=2_000_000, ge=1024, description="Largest request body accepted (413 above)."
    )
    login_max_failures: int = Field(
        default=5,
        ge=1,
        description="Failed logins per (account, client) before each further try waits "
        "1, 2, 4… seconds (capped by login_max_delay_seconds).",
    )
    login_window_seconds: int = Field(
        default=900, ge=1, description="How long failed logins are remembered by the throttle."
    )
    login_max_delay_seconds: float = Field(
        default=60.0, gt=0, description="Longest wait between two tries of one (account, client)."
    )
    login_account_ceiling: int = Field(
        default=20,
        ge=1,
        description="Failed logins of one account (all clients) within the window after which "
        "clients without the account's device cookie get one try per login_account_interval.",
    )
    login_account_interval_seconds: float = Field(
        default=10.0, gt=0, description="Seconds between tries of an account past its ceiling."
    )
    register_max_per_client: int = Field(
        default=10, ge=1, description="Registrations one client address may send per hour."
    )
    registration_open: bool = Field(
        default=True,
        description="Readers may register themselves; false: only admins create accounts "
        "(hides whether an email has an account, see the README's enumeration trade-off).",
    )
    hash_concurrency: int = Field(
        default=2,
        ge=1,
        description="Password hashes (argon2, 64 MiB each) computed at once per process.",
    )
    hash_wait_seconds: float = Field(
        default=2.0,
        ge=0,
        description="How long a login or registration waits for a hashing slot before 503.",
    )
    jwt_max_lifetime_seconds: int = Field(
        default=86_400,
        ge=60,
        description="Longest accepted publisher JWT lifetime (exp minus iat, or minus now).",
    )
    worker: WorkerMode = Field(
        default="thread",
        description="thread: in-process background worker; celery: send to `kurzum worker`s "
        "(KURZUM_BROKER_URL) and reconcile periodically; off: no background work here.",
    )
    reconcile_seconds: float = Field(
        default=5.0, gt=0, description="How often the worker looks for missing or stale summaries."
    )
    heartbeat_seconds: float = Field(
        default=2.0, gt=0, description="How often a Celery worker process records it is alive."
    )
    worker_dead_seconds: float = Field(
        default=10.0,
        gt=0,
        description="A worker process silent this long is taken for dead; its articles are sent "
        "again.",
    )
    stranded_seconds: float = Field(
        default=15.0,
        gt=0,
        description="An article sent but taken by no worker this long, while the broker's queues "
        "are empty, is taken for lost and sent again.",
    )
    max_attempts: int = Field(
        default=5, ge=1, description="Summarization attempts before giving up."
    )
    retry_base_seconds: float = Field(
        default=10.0,
        ge=0,
        description="First retry delay; doubles on each attempt (summaries, webhooks).",
    )
    webhook_timeout: float = Field(
        default=5.0, gt=0, description="Seconds per webhook delivery attempt."
    )
    webhook_max_attempts: int = Field(default=8, ge=1, description="Webhook delivery attempts.")
    webhooks_allow_private: bool = Field(
        default=False,
        description="Allow webhook URLs on loopback, private, link-local or other internal "
        "addresses (a CMS on the same network; tests). Off: refused at save and delivery.",
    )
    summary_backend: BackendName = Field(default="extractive", description="Summarization backend.")
    llm_url: str | None = Field(
        default=None, description="OpenAI-compatible base URL of the LLM server."
    )
    llm_model: str | None = Field(default=None, description="Model name sent to the LLM server.")
    llm_api_key: SecretStr | None = Field(default=None, description="API key of the LLM server.")
    llm_timeout: float = Field(default=30.0, gt=0, description="Seconds per LLM request.")
    llm_concurrency: int = Field(default=4, ge=1, description="Parallel LLM requests.")
    llm_stream: bool = Field(
        default=False, description="Ask the LLM server for server-sent events (streaming)."
    )
    llm_response_format: LLMResponseFormat = Field(
        default="json_schema",
        description="How JSON is requested: json_schema (vLLM, llama.cpp, Ollama, OpenAI), "
        "json_object (plain JSON mode) or none (prompt only).",
    )
    llm_max_retries: int = Field(
        default=2,
        ge=0,
        description="Extra LLM attempts after a 429, a 5xx or a refused connection.",
    )
    llm_backoff: float = Field(
        default=0.5, ge=0, description="First LLM retry delay in seconds, doubled per retry."
    )
    llm_max_backoff: float = Field(
        default=30.0, ge=0, description="Longest LLM retry delay, also the cap on Retry-After."
    )
    llm_breaker_failures: int = Field(
        default=5, ge=1, description="Consecutive failed LLM calls that open the circuit breaker."
    )
    llm_breaker_cooldown: float = Field(
        default=30.0, ge=0, description="Seconds the LLM circuit stays open before a trial call."
    )
    llm_temperature: float = Field(
        default=0.2, ge=0, le=2, description="Sampling temperature of the LLM."
    )
    llm_max_tokens: int = Field(
        default=800, ge=1, description="LLM answer budget in tokens (raised for long summaries)."
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses or networks of reverse proxies whose "
        "X-Forwarded-For is believed (throttles, logs); empty: none, * : any.",
    )
    # Celery scale-out (issue 6): `kurzum worker`, `import`, `backfill`, `reconcile`.
    broker_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        description="Celery broker: redis://… (default) or amqp://…",
    )
    broker_visibility_timeout: float = Field(
        default=600.0,
        gt=0,
        description="Redis: seconds before an unacknowledged task is redelivered.",
    )
    task_time_limit: float = Field(
        default=300.0,
        gt=0,
        description="Seconds a Celery task may run before its process is replaced.",
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="Log lines of `serve` and `worker`: text or json (one object per line).",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Level of the kurzum.* loggers."
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="Bearer token /metrics requires; without one, /metrics answers only "
        "loopback clients.",
    )
    import_batch_size: int = Field(
        default=500, ge=1, le=10_000, description="Articles per transaction in `kurzum import`."
    )
    backfill_rate: float = Field(
        default=20.0, gt=0, description="Articles per second `kurzum backfill` enqueues at most."
    )
    backfill_window: int = Field(
        default=50, ge=1, description="Backfill tasks allowed to wait in the broker at once."
    )

    @field_validator("llm_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"must start with http:// or https://, got {value!r}")
        return value or None

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_list(cls, value: str) -> str:
        for entry in (e.strip() for e in value.split(",")):
            if entry and entry != "*":
                try:
                    ipaddress.ip_network(entry, strict=False)
                except ValueError:
                    raise ValueError(f"not an address or network: {entry!r}") from None
        return value

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.environment == "production":
            secret = self.secret_key.get_secret_value()
            if secret == DEFAULT_SECRET or len(secret) < 32:
                raise ValueError(
                    "KURZUM_SECRET_KEY must be set to a random value of at least 32 characters "
                    "outside development"
                )
        return self

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL, defaulting to ``<data_dir>/kurzum.sqlite3``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'kurzum.sqlite3').resolve()}"

    @property
    def embedded(self) -> bool:
        """True for the SQLite default: ``serve`` upgrades the schema itself."""
        return self.sqlalchemy_url.startswith("sqlite")

    @property
    def trusted_proxy_list(self) -> tuple[str, ...]:
        """``trusted_proxies`` as a tuple of addresses, networks or ``*`` (empty: none)."""
        return tuple(e.strip() for e in self.trusted_proxies.split(",") if e.strip())

    def usable_problem(self, *, celery: bool = False) -> str | None:
        """Why a service or worker cannot run with these settings (one line), else None.

        Checked at start by ``kurzum serve`` and ``kurzum worker``; ``celery`` adds the broker.
        """
        if self.summary_backend != "extractive" and not (self.llm_url and self.llm_model):
            return (
                f"KURZUM_SUMMARY_BACKEND={self.summary_backend} needs KURZUM_LLM_URL and "
                "KURZUM_LLM_MODEL"
            )
        scheme = self.broker_url.split("://", 1)[0] if "://" in self.broker_url else ""
        if celery and scheme not in BROKER_SCHEMES:
            return (
                f"KURZUM_BROKER_URL must be a Redis or RabbitMQ URL "
                f"({', '.join(s + '://' for s in BROKER_SCHEMES)}), got {self.broker_url!r}"
            )
        return None

    def check_usable(self, *, celery: bool = False) -> None:
        """Raise ConfigError with :meth:`usable_problem`'s reason, if there is one."""
        problem = self.usable_problem(celery=celery)
        if problem:
            raise ConfigError(f"cannot start: {problem}")

    def serialize(self) -> str:
        """These settings as JSON, secrets included: hands them to ``serve --workers`` processes.

        Treat the result like the secret key itself (it contains it).
        """
        data = self.model_dump(mode="json")
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                data[name] = value.get_secret_value()
        return json.dumps(data)

    @classmethod
    def deserialize(cls, text: str) -> Settings:
        """The settings :meth:`serialize` wrote, validated again (the environment is not read:
        every field is given)."""
        try:
            return cls(**json.loads(text))
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"cannot read serialized settings: {exc}") from None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Explicit arguments win, then the environment, then the TOML file of KURZUM_CONFIG."""
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config = os.environ.get("KURZUM_CONFIG")
        if config:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(config)))
        return tuple(sources)


def get_settings(**overrides: Any) -> Settings:
    """Read and validate the settings; raise ConfigError with a readable message when invalid."""
    config = os.environ.get("KURZUM_CONFIG")
    if config and not Path(config).is_file():
        raise ConfigError(f"KURZUM_CONFIG names a missing file: {config}")
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from exc
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read settings: {exc}") from exc
