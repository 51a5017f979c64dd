"""Streaming JSONL reader for the bulk endpoint: line by line, with total and per-line limits.

The body is read only after the API key was checked (the route's dependencies run first), and
never held whole: lines are handed out one at a time as the chunks arrive.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass

from kurzum.errors import DecodeError, InputError
from kurzum.web.errors import PayloadTooLargeError


@dataclass(frozen=True, slots=True)
class Line:
    """One non-empty JSONL line: its number and text, or None when it exceeded the line limit."""

    number: int
    text: str | None


async def jsonl_lines(
    chunks: AsyncIterable[bytes], *, max_total: int, max_line: int, max_lines: int
) -> AsyncIterator[Line]:
    """The non-empty lines of a UTF-8 JSONL stream (a BOM is dropped).

    PayloadTooLargeError past ``max_total`` bytes, InputError past ``max_lines`` lines,
    DecodeError on bytes that are not UTF-8; a line longer than ``max_line`` bytes is
    reported as ``Line(number, None)`` and skipped."""
    total = 0
    number = 0
    pending = bytearray()
    skipping = False
    first = True

    def emit(raw: bytes) -> Line | None:
        nonlocal number, first
        number += 1
        if number > max_lines:
            raise InputError(f"at most {max_lines} lines per request")
        if first and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        first = False
        try:
            text = raw.decode("utf-8").rstrip("\r")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"line {number} is not UTF-8") from exc
        return Line(number, text) if text.strip() else None

    async for chunk in chunks:
        total += len(chunk)
        if total > max_total:
            raise PayloadTooLargeError(f"the request body exceeds {max_total} bytes")
        start = 0
        while True:
            end = chunk.find(b"\n", start)
            if end < 0:
                break
            if skipping:
                skipping = False
                pending.clear()
            elif len(pending) + end - start > max_line:
                pending.clear()
                number += 1
                yield Line(number, None)
            else:
                pending += chunk[start:end]
                line = emit(bytes(pending))
                pending.clear()
                if line is not None:
                    yield line
            start = end + 1
        if not skipping:
            pending += chunk[start:]
            if len(pending) > max_line:
                skipping = True
                pending.clear()
                number += 1
                yield Line(number, None)
    if pending and not skipping:
        line = emit(bytes(pending))
        if line is not None:
            yield line
