"""A scripted OpenAI-compatible model server per test, on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

import pytest

from kurzum.llm.testing import FakeOpenAI, Play


@pytest.fixture
def serve() -> Iterator[Callable[[Mapping[str, Sequence[Play]]], FakeOpenAI]]:
    """Start a scripted server (``serve({"model": [plays]})``); stopped after the test."""
    servers: list[FakeOpenAI] = []

    def start(scripts: Mapping[str, Sequence[Play]]) -> FakeOpenAI:
        server = FakeOpenAI(scripts).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
