"""A small, resilient client for OpenAI-compatible ``/chat/completions`` servers, on httpx.

It bounds the requests in flight (a semaphore shared by all threads using the client), retries
429 (honouring ``Retry-After``), 5xx and refused connections with exponential backoff, enforces
one deadline per answer (streamed or not) and trips a circuit breaker when calls keep failing.
Timeouts are not retried: the server may still be busy with the request.

    >>> with ChatClient(LLMConfig(url="http://localhost:11434/v1", model="qwen2.5")) as client:
    ...     completion = client.complete([{"role": "user", "content": "Hallo"}])
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from email.utils import parsedate_to_datetime
from typing import Any, TypedDict

import httpx

from kurzum.backoff import backoff_seconds
from kurzum.llm.breaker import CircuitBreaker
from kurzum.llm.config import LLMConfig
from kurzum.llm.errors import LLMTimeoutError, LLMTransportError
from kurzum.llm.sse import Completion, decode_body, decode_stream

log = logging.getLogger(__name__)

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class Message(TypedDict):
    """One chat message."""

    role: str
    content: str


class _RetryableError(Exception):
    """Internal: this attempt failed in a way worth retrying, after ``delay`` seconds."""

    def __init__(self, reason: str, delay: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.delay = delay


class ChatClient:
    """Thread-safe chat-completions client; one per process and server, closed when done."""

    def __init__(
        self,
        config: LLMConfig,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.breaker = CircuitBreaker(config.breaker_failures, config.breaker_cooldown, clock)
        self._slots = threading.BoundedSemaphore(config.concurrency)
        self._sleep = sleep
        self._clock = clock
        headers = {"Accept": "application/json"}
        if config.api_key:
            headers["Authorization"] = f"Bearer {config.api_key}"
        self._http = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(config.timeout, connect=min(config.timeout, 10.0)),
            follow_redirects=False,
        )

    def __enter__(self) -> ChatClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: dict[str, Any] | None = None,
        max_tokens: int | None = None,
    ) -> Completion:
        """Send one chat request and return the answer; raise LLMTransportError (or a subclass)
        when the server cannot give one. ``schema`` is the JSON schema the answer must follow;
        ``max_tokens`` raises the configured answer budget for long answers."""
        if not self._slots.acquire(timeout=self.config.timeout):
            raise LLMTimeoutError(
                f"all {self.config.concurrency} LLM slots stayed busy for {self.config.timeout:g} s"
            )
        try:
            self.breaker.before_call()
            try:
                payload = self._payload(messages, schema, max_tokens)
                completion = self._with_retries(payload)
            except BaseException:  # every failed call counts, so a trial call never hangs
                self.breaker.record_failure()
                raise
        finally:
            self._slots.release()
        self.breaker.record_success()
        return completion

    def _payload(
        self, messages: Sequence[Message], schema: dict[str, Any] | None, max_tokens: int | None
    ) -> dict[str, Any]:
        cfg = self.config
        payload: dict[str, Any] = {
            "model": cfg.model,
            "messages": list(messages),
            "temperature": cfg.temperature,
            "max_tokens": max(cfg.max_tokens, max_tokens or 0),
            "stream": cfg.stream,
        }
        if cfg.stream:
            payload["stream_options"] = {"include_usage": True}
        if cfg.response_format == "json_object" or (
            cfg.response_format == "json_schema" and schema is None
        ):
            payload["response_format"] = {"type": "json_object"}
        elif cfg.response_format == "json_schema" and schema is not None:
            payload["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "summary", "schema": schema},
            }
        return payload

    def _with_retries(self, payload: dict[str, Any]) -> Completion:
        cfg = self.config
        for attempt in range(cfg.max_retries + 1):
            try:
                return self._attempt(payload)
            except _RetryableError as retry:
                if attempt == cfg.max_retries:
                    raise LLMTransportError(
                        f"{retry.reason} (after {attempt + 1} attempts)"
                    ) from None
                delay = retry.delay
                if delay is None:
                    delay = backoff_seconds(attempt + 1, cfg.backoff, cfg.max_backoff)
                elif delay > cfg.max_backoff:
                    raise LLMTransportError(
                        f"{retry.reason}; server asked to wait {delay:g} s, more than "
                        f"the {cfg.max_backoff:g} s allowed"
                    ) from None
                log.info("LLM request failed (%s); retrying in %.2f s", retry.reason, delay)
                self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _attempt(self, payload: dict[str, Any]) -> Completion:
        cfg = self.config
        deadline = self._clock() + cfg.timeout
        try:
            with self._http.stream("POST", cfg.endpoint, json=payload) as response:
                if response.status_code != 200:
                    response.read()
                    self._raise_for_status(response)
                streamed = response.headers.get("content-type", "").startswith("text/event-stream")
                if cfg.stream and streamed:
                    return decode_stream(self._lines(response, deadline), cfg.model)
                body = json.loads(self._read(response, deadline))
                return decode_body(body, cfg.model)
        except httpx.TimeoutException:
            raise LLMTimeoutError(f"LLM server gave no answer within {cfg.timeout:g} s") from None
        except (httpx.ConnectError, httpx.RemoteProtocolError) as exc:
            raise _RetryableError(f"cannot reach LLM server at {cfg.url}: {exc}") from None
        except httpx.HTTPError as exc:
            raise LLMTransportError(f"LLM request failed: {exc}") from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise LLMTransportError("LLM server sent a body that is not JSON") from None

    def _raise_for_status(self, response: httpx.Response) -> None:
        status = response.status_code
        detail = response.text[:200].strip().replace("\n", " ")
        reason = f"LLM server answered {status}" + (f": {detail}" if detail else "")
        if status in _RETRY_STATUS:
            raise _RetryableError(reason, retry_after(response.headers.get("Retry-After")))
        raise LLMTransportError(reason)

    def _read(self, response: httpx.Response, deadline: float) -> bytes:
        chunks = []
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            self._check_deadline(deadline)
        return b"".join(chunks)

    def _lines(self, response: httpx.Response, deadline: float) -> Iterator[str]:
        for line in response.iter_lines():
            self._check_deadline(deadline)
            yield line

    def _check_deadline(self, deadline: float) -> None:
        if self._clock() > deadline:
            raise LLMTimeoutError(
                f"LLM server did not finish its answer within {self.config.timeout:g} s"
            )


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or HTTP date); None if absent."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
