"""Why a call to the language model failed; all are ``BackendError`` so callers can fall back.

BackendError                (kurzum.errors)
 ├── LLMTransportError       the server could not be used: connection, 5xx, 429, bad status
 │    ├── LLMTimeoutError         no complete answer within the configured timeout
 │    └── CircuitOpenError        recent calls failed; the server is not tried for a while
 └── AnswerFormatError       the server answered, but not with the JSON we asked for
"""

from __future__ import annotations

from kurzum.errors import BackendError


class LLMTransportError(BackendError):
    """The model server could not be reached or kept failing (after the allowed retries)."""


class LLMTimeoutError(LLMTransportError):
    """The model server did not finish its answer within the configured timeout."""


class CircuitOpenError(LLMTransportError):
    """Too many recent failures: calls are refused until the cool-down has passed."""


class AnswerFormatError(BackendError):
    """The answer is not the strict JSON object ``{"bullets": [...]}`` we asked for."""
