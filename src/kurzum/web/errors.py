"""One JSON error shape for every error: ``{"error": {"code", "message", "fields"?}}``.

Domain code raises KurzumError subclasses; this module alone maps them to HTTP statuses.
Messages never echo request input (a premium bullet must not leak through an error body).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kurzum.errors import (
    AuthError,
    BusyError,
    ConfigError,
    ConflictError,
    DecodeError,
    InputError,
    KurzumError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    ThrottledError,
)

__all__ = [  # AuthError, ThrottledError and PayloadTooLargeError live in kurzum.errors
    "ERROR_RESPONSES",
    "AuthError",
    "ErrorBody",
    "ErrorDetail",
    "FieldError",
    "PayloadTooLargeError",
    "ThrottledError",
    "error_response",
    "status_of",
]

log = logging.getLogger(__name__)


class FieldError(BaseModel):
    """A problem with one field: ``field`` is a dotted path such as ``body.title``."""

    field: str
    message: str


class ErrorDetail(BaseModel):
    """Machine-readable ``code``, human ``message`` and, for validation errors, ``fields``."""

    code: str
    message: str
    fields: list[FieldError] | None = None


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


_STATUS: tuple[tuple[type[KurzumError], int, str], ...] = (
    (PayloadTooLargeError, 413, "payload_too_large"),
    (DecodeError, 400, "bad_encoding"),
    (InputError, 422, "invalid_input"),
    (AuthError, 401, "unauthorized"),
    (ThrottledError, 429, "too_many_requests"),
    (NotFoundError, 404, "not_found"),
    (PermissionDeniedError, 403, "forbidden"),
    (ConflictError, 409, "conflict"),
    (BusyError, 503, "busy"),
    (ConfigError, 500, "server_misconfigured"),
)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
}

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": code.replace("_", " ")}
    for status, code in {
        400: "bad_request",
        401: "unauthorized",
        404: "not_found",
        409: "conflict",
        413: "payload_too_large",
        422: "invalid_input",
        429: "too_many_requests",
        503: "busy",
    }.items()
}


def error_response(
    status: int,
    code: str,
    message: str,
    fields: Sequence[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build an error response in the one shape (no caching: errors are per request)."""
    body = ErrorBody(
        error=ErrorDetail(code=code, message=message, fields=list(fields) if fields else None)
    )
    all_headers = {"Cache-Control": "no-store"} | (headers or {})
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=all_headers)


def status_of(exc: KurzumError) -> tuple[int, str]:
    """HTTP status and error code for a domain error."""
    for cls, status, code in _STATUS:
        if isinstance(exc, cls):
            return status, code
    return 400, "bad_request"


def _field_path(loc: Sequence[int | str]) -> str:
    return ".".join(str(p) for p in loc) or "request"


def validation_fields(errors: Sequence[Any]) -> list[FieldError]:
    """Pydantic errors as FieldErrors, without echoing the input."""
    out = []
    for err in errors:
        message = str(err.get("msg", "invalid value"))
        if err.get("type") == "extra_forbidden":
            message = "unknown field"
        out.append(FieldError(field=_field_path(err.get("loc", ())), message=message))
    return out


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into the one shape."""

    async def on_kurzum(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, KurzumError)
        status, code = status_of(exc)
        if isinstance(exc, ThrottledError | BusyError):
            retry = str(max(1, math.ceil(exc.retry_after)))
            return error_response(status, code, str(exc), headers={"Retry-After": retry})
        if status >= 500:
            log.error("server error: %s", exc)
            return error_response(status, code, "the server is misconfigured")
        return error_response(status, code, str(exc))

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        fields = validation_fields(exc.errors())
        names = ", ".join(f.field for f in fields[:5])
        return error_response(422, "invalid_input", f"invalid request: {names}", fields)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = _HTTP_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        if exc.status_code == 400 and "parsing the body" in message:
            code = "bad_encoding"
            message = "the request body could not be parsed (JSON in UTF-8 expected)"
        return error_response(
            exc.status_code, code, message, headers=dict(exc.headers) if exc.headers else None
        )

    async def on_database(request: Request, exc: Exception) -> JSONResponse:
        log.error("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        return error_response(
            503,
            "database_unavailable",
            "the database is unavailable; try again",
            headers={"Retry-After": "5"},
        )

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "internal error")

    app.add_exception_handler(KurzumError, on_kurzum)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(OperationalError, on_database)
    app.add_exception_handler(Exception, on_unexpected)
