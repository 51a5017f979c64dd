"""The ``kurzum`` command line, run in-process (CliRunner) and as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kurzum.cli import app

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
DEMO = ROOT / "demo" / "blick-plus-nordkorea-2024-10.txt"
KURZUM = [sys.executable, "-m", "kurzum"]

runner = CliRunner()


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """The real CLI in a child process."""
    return subprocess.run(
        [*KURZUM, *args], input=stdin, capture_output=True, timeout=120, check=False
    )


def test_summarize_demo_prints_three_bullets_and_no_noise() -> None:
    done = _run("summarize", str(DEMO))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode().splitlines()
    assert len(lines) == 3
    assert all(line.startswith("• ") for line in lines)
    out = done.stdout.decode()
    assert "Abo" not in out and "Blick+" not in out and "(l.)" not in out
    assert "faithfulness" in done.stderr.decode()


def test_summarize_json_has_summary_language_provenance_faithfulness() -> None:
    result = runner.invoke(app, ["summarize", "--json", str(FIXTURES / "de-article.json")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["language"] == "de"
    assert data["id"] == "test-de:1"
    assert 1 <= len(data["summary"]) <= 3
    assert len(data["provenance"]) == len(data["summary"])
    text = json.dumps(data["provenance"])
    assert '"sentence"' in text and '"start"' in text
    assert set(data["faithfulness"]) == {"ok", "checked", "issues"}


def test_bullets_max_chars_and_lang_options() -> None:
    result = runner.invoke(
        app,
        ["summarize", "--json", "--bullets", "2", "--max-chars", "120", "--lang", "fr", "-"],
        input=(FIXTURES / "fr-page.html").read_bytes(),
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["language"] == "fr"
    assert 1 <= len(data["summary"]) <= 2
    assert all(len(bullet) <= 120 for bullet in data["summary"])


def test_stdin_dash_reads_the_article() -> None:
    done = _run("summarize", "-", stdin=(FIXTURES / "en-page.html").read_bytes())
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().startswith("• ")


def test_short_article_gets_what_it_has_with_a_note() -> None:
    result = runner.invoke(app, ["summarize", "--json", str(FIXTURES / "short-de.txt")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert 1 <= len(data["summary"]) <= 2
    assert data["notes"]
    result = runner.invoke(app, ["summarize", str(FIXTURES / "short-de.txt")])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == len(data["summary"])
    assert "note:" in result.stderr


ERROR_CASES = [
    (["summarize", "does-not-exist.txt"], None, "No such file"),
    (["summarize", "-"], b"", "empty"),
    (["summarize", "-"], b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01", "binary"),
    (["summarize", str(FIXTURES / "it-article.txt")], None, "'it'"),
    (["summarize", "--lang", "es", str(DEMO)], None, "unsupported language"),
    (["summarize", "--bullets", "0", str(DEMO)], None, "bullets"),
    (["summarize", "http://127.0.0.1:9/article"], None, "127.0.0.1:9"),
    (["summarize", "--backend", "nonsense", str(DEMO)], None, "unknown summary backend"),
    (["summarize", str(FIXTURES)], None, "directory"),
    (["summarize"], None, "name an article file"),
    (["eval", "missing.jsonl"], None, "cannot read"),
    (["summarize", "[bold]x[/bold].txt"], None, "[bold]x[/bold].txt"),
]


@pytest.mark.parametrize(("args", "stdin", "message"), ERROR_CASES)
def test_errors_are_one_line_exit_2(args: list[str], stdin: bytes | None, message: str) -> None:
    result = runner.invoke(app, args, input=stdin)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(("args", "stdin", "message"), [ERROR_CASES[0], ERROR_CASES[2]])
def test_errors_in_a_real_process_have_no_traceback(
    args: list[str], stdin: bytes | None, message: str
) -> None:
    done = _run(*args, stdin=stdin)
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert done.stdout == b""


def test_jsonl_batch_in_order_with_errors_per_line() -> None:
    done = _run("summarize", "--jsonl", stdin=(FIXTURES / "batch.jsonl").read_bytes())
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""  # no progress bar when stderr is not a terminal
    lines = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [line["id"] for line in lines] == [
        "test-de:1",
        "test-fr:1",
        "broken-1",
        None,
        "test-en:1",
    ]
    for line in lines:
        assert isinstance(line["seconds"], float) and line["seconds"] >= 0
    assert all(isinstance(b, str) for b in lines[0]["summary"]) and lines[0]["summary"]
    assert "error" in lines[2] and "summary" not in lines[2]
    assert "invalid JSON" in lines[3]["error"]
    assert lines[4]["summary"]


def test_jsonl_batch_survives_undecodable_lines() -> None:
    good = (FIXTURES / "eval.jsonl").read_bytes().splitlines()[0]
    stdin = b'{"id": "latin1", "text": "Z\xfcrich \xe9t\xe9"}\n' + good + b"\n"
    result = runner.invoke(app, ["summarize", "--jsonl"], input=stdin)
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["id"] == "latin1" and "not UTF-8" in first["error"]
    assert second["summary"]


def test_jsonl_batch_from_a_file_argument() -> None:
    result = runner.invoke(app, ["summarize", "--jsonl", str(FIXTURES / "eval.jsonl")])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 3


def test_eval_tables_side_by_side_with_lead3() -> None:
    done = _run("eval", str(FIXTURES / "eval.jsonl"), str(FIXTURES / "batch.jsonl"))
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    for word in ("per file", "per language", "overall", "kurzum", "lead-3", "R-1", "faithful"):
        assert word in out, word
    assert "skipped batch.jsonl:3" in done.stderr.decode()


def test_eval_json() -> None:
    result = runner.invoke(app, ["eval", "--json", str(FIXTURES / "eval.jsonl")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    overall = {row["system"]: row for row in data["rows"] if row["group"] == "overall"}
    assert set(overall) == {"kurzum", "lead-3"}
    assert overall["kurzum"]["articles"] == 3
    assert 0.0 <= overall["kurzum"]["r1"] <= 1.0
    languages = {row["key"] for row in data["rows"] if row["group"] == "language"}
    assert languages == {"de", "fr", "en"}
    assert data["skipped"] == []


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "summarize" in result.stdout and "eval" in result.stdout
