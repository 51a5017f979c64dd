"""Browser tests: the app served by uvicorn on loopback, driven by Playwright + Debian Chromium.

Playwright's own browser download does not work here; the tests use /usr/bin/chromium and skip
with a reason when it (or the playwright package) is missing. Screenshots of the main pages go
to test-artifacts/screenshots/ (gitignored).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from kurzum.demo import ACCOUNTS, DemoAccount, load_demo
from kurzum.settings import Settings
from kurzum.storage.db import (
    SessionFactory,
    make_engine,
    make_session_factory,
    session_scope,
    upgrade,
)
from kurzum.web.app import create_app

CHROMIUM = os.environ.get("KURZUM_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

try:
    from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test; skip them all when Chromium is missing."""
    reason = None
    if sync_playwright is None:
        reason = "playwright is not installed (pip install -e '.[test]')"
    elif not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    assert sync_playwright is not None
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@dataclass
class Live:
    """A running kurzum with the demo data: base URL, app (for its worker) and the accounts."""

    url: str
    app: FastAPI
    session_factory: SessionFactory

    def account(self, role: str, *, subscribed: bool = False) -> DemoAccount:
        """A demo login of this role (subscribed or not)."""
        for spec in ACCOUNTS:
            if spec.role == role and spec.subscribed == subscribed:
                return spec
        raise LookupError(role)

    def drain(self) -> None:
        """Run pending background work (summaries, webhooks) now."""
        self.app.state.worker.drain()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    """kurzum on a fresh SQLite file with the demo loaded, served by uvicorn on 127.0.0.1."""
    yield from serve_live(tmp_path)


def serve_live(tmp_path: Path) -> Iterator[Live]:
    """The body of the ``live`` fixture (also used by tests outside this folder)."""
    settings = Settings(environment="test", data_dir=tmp_path, worker="off", cookie_secure=False)
    engine = make_engine(settings.sqlalchemy_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        load_demo(session)
    app = create_app(settings, session_factory=factory)
    app.state.worker.drain()
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="kurzum-live", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield Live(f"http://127.0.0.1:{port}", app, factory)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (own cookies) at desktop size, German UI; fails the test when
    the Content-Security-Policy blocked anything."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-CH")
    ctx.set_default_timeout(10_000)
    blocked: list[str] = []  # issue 14: the pages' CSP must not block anything they use
    ctx.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield ctx
    ctx.close()
    assert not blocked, blocked
