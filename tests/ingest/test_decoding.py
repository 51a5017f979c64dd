"""Bytes to text, and refusals for empty, binary and undecodable input."""

from __future__ import annotations

import pytest

from kurzum.errors import DecodeError, EmptyInputError
from kurzum.ingest import load_article
from kurzum.ingest.decoding import decode_bytes

TEXT = "Der Gemeinderat von Zürich hat das Budget für Schulhäuser genehmigt. Es kostet 2,5 Mio."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_common_encodings_decode(encoding: str) -> None:
    assert decode_bytes(TEXT.encode(encoding)) == TEXT


@pytest.mark.parametrize("data", [b"", b"   \n\t ", b"   "])
def test_empty_input(data: bytes) -> None:
    with pytest.raises(EmptyInputError):
        load_article(data)


def test_binary_input_is_refused() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    with pytest.raises(DecodeError, match="binary"):
        load_article(png)


def test_control_characters_are_binary() -> None:
    with pytest.raises(DecodeError):
        decode_bytes(bytes(range(1, 32)) * 20)


def test_undecodable_bytes_are_refused() -> None:
    with pytest.raises(DecodeError):
        decode_bytes(b"Der Rat \x81\x8d\x8f\x90\x9d hat entschieden.")


def test_text_without_article_content_is_empty() -> None:
    with pytest.raises(EmptyInputError):
        load_article("Foto: Keystone\n\nMehr zum Thema\n\nFolge uns auf Instagram für mehr News!")
