"""The client address under KURZUM_TRUSTED_PROXIES: unit rule and the login throttle using it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kurzum.errors import ConfigError
from kurzum.settings import Settings, get_settings
from kurzum.storage.db import SessionFactory
from kurzum.storage.tables import utcnow
from kurzum.web.app import create_app
from kurzum.web.client import derive_client

PROXY = ("10.0.0.0/8",)


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("198.51.100.9", ["203.0.113.7"], (), "198.51.100.9"),  # no proxies: header ignored
        ("198.51.100.9", ["203.0.113.7"], PROXY, "198.51.100.9"),  # peer is not a proxy
        ("10.0.0.2", ["203.0.113.7"], PROXY, "203.0.113.7"),
        ("10.0.0.2", ["1.2.3.4, 203.0.113.7, 10.0.0.3"], PROXY, "203.0.113.7"),  # spoofed left
        ("10.0.0.2", ["1.2.3.4", "203.0.113.7"], PROXY, "203.0.113.7"),  # two header lines
        ("10.0.0.2", [], PROXY, "10.0.0.2"),
        ("10.0.0.2", ["10.0.0.5"], PROXY, "10.0.0.5"),  # only proxies: the farthest one
        ("::1", ["2001:db8::1"], ("::1",), "2001:db8::1"),
        ("testclient", ["203.0.113.7"], ("*",), "203.0.113.7"),
        (None, ["203.0.113.7"], ("*",), "unknown"),
    ],
)
def test_derive_client(
    peer: str | None, forwarded: list[str], trusted: tuple[str, ...], expected: str
) -> None:
    assert derive_client(peer, forwarded, trusted) == expected


def test_trusted_proxies_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().trusted_proxy_list == ()
    monkeypatch.setenv("KURZUM_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    assert get_settings().trusted_proxy_list == ("127.0.0.1", "10.0.0.0/8")
    monkeypatch.setenv("KURZUM_TRUSTED_PROXIES", "proxy.example")
    with pytest.raises(ConfigError, match="trusted_proxies"):
        get_settings()


def _failed_logins(client: TestClient, address: str, count: int) -> list[int]:
    """``count`` failed logins for one account, each claiming to come from ``address``."""
    return [
        client.post(
            "/api/v1/auth/login",
            json={"email": "nobody@example.org", "password": "x" * 12},
            headers={"X-Forwarded-For": address},
        ).status_code
        for _ in range(count)
    ]


@pytest.mark.parametrize("trusted", ["", "*"])
def test_login_throttle_counts_the_derived_address(
    settings: Settings, session_factory: SessionFactory, trusted: str
) -> None:
    """Behind a trusted proxy each client has its own budget for an account (issue 14: per
    (account, client) pair); without one a client cannot escape its budget by sending
    X-Forwarded-For."""
    app = create_app(
        settings.model_copy(update={"login_max_failures": 1, "trusted_proxies": trusted}),
        session_factory=session_factory,
    )
    frozen = utcnow()
    app.state.clock = lambda: frozen  # the delay after a failure is 1 s: no wall time here
    with TestClient(app) as client:
        assert _failed_logins(client, "203.0.113.7", 2) == [401, 429]
        other = _failed_logins(client, "203.0.113.8", 1)
    assert other == ([401] if trusted else [429])
