"""Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252; refuse binary."""

from __future__ import annotations

import codecs

from kurzum.errors import DecodeError, EmptyInputError
from kurzum.ingest.cleaning import nfc

# Share of control characters above which input is taken for binary (text has next to none).
MAX_CONTROL_SHARE = 0.01
_ALLOWED_CONTROLS = frozenset("\n\r\t\f\v")


def decode_bytes(data: bytes) -> str:
    """Decode ``data`` as text; ``DecodeError`` if binary or undecodable, ``EmptyInputError``."""
    if not data.strip():
        raise EmptyInputError("the input is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return check_text(data.decode("utf-16"))
        except UnicodeDecodeError as exc:
            raise DecodeError("the input is not valid UTF-16 text") from exc
    if b"\x00" in data:
        raise DecodeError("the input is binary, not text")
    try:
        return check_text(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    try:
        return check_text(data.decode("cp1252"))
    except UnicodeDecodeError as exc:
        raise DecodeError("the input is neither UTF-8 nor Windows-1252 text") from exc


def check_text(text: str) -> str:
    """Return ``text`` unless it is empty or mostly control characters (binary decoded as text)."""
    if not text.strip():
        raise EmptyInputError("the input is empty")
    controls = sum(1 for ch in text if ch < " " and ch not in _ALLOWED_CONTROLS)
    if controls > MAX_CONTROL_SHARE * len(text):
        raise DecodeError("the input is binary, not text")
    return nfc(text)
