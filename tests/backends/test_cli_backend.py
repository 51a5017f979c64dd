"""`kurzum summarize/eval --backend llm|hybrid` against the scripted server, as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kurzum.llm.testing import eszett, good
from tests.backends.backend_support import SWISS, Serve


def _kurzum(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KURZUM_LLM_")}
    return subprocess.run(
        [sys.executable, "-m", "kurzum", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, **(env or {})},
        check=False,
    )


def _dataset(tmp_path: Path) -> Path:
    record = {
        "id": "test-1",
        "lang": "de",
        "source": "hand-made",
        "title": SWISS.title,
        "lead": SWISS.lead,
        "text": "\n\n".join(SWISS.paragraphs),
        "summary": ["Zürich plant eine Velobrücke.", "Sie kostet 12 Millionen Franken."],
        "date": "2024-10-01",
        "url": None,
    }
    path = tmp_path / "refs.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def test_eval_with_the_llm_backend(serve: Serve, tmp_path: Path) -> None:
    server = serve({"good": [good()]})
    result = _kurzum(
        "eval",
        "--backend",
        "llm",
        "--llm-url",
        server.url,
        "--llm-model",
        "good",
        "--json",
        str(_dataset(tmp_path)),
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    assert {(r["system"], r["articles"]) for r in rows if r["group"] == "overall"} == {
        ("kurzum", 1),
        ("lead-3", 1),
    }
    assert server.count("good") == 1


def test_summarize_reads_the_server_from_the_environment(serve: Serve, tmp_path: Path) -> None:
    server = serve({"good": [good()], "eszett": [eszett()]})
    article = tmp_path / "article.txt"
    article.write_text(f"{SWISS.title}\n\n{SWISS.text}\n", encoding="utf-8")
    env = {"KURZUM_LLM_URL": server.url, "KURZUM_LLM_MODEL": "good"}
    used = _kurzum("summarize", "--backend", "hybrid", "--json", str(article), env=env)
    assert used.returncode == 0, used.stderr
    data = json.loads(used.stdout)
    assert (data["method"], data["model"]) == ("hybrid", "good")
    assert data["usage"]["prompt_tokens"] > 0

    env["KURZUM_LLM_MODEL"] = "eszett"
    fallback = _kurzum("summarize", "--backend", "llm", "--json", str(article), env=env)
    assert fallback.returncode == 0, fallback.stderr
    data = json.loads(fallback.stdout)
    assert data["method"] == "extractive"
    assert any(note.startswith("llm fallback: ") and "ß" in note for note in data["notes"])


def test_llm_backend_without_a_server_is_a_one_line_error(tmp_path: Path) -> None:
    result = _kurzum("eval", "--backend", "llm", str(_dataset(tmp_path)))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: the LLM backend needs KURZUM_LLM_URL and KURZUM_LLM_MODEL (--llm-url, --llm-model)"
    ]
