"""``kurzum serve`` as a process: upgrades the embedded database, serves, refuses bad config."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from kurzum.cli import app, register_all

register_all()  # the service commands are attached on demand


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_upgrades_the_embedded_database_and_answers(tmp_path: Path) -> None:
    port = _free_port()
    env = os.environ | {
        "KURZUM_DATA_DIR": str(tmp_path),
        "KURZUM_PORT": str(port),
        "KURZUM_ENVIRONMENT": "test",
    }
    env.pop("KURZUM_DATABASE_URL", None)
    env.pop("KURZUM_CONFIG", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "kurzum", "serve", "--no-access-log"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert status == 200
        docs = httpx.get(f"http://127.0.0.1:{port}/docs", timeout=5)
        assert docs.status_code == 200
        assert (tmp_path / "kurzum.sqlite3").exists()
    finally:
        process.terminate()
        process.wait(timeout=20)
        assert process.stderr is not None
        process.stderr.close()


def test_serve_refuses_the_default_secret_in_production() -> None:
    result = CliRunner().invoke(app, ["serve"], env={"KURZUM_ENVIRONMENT": "production"})
    assert result.exit_code == 2
    assert "SECRET_KEY" in result.output


def test_access_log_is_on_only_in_development_unless_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kw: calls.append(kw))
    env = {"KURZUM_DATA_DIR": str(tmp_path), "KURZUM_WORKER": "off"}
    for environment, flags, expected in (
        ("development", [], True),
        ("test", [], False),
        ("test", ["--access-log"], True),
        ("development", ["--no-access-log"], False),
    ):
        result = CliRunner().invoke(
            app, ["serve", *flags], env=env | {"KURZUM_ENVIRONMENT": environment}
        )
        assert result.exit_code == 0, result.output
        assert calls.pop()["access_log"] is expected, (environment, flags)
