"""`kurzum import`: batches, bad lines, and resuming after Ctrl-C or a crash without duplicates.

Runs the real CLI in a subprocess on the embedded default (SQLite, in-process summarization).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kurzum.storage import articles as repo
from kurzum.storage.db import make_engine, make_session_factory, session_scope, upgrade
from kurzum.storage.tables import Article, SummaryVersion

SENTENCES = (
    "Der Stadtrat von {town} hat am Montag {n} neue Wohnungen bewilligt.",
    "Die Bauherrin {name} rechnet mit Kosten von {k} Millionen Franken.",
    "Gegen das Projekt gingen {s} Einsprachen ein, die nun geprüft werden.",
    "Der Baubeginn ist für den Herbst geplant.",
    "Die ersten Mieter sollen in {m} Monaten einziehen können.",
)


def records(count: int, prefix: str = "imp") -> list[dict[str, object]]:
    """Distinct small articles in the bulk API schema."""
    towns = ("Aarau", "Baden", "Olten", "Thun", "Zug")
    out: list[dict[str, object]] = []
    for i in range(count):
        v = {
            "town": towns[i % 5],
            "n": 10 + i,
            "name": f"Firma {i % 7}",
            "k": 2 + i % 40,
            "s": 3 + i % 11,
            "m": 12 + i % 9,
        }
        text = [s.format(**v) for s in SENTENCES]
        out.append(
            {
                "external_id": f"{prefix}-{i:05d}",
                "title": f"{v['town']}: {v['n']} Wohnungen",
                "body": " ".join(text[:3]) + "\n\n" + " ".join(text[3:]),
                "language": "de",
                "premium": i % 2 == 0,
            }
        )
    return out


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An embedded database with the publication "blick"."""
    engine = make_engine(f"sqlite:///{tmp_path / 'kurzum.sqlite3'}")
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        repo.create_publication(session, slug="blick", name="Blick", language="de")
    engine.dispose()
    return tmp_path


def env_for(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KURZUM_")}
    return env | {
        "KURZUM_DATA_DIR": str(data_dir),
        "KURZUM_ENVIRONMENT": "test",
        "KURZUM_WORKER": "thread",
        "KURZUM_RETRY_BASE_SECONDS": "0",
    }


def kurzum(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kurzum", *args],
        env=env_for(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def imported(data_dir: Path) -> int:
    """How many articles the import has committed so far: a quick read, for polling."""
    path = data_dir / "kurzum.sqlite3"
    if not path.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)) as db:
            return int(db.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


def counts(data_dir: Path) -> tuple[int, int, int, int]:
    """(articles, ready articles, summary versions, articles with != 1 current version)."""
    engine = make_engine(f"sqlite:///{data_dir / 'kurzum.sqlite3'}")
    try:
        with make_session_factory(engine)() as session:
            articles = int(session.scalar(select(func.count(Article.id))) or 0)
            ready = int(
                session.scalar(select(func.count(Article.id)).where(Article.status == "ready")) or 0
            )
            versions = int(session.scalar(select(func.count(SummaryVersion.id))) or 0)
            per_article = dict(
                session.execute(
                    select(SummaryVersion.article_id, func.count(SummaryVersion.id)).group_by(
                        SummaryVersion.article_id
                    )
                ).all()
            )
            ids = list(session.scalars(select(Article.id)))
    finally:
        engine.dispose()
    wrong = sum(1 for i in ids if per_article.get(i, 0) != 1)
    return articles, ready, versions, wrong


def test_import_summarizes_everything_and_a_rerun_changes_nothing(data_dir: Path) -> None:
    archive = write_jsonl(data_dir / "a.jsonl", records(60))
    first = kurzum(
        data_dir, "import", str(archive), "--publication", "blick", "--wait", "--batch-size", "25"
    )
    assert first.returncode == 0, first.stderr
    assert "60 new" in first.stderr and "60 ready" in first.stderr, first.stderr
    assert counts(data_dir) == (60, 60, 60, 0)
    again = kurzum(data_dir, "import", str(archive), "--publication", "blick")
    assert again.returncode == 0, again.stderr
    assert "0 new, 0 updated, 60 unchanged" in again.stderr, again.stderr
    assert counts(data_dir) == (60, 60, 60, 0)


def test_changed_articles_get_one_new_summary(data_dir: Path) -> None:
    rows = records(10)
    kurzum(
        data_dir, "import", str(write_jsonl(data_dir / "a.jsonl", rows)), "--publication", "blick"
    )
    rows[3]["body"] = str(rows[3]["body"]) + "\n\nDie Gemeinde lädt am 3. Mai zu einem Anlass."
    rows[4]["premium"] = not rows[4]["premium"]  # metadata only: no new summary
    result = kurzum(
        data_dir,
        "import",
        str(write_jsonl(data_dir / "b.jsonl", rows)),
        "--publication",
        "blick",
        "--wait",
    )
    assert result.returncode == 0, result.stderr
    assert "0 new, 2 updated, 8 unchanged" in result.stderr, result.stderr
    articles, ready, versions, _ = counts(data_dir)
    assert (articles, ready, versions) == (10, 10, 11)


def test_bad_lines_are_reported_and_the_rest_is_imported(data_dir: Path) -> None:
    good = records(3)
    lines = [
        json.dumps(good[0]),
        "{not json",
        json.dumps({"external_id": "x-1", "body": ""}),
        json.dumps(["a list"]),
        json.dumps({**good[1], "colour": "red"}),
        json.dumps(good[2]),
    ]
    path = data_dir / "mixed.jsonl"
    path.write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe broken utf-8\n")
    result = kurzum(data_dir, "import", str(path), "--publication", "blick")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    for line in (2, 3, 4, 5, 7):
        assert f"mixed.jsonl:{line}" in result.stderr, result.stderr
    assert "unknown field" in result.stderr
    assert counts(data_dir)[0] == 2


def test_dev_data_schema_records_are_accepted(data_dir: Path) -> None:
    row = {
        "id": "fundus:at/Zeitung/abc",
        "lang": "de",
        "source": "x",
        "title": "Titel",
        "lead": None,
        "text": "Der Rat tagte am Montag. Er beschloss neue Regeln.",
        "summary": ["ignored"],
        "date": "2024-10",
        "url": None,
    }
    result = kurzum(
        data_dir,
        "import",
        str(write_jsonl(data_dir / "d.jsonl", [row])),
        "--publication",
        "blick",
        "--wait",
    )
    assert result.returncode == 0, result.stderr
    engine = make_engine(f"sqlite:///{data_dir / 'kurzum.sqlite3'}")
    with make_session_factory(engine)() as session:
        article = session.scalars(select(Article)).one()
        assert article.external_id == "fundus:at~Zeitung~abc"
        assert article.published_at is not None and article.published_at.month == 10
    engine.dispose()


def test_unknown_publication_and_missing_file_are_one_line_errors(data_dir: Path) -> None:
    archive = write_jsonl(data_dir / "a.jsonl", records(1))
    for args in (
        ("import", str(archive), "--publication", "nope"),
        ("import", str(data_dir / "missing.jsonl"), "--publication", "blick"),
    ):
        result = kurzum(data_dir, *args)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "crash"])
def test_interrupted_import_resumes_without_duplicates(data_dir: Path, sig: int) -> None:
    # Enough small batches that the import is still running when the signal comes, even on a
    # loaded machine (400 articles in batches of 20 once finished between two polls).
    total = 1200
    archive = write_jsonl(data_dir / "a.jsonl", records(total))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kurzum",
            "import",
            str(archive),
            "--publication",
            "blick",
            "--batch-size",
            "5",
        ],
        env=env_for(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while imported(data_dir) < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    partial = counts(data_dir)
    assert 0 < partial[0] < total, f"the interruption came too late to test anything: {partial}"
    if sig == signal.SIGINT:
        assert proc.returncode == 130, err
        assert "run the same command again" in err and "Traceback" not in err, err
    result = kurzum(data_dir, "import", str(archive), "--publication", "blick", "--wait")
    assert result.returncode == 0, result.stderr
    assert counts(data_dir) == (total, total, total, 0)


def test_retry_command_sends_failed_articles_again(data_dir: Path) -> None:
    archive = write_jsonl(data_dir / "r.jsonl", records(3, "ret"))
    assert kurzum(data_dir, "import", str(archive), "--publication", "blick").returncode == 0
    engine = make_engine(f"sqlite:///{data_dir / 'kurzum.sqlite3'}")
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        for article in session.scalars(select(Article)):
            article.status, article.error, article.attempts = "failed", "LLM down", 5
            session.add(article)
    with session_scope(factory) as session:
        one = session.scalars(select(Article.id).order_by(Article.id)).first()
    done = kurzum(data_dir, "retry", str(one))
    assert done.returncode == 0, done.stderr
    assert "retried 1 failed articles" in done.stderr
    every = kurzum(data_dir, "retry", "--publication", "blick")
    assert "retried 2 failed articles" in every.stderr, every.stderr
    assert "no failed articles" in kurzum(data_dir, "retry", "--publication", "blick").stderr
    bad = kurzum(data_dir, "retry", "--publication", "nope")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1, bad.stderr
    assert kurzum(data_dir, "retry").returncode == 2
    with factory() as session:
        assert set(session.scalars(select(Article.status))) == {"ready"}
    engine.dispose()
