"""Reading reference JSONL files for evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest

from kurzum.errors import InputError
from kurzum.evaluation.datasets import read_dataset, read_datasets

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ingest"


def test_items_carry_cleaned_articles_and_references() -> None:
    items = list(read_dataset(FIXTURES / "eval.jsonl"))
    assert [item.id for item in items] == ["test-de:1", "test-fr:1", "test-en:1"]
    first = items[0]
    assert first.file == "eval.jsonl" and first.line == 1
    assert first.references == (
        "Luzern bekommt im Sommer 2026 ein neues Festival.",
        "Erwartet werden 15'000 Besucher.",
    )
    assert first.article is not None and first.article.language == "de"
    assert "(sda)" not in first.article.text


def test_bad_lines_become_items_with_errors() -> None:
    items = read_datasets([FIXTURES / "batch.jsonl"])
    assert [item.error is None for item in items] == [True, True, False, False, True]
    assert items[3].id is None and items[3].line == 4


def test_records_without_reference_are_flagged(tmp_path: Path) -> None:
    path = tmp_path / "noref.jsonl"
    path.write_text('{"id": "a", "lang": "de", "text": "Der Rat hat am Montag entschieden."}\n')
    (item,) = read_dataset(path)
    assert item.error == "no reference summary"


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        list(read_dataset(tmp_path / "missing.jsonl"))
