"""Summarization backends behind one interface: ``extractive`` (default), ``llm`` and ``hybrid``.

    >>> backend = make_backend("llm", LLMConfig(url="http://localhost:8000/v1", model="qwen"))
    >>> summary = backend.summarize(article, SummaryOptions())
    >>> summary.method, summary.model, needs_review(summary)

``llm`` and ``hybrid`` never return an unvalidated answer: when the model keeps failing the
gate, or the server is unavailable, they return the extractive summary with a note starting
with ``FALLBACK_NOTE`` (see ``needs_review``) so the service can flag the article.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Literal, Protocol, get_args

from kurzum.backends.extractive import ExtractiveBackend
from kurzum.backends.fallback import FALLBACK_NOTE, needs_review
from kurzum.backends.hybrid import HybridBackend
from kurzum.backends.llm import LLMBackend
from kurzum.core.options import SummaryOptions
from kurzum.errors import ConfigError
from kurzum.llm.config import LLMConfig, from_settings
from kurzum.models import Article, Summary

if TYPE_CHECKING:
    from kurzum.settings import Settings

__all__ = [
    "BACKEND_NAMES",
    "FALLBACK_NOTE",
    "Backend",
    "BackendName",
    "ExtractiveBackend",
    "HybridBackend",
    "LLMBackend",
    "backend_from_settings",
    "close_shared_backends",
    "make_backend",
    "needs_review",
    "shared_backend",
]

BackendName = Literal["extractive", "llm", "hybrid"]
BACKEND_NAMES: tuple[BackendName, ...] = get_args(BackendName)


class Backend(Protocol):
    """Turns an article into a summary; ``close`` releases connections (if any)."""

    name: str

    def summarize(self, article: Article, options: SummaryOptions | None = None) -> Summary: ...

    def close(self) -> None: ...


def make_backend(name: str, config: LLMConfig | None = None) -> Backend:
    """The backend called ``name``; ``llm`` and ``hybrid`` need a config (ConfigError without)."""
    if name == "extractive":
        return ExtractiveBackend()
    if name not in BACKEND_NAMES:
        raise ConfigError(f"unknown summary backend {name!r}; choose {', '.join(BACKEND_NAMES)}")
    if config is None:
        raise ConfigError(
            f"the {name} backend needs an LLM server: set KURZUM_LLM_URL and KURZUM_LLM_MODEL"
        )
    return LLMBackend(config) if name == "llm" else HybridBackend(config)


def backend_from_settings(settings: Settings) -> Backend:
    """The backend the service is configured for (``summary_backend``, ``llm_*`` settings).

    Build it once per process and reuse it: the LLM backends hold the connection pool, the
    concurrency limit and the circuit breaker, which only work when shared.
    """
    name = settings.summary_backend
    return make_backend(name, None if name == "extractive" else from_settings(settings))


_SHARED: dict[Settings, Backend] = {}
_SHARED_LOCK = threading.Lock()


def shared_backend(settings: Settings) -> Backend:
    """The process-wide backend for these (frozen, hashable) settings, built on first use.

    Workers and web requests share it, so they share its concurrency limit and breaker.
    """
    with _SHARED_LOCK:
        backend = _SHARED.get(settings)
        if backend is None:
            backend = _SHARED[settings] = backend_from_settings(settings)
        return backend


def close_shared_backends() -> None:
    """Close and forget the shared backends (at service shutdown, and in tests)."""
    with _SHARED_LOCK:
        for backend in _SHARED.values():
            backend.close()
        _SHARED.clear()
