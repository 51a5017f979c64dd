"""Which address a request came from, under ``KURZUM_TRUSTED_PROXIES``: the one rule for
throttles and logs.

The socket's peer counts, unless it is a trusted proxy: then ``X-Forwarded-For`` is read from
the right (each proxy appends the address it saw), skipping trusted proxies, and the first
address that is not one is the client. Without trusted proxies the header is ignored, so a
client cannot choose its own address to dodge a throttle or to lock somebody else out.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from functools import lru_cache

from starlette.requests import Request

from kurzum.settings import Settings

UNKNOWN = "unknown"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def _networks(trusted: tuple[str, ...]) -> tuple[bool, tuple[Network, ...]]:
    """(trust everyone, the trusted networks) of a ``trusted_proxy_list``."""
    return "*" in trusted, tuple(
        ipaddress.ip_network(entry, strict=False) for entry in trusted if entry != "*"
    )


def _is_trusted(address: str, trusted: tuple[str, ...]) -> bool:
    everyone, networks = _networks(trusted)
    if everyone:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def derive_client(peer: str | None, forwarded_for: Iterable[str], trusted: Sequence[str]) -> str:
    """The client address from the socket peer and the ``X-Forwarded-For`` header values."""
    if not peer:
        return UNKNOWN
    proxies = tuple(trusted)
    if not proxies or not _is_trusted(peer, proxies):
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer


def client_address(request: Request) -> str:
    """The address of the client that sent ``request`` (see the module docstring)."""
    settings: Settings = request.app.state.settings
    peer = request.client.host if request.client else None
    return derive_client(
        peer, request.headers.getlist("x-forwarded-for"), settings.trusted_proxy_list
    )
