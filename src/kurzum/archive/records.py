"""Archive records: one JSONL line -> a validated article, in the bulk publisher API's schema.

Lines use the bulk API's fields (``external_id``, ``title``, ``lead``, ``body`` or ``html``,
``language``, ``premium``, ``url``, ``published_at``, ``updated_at``). Records in the evaluation
data schema (``id``, ``lang``, ``text``, ``date``, plus ``summary``/``source``, which are
ignored) are accepted too, so an archive export in either shape imports as it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kurzum.errors import InputError, KurzumError
from kurzum.ingest.dates import parse_date
from kurzum.models import content_hash
from kurzum.storage.articles import ArticleInput
from kurzum.text import load_json
from kurzum.usecases.inputs import BulkArticleIn, to_input

ARCHIVE_SUFFIXES = (".jsonl", ".ndjson")
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._:~-]")
_IGNORED = ("summary", "source")


@dataclass(frozen=True, slots=True)
class Record:
    """A line that validated: its CMS id, the storable article and its content hash."""

    line: int
    external_id: str
    data: ArticleInput
    digest: str
    note: str | None = None  # e.g. an unreadable date that was ignored


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line that did not validate, with a one-line reason that does not echo the content."""

    line: int
    external_id: str | None
    error: str


def _from_dev_schema(raw: dict[str, Any]) -> dict[str, Any]:
    """Map the evaluation data schema onto the bulk API schema (other shapes pass unchanged)."""
    if "external_id" in raw or "id" not in raw:
        return raw
    out = {k: v for k, v in raw.items() if k not in (*_IGNORED, "id", "lang", "text", "date")}
    ident = raw["id"]
    out["external_id"] = _ID_UNSAFE.sub("~", ident)[:200] if isinstance(ident, str) else ident
    if "lang" in raw:
        out["language"] = raw["lang"]
    if "text" in raw and "body" not in raw and "html" not in raw:
        out["body"] = raw["text"]
    return out


def _short(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "record"
    message = "unknown field" if first.get("type") == "extra_forbidden" else first.get("msg", "")
    more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {message}{more}"


def parse_line(line: str | None, number: int, default_language: str) -> Record | BadLine | None:
    """Validate one JSONL line (None: not UTF-8); None for a blank line."""
    if line is None:
        return BadLine(number, None, "not valid UTF-8")
    if not line.strip():
        return None
    try:
        raw = load_json(line)  # nesting measured before parsing
    except json.JSONDecodeError:
        return BadLine(number, None, "not valid JSON")
    except InputError as exc:
        return BadLine(number, None, str(exc))
    if not isinstance(raw, dict):
        return BadLine(number, None, "a line must hold one JSON object")
    # null means "not given": drop it so the schema's defaults apply.
    mapped = {k: v for k, v in _from_dev_schema(raw).items() if v is not None}
    note = None
    if "external_id" not in raw and isinstance(raw.get("date"), str):
        # the evaluation schema's free-form date: unreadable means unknown, never a bad line
        date = parse_date(raw["date"])
        note = date.note
        if date.value is not None:
            mapped["published_at"] = date.value
    ident = mapped.get("external_id")
    external_id = ident if isinstance(ident, str) else None
    try:
        item = BulkArticleIn.model_validate(mapped)
        data = to_input(item, default_language)
    except ValidationError as exc:
        return BadLine(number, external_id, _short(exc))
    except KurzumError as exc:
        return BadLine(number, external_id, str(exc))
    return Record(number, item.external_id, data, content_hash(data.text, data.language), note)


def archive_files(path: Path) -> list[Path]:
    """The JSONL files of an archive: the file itself, or every *.jsonl under a directory."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in ARCHIVE_SUFFIXES and p.is_file())
        if not files:
            raise InputError(f"{path}: no .jsonl files in this directory")
        return files
    if not path.is_file():
        raise InputError(f"{path}: no such file or directory")
    return [path]


def read_lines(path: Path) -> Iterator[tuple[int, str | None, int]]:
    """(line number, text, bytes) of a UTF-8 JSONL file; an undecodable line has text None, so
    it is reported instead of stopping the import."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                yield number, raw.decode("utf-8"), len(raw)
            except UnicodeDecodeError:
                yield number, None, len(raw)
