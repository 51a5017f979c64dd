"""Where a webhook may go: http(s) URLs whose host resolves to public addresses only (SSRF).

A name is resolved once and every address must be public (not loopback, private, link-local,
multicast, reserved, shared, unspecified or otherwise non-global), at save time and again right
before each delivery; the delivery then connects to the address checked, so a DNS answer that
changes in between (rebinding) cannot redirect it. An operator may allow internal addresses
(``KURZUM_WEBHOOKS_ALLOW_PRIVATE=true``) for a CMS on the same network.

The resolver is a parameter, so tests decide what a name resolves to without real DNS.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from kurzum.errors import InputError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]


class UnsafeTargetError(InputError):
    """The webhook URL is malformed or points at an address kurzum must not call."""


def system_resolver(host: str, port: int) -> list[str]:
    """Addresses of ``host`` from the operating system's resolver (getaddrinfo)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeTargetError(f"cannot resolve {host}: {exc}") from exc
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in seen:
            seen.append(address)
    return seen


def why_not_public(address: IPAddress) -> str | None:
    """Why kurzum must not call this address, or None for a public one."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        return why_not_public(mapped)
    for flag in (
        "is_loopback",
        "is_private",
        "is_link_local",
        "is_multicast",
        "is_reserved",
        "is_unspecified",
    ):
        if getattr(address, flag):
            return flag.removeprefix("is_").replace("_", "-")
    if not address.is_global:
        return "not globally routable"
    return None


@dataclass(frozen=True, slots=True)
class Target:
    """A checked webhook URL: where to connect and what to say in ``Host`` and TLS SNI."""

    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]

    @property
    def host_header(self) -> str:
        """The ``Host`` header of the original URL (port only when not the default)."""
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"

    def pinned_url(self) -> str:
        """The URL with its host replaced by the first checked address (connect there)."""
        parts = urlsplit(self.url)
        address = self.addresses[0]
        literal = f"[{address}]" if ":" in address else address
        return urlunsplit(
            (parts.scheme, f"{literal}:{self.port}", parts.path or "/", parts.query, "")
        )


def check_url(url: str, *, allow_private: bool, resolve: Resolver = system_resolver) -> Target:
    """Parse and resolve a webhook URL; UnsafeTargetError unless every address may be called."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeTargetError(f"not a valid URL: {exc}") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTargetError("a webhook URL must be http:// or https:// with a host")
    if parts.username or parts.password:
        raise UnsafeTargetError("a webhook URL must not carry credentials")
    host = parts.hostname.rstrip(".").lower()
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        addresses: Sequence[str] = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = resolve(host, port)
    if not addresses:
        raise UnsafeTargetError(f"{host} has no address")
    checked: list[str] = []
    for raw in addresses:
        try:
            address = ipaddress.ip_address(raw.split("%")[0])
        except ValueError as exc:
            raise UnsafeTargetError(f"{host} resolved to an invalid address {raw!r}") from exc
        reason = why_not_public(address)
        if reason is not None and not allow_private:
            raise UnsafeTargetError(
                f"webhook URL host {host} resolves to {address} ({reason}); internal "
                "addresses are refused unless KURZUM_WEBHOOKS_ALLOW_PRIVATE is set"
            )
        checked.append(str(address))
    return Target(url, parts.scheme, host, port, tuple(checked))
