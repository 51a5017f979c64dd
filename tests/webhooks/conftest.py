"""Webhook test world: a real HTTP receiver on 127.0.0.1 and a resolver the tests control.

Names resolve through ``dns`` (a dict), never through real DNS; the app and its worker use it
for the address checks at save and at delivery time. Internal addresses are allowed here (the
receiver is on loopback); the refusal tests switch that off explicitly.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi import FastAPI

from kurzum.settings import Settings
from kurzum.storage.db import SessionFactory
from kurzum.web.app import create_app
from kurzum.webhooks.targets import UnsafeTargetError


@dataclass
class Call:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Records every POST; answers the queued statuses first, then 200."""

    port: int = 0
    calls: list[Call] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    def url(self, path: str = "/hook", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def on(self, path: str) -> list[Call]:
        return [c for c in self.calls if c.path == path]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.calls.append(
                Call(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", f"http://127.0.0.1:{state.port}/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def dns() -> dict[str, list[str]]:
    """name -> addresses, what the injected resolver answers (tests change it)."""
    return {"cms.example": ["127.0.0.1"], "public.example": ["93.184.216.34"]}


@pytest.fixture
def resolver(dns: dict[str, list[str]]) -> Any:
    def resolve(host: str, port: int) -> Sequence[str]:
        if host not in dns:
            raise UnsafeTargetError(f"cannot resolve {host}")
        return dns[host]

    return resolve


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared test settings (``tests/conftest.py``), with internal webhook addresses
    allowed (the receiver is on loopback)."""
    return settings.model_copy(update={"webhooks_allow_private": True})


@pytest.fixture
def app(settings: Settings, session_factory: SessionFactory, resolver: Any) -> FastAPI:
    """The app with the test resolver (its worker checks addresses through it too)."""
    return create_app(settings, session_factory=session_factory, resolver=resolver)
