"""kurzum.text: JSON nesting is measured before parsing, at every entry point (issue 14).

100,000 levels is far past Python's recursion limit: any recursive parser or walk would raise
RecursionError (and 5,000 once corrupted CPython 3.11's recursion bookkeeping), so these tests
only pass when nothing recursive ever sees such input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kurzum.archive.records import BadLine, parse_line
from kurzum.cli import app
from kurzum.errors import InputError
from kurzum.evaluation.editorial import read_jsonl
from kurzum.llm.answer import parse_bullets
from kurzum.llm.errors import AnswerFormatError
from kurzum.text import (
    DEPTH_MESSAGE,
    MAX_JSON_DEPTH,
    check_storable,
    find_bad_text,
    json_too_deep,
    load_json,
)

LEVELS = 100_000
DEEP = "[" * LEVELS + "]" * LEVELS


def _nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("depth", [0, 1, MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH])
def test_nesting_up_to_the_limit_is_fine(depth: int) -> None:
    text = "[" * depth + "1" + "]" * depth
    assert not json_too_deep(text) and not json_too_deep(text.encode())
    assert load_json(text) == json.loads(text)


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, LEVELS])
def test_nesting_past_the_limit_is_refused_in_every_encoding(depth: int) -> None:
    text = '{"a": ' * depth + "1" + "}" * depth
    for data in (text, text.encode(), text.encode("utf-16"), text.encode("utf-32-le")):
        assert json_too_deep(data)
    with pytest.raises(InputError, match=DEPTH_MESSAGE):
        load_json(text)


def test_brackets_in_strings_and_escaped_quotes_do_not_count() -> None:
    text = json.dumps({"a": "[" * 1000 + '\\"{' + "{" * 1000, "b": ['"]]]', "\\"]})
    assert not json_too_deep(text) and not json_too_deep(text.encode())
    escaped = '["\\"' + "[" * 1000 + '"]'  # the quote is escaped: the brackets are text
    assert not json_too_deep(escaped)
    assert json_too_deep('"x\\\\"' + "[" * 65)  # an escaped backslash ends the string


def test_an_unterminated_string_stops_the_count_in_linear_time() -> None:
    # Every escaped quote could start a (failing) string match: a naive tokenizer is quadratic.
    assert not json_too_deep('"' + '\\"' * 500_000 + "[" * 100)
    with pytest.raises(json.JSONDecodeError):
        load_json('"' + '\\"' * 100 + "[" * 100)


def test_storable_check_walks_any_depth_without_recursion() -> None:
    deep = _nested(LEVELS)
    assert find_bad_text(deep) is None
    assert find_bad_text([deep, {"k": ["ok", "\ud800"]}]) == "1.k.1"
    with pytest.raises(ValueError, match="nested deeper than 64"):
        check_storable({"title": deep})
    assert check_storable({"title": _nested(MAX_JSON_DEPTH - 1)})


def test_archive_line_is_a_bad_line() -> None:
    line = '{"external_id": "a", "body": ' + DEEP + "}"
    assert parse_line(line, 7, "de") == BadLine(7, None, DEPTH_MESSAGE)


def test_model_answer_is_a_format_error() -> None:
    with pytest.raises(AnswerFormatError, match="nested deeper"):
        parse_bullets('{"bullets": ' + DEEP + "}")


def test_label_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text("\n" + DEEP + "\n")
    with pytest.raises(InputError, match=":2: the JSON is nested deeper"):
        list(read_jsonl(path))


def test_cli_refuses_a_deep_article_file_and_reports_deep_batch_lines(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"id": "d", "text": ' + DEEP + "}")
    result = CliRunner().invoke(app, ["summarize", str(path)])
    assert result.exit_code == 2, result.output
    assert "nested deeper than 64 levels" in result.stderr
    assert "Traceback" not in result.output
    batch = CliRunner().invoke(app, ["summarize", "--jsonl"], input=DEEP + "\n")
    assert batch.exit_code == 0, batch.output
    (line,) = (json.loads(out) for out in batch.stdout.splitlines())
    assert line["error"] == DEPTH_MESSAGE and line["id"] is None
