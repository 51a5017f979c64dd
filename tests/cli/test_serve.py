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


SECRET = "s" * 40


def test_serve_refuses_the_demo_in_production(tmp_path: Path) -> None:
    env = {
        "KURZUM_ENVIRONMENT": "production",
        "KURZUM_SECRET_KEY": SECRET,
        "KURZUM_DATA_DIR": str(tmp_path),
    }
    result = CliRunner().invoke(app, ["serve", "--demo"], env=env)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: --demo is refused when KURZUM_ENVIRONMENT=production: its passwords are public"
    ]
    assert not (tmp_path / "kurzum.sqlite3").exists()  # refused before touching the database


@pytest.mark.parametrize("command", [["serve"], ["worker"]])
def test_serve_and_worker_refuse_an_llm_backend_without_a_server(
    command: list[str], tmp_path: Path
) -> None:
    env = {"KURZUM_SUMMARY_BACKEND": "llm", "KURZUM_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(app, command, env=env)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [
        "error: cannot start: KURZUM_SUMMARY_BACKEND=llm needs KURZUM_LLM_URL and KURZUM_LLM_MODEL"
    ]


def test_worker_refuses_a_broker_it_cannot_use() -> None:
    result = CliRunner().invoke(app, ["worker"], env={"KURZUM_BROKER_URL": "sqs://queue"})
    assert result.exit_code == 2
    assert "KURZUM_BROKER_URL must be a Redis or RabbitMQ URL" in result.stderr


def _serve_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    import uvicorn

    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    seen_env: dict[str, str | None] = {}

    def run(*args: Any, **kw: Any) -> None:
        from kurzum.web.app import SETTINGS_ENV

        seen_env["value"] = os.environ.get(SETTINGS_ENV)
        calls.append((args, kw | {"env": seen_env["value"]}))

    monkeypatch.setattr(uvicorn, "run", run)
    return calls


def test_uvicorn_trusts_forwarded_headers_only_from_configured_proxies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _serve_calls(monkeypatch)
    env = {"KURZUM_DATA_DIR": str(tmp_path), "KURZUM_WORKER": "off"}
    assert CliRunner().invoke(app, ["serve"], env=env).exit_code == 0
    _, default = calls.pop()
    assert default["proxy_headers"] is False  # uvicorn would trust 127.0.0.1 otherwise
    proxies = env | {"KURZUM_TRUSTED_PROXIES": "10.0.0.1,10.1.0.0/16"}
    assert CliRunner().invoke(app, ["serve"], env=proxies).exit_code == 0
    _, configured = calls.pop()
    assert configured["proxy_headers"] is True
    assert configured["forwarded_allow_ips"] == ["10.0.0.1", "10.1.0.0/16"]


def test_serve_workers_hand_the_settings_over_without_rewriting_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kurzum.web.app import SETTINGS_ENV, create_served_app

    calls = _serve_calls(monkeypatch)
    env = {
        "KURZUM_DATA_DIR": str(tmp_path),
        "KURZUM_WORKER": "off",
        "KURZUM_ENVIRONMENT": "test",
        "KURZUM_SECRET_KEY": SECRET,
    }
    before = dict(os.environ)
    result = CliRunner().invoke(app, ["serve", "--workers", "2", "--port", "8123"], env=env)
    assert result.exit_code == 0, result.output
    (target,), kw = calls.pop()
    assert target == "kurzum.web.app:create_served_app" and kw["factory"] is True
    assert kw["workers"] == 2 and kw["port"] == 8123
    assert dict(os.environ) == before  # no KURZUM_PORT written back, the handover var removed
    # what each server process builds: the parent's settings, the override and the secret
    monkeypatch.setenv(SETTINGS_ENV, kw["env"])
    monkeypatch.setenv("KURZUM_PORT", "9999")  # ignored: the serialized settings are complete
    built = create_served_app().state.settings
    assert built.port == 8123 and built.environment == "test"
    assert built.secret_key.get_secret_value() == SECRET
