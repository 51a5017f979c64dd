"""Reference data for evaluation: JSONL files in the dev-data schema, read into typed items.

Each line is an article with its reference bullets (``summary``); the article goes through the
same ingestion as any input, so the noise cleaning is part of what is measured.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kurzum.errors import InputError, KurzumError
from kurzum.ingest import iter_jsonl_articles
from kurzum.models import Article


@dataclass(frozen=True, slots=True)
class EvalItem:
    """One reference article: the cleaned article and the editors' bullets, or why it failed."""

    file: str
    line: int
    id: str | None
    references: tuple[str, ...]
    article: Article | None = None
    error: str | None = None


def read_dataset(path: Path) -> Iterator[EvalItem]:
    """Yield the items of one JSONL file in order; a bad line becomes an item with ``error``."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with handle:
        lines = iter(handle)
        numbered = enumerate(iter_jsonl_articles(lines), start=1)
        try:
            for number, (record, result) in numbered:
                references = tuple(record.summary) if record else ()
                ident = record.id if record else None
                if isinstance(result, KurzumError):
                    yield EvalItem(path.name, number, ident, references, error=str(result))
                elif not references:
                    yield EvalItem(path.name, number, ident, (), error="no reference summary")
                else:
                    yield EvalItem(path.name, number, ident, references, article=result)
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text") from exc


def read_datasets(paths: list[Path]) -> list[EvalItem]:
    """All items of several files, file by file."""
    return [item for path in paths for item in read_dataset(path)]
