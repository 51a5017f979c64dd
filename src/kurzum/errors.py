"""The kurzum exception hierarchy. Domain code raises these; only the edges translate them.

KurzumError
 ├── InputError              bad input from a user or publisher (CLI exit 2, HTTP 4xx)
 │    ├── EmptyInputError         nothing usable in the input
 │    ├── DecodeError             binary or undecodable bytes
 │    ├── UnsupportedLanguageError language outside de/fr/en
 │    ├── FetchError              a URL could not be fetched (timeout, size, status)
 │    ├── WeakPasswordError       a new password breaks the password rule (HTTP 422)
 │    └── PayloadTooLargeError    a request body over the configured limit (HTTP 413)
 ├── ConfigError             settings that cannot work (refuse to start)
 ├── NotFoundError           a requested object does not exist (HTTP 404)
 ├── AuthError               no or invalid credentials (HTTP 401)
 ├── ThrottledError          too many attempts; retry after ``retry_after`` s (HTTP 429)
 ├── PermissionDeniedError   the caller may not do this (HTTP 403)
 │    └── CsrfError               a state-changing form/call without the session's CSRF token
 ├── ConflictError           the request contradicts the current state (HTTP 409)
 ├── BusyError               the server is at capacity for this work (HTTP 503)
 └── BackendError            a summarization backend failed (LLM server down, bad answer)
"""

from __future__ import annotations


class KurzumError(Exception):
    """Base of every error kurzum raises on purpose; the message is meant for the user."""


class InputError(KurzumError):
    """The input cannot be used; the message says why."""


class EmptyInputError(InputError):
    """The input holds no article text."""


class DecodeError(InputError):
    """The input is binary or not decodable as text."""


class UnsupportedLanguageError(InputError):
    """The article's language is not one kurzum summarizes."""


class FetchError(InputError):
    """A URL could not be fetched: network error, timeout, bad status or too large."""


class WeakPasswordError(InputError):
    """A new password breaks the password rule (too short, blank or too common)."""


class PayloadTooLargeError(InputError):
    """The request body exceeds the configured limit."""


class ConfigError(KurzumError):
    """Settings that cannot work; the service refuses to start with them."""


class NotFoundError(KurzumError):
    """The requested object does not exist (or is not visible to the caller)."""


class AuthError(KurzumError):
    """No or invalid credentials."""


class PermissionDeniedError(KurzumError):
    """The caller is not allowed to do this."""


class CsrfError(PermissionDeniedError):
    """A state-changing request authenticated by a cookie lacks the session's CSRF token."""


class ConflictError(KurzumError):
    """The request contradicts the current state of the object."""


class BackendError(KurzumError):
    """A summarization backend failed to produce a usable summary."""


class ThrottledError(KurzumError):
    """Too many attempts; ``retry_after`` says after how many seconds to try again."""

    def __init__(self, message: str, *, retry_after: float = 60.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class BusyError(KurzumError):
    """The server is at capacity for this kind of work (password hashing); retry shortly."""

    def __init__(self, message: str, *, retry_after: float = 2.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after
