"""The SSRF check: every resolved address must be public unless the operator allows otherwise."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

import pytest

from kurzum.webhooks.targets import UnsafeTargetError, check_url

INTERNAL = [
    "127.0.0.1",  # loopback
    "10.1.2.3",  # private
    "172.16.0.9",
    "192.168.1.1",
    "169.254.169.254",  # link-local (cloud metadata)
    "100.64.0.1",  # shared address space (carrier NAT)
    "0.0.0.0",  # unspecified
    "224.0.0.1",  # multicast
    "240.0.0.1",  # reserved
    "::1",
    "fd00::1",  # unique local
    "fe80::1",  # link-local
    "::ffff:127.0.0.1",  # IPv4-mapped loopback
]


def resolving(mapping: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> Sequence[str]:
        return mapping[host]

    return resolve


@pytest.mark.parametrize("address", INTERNAL)
def test_names_resolving_to_internal_addresses_are_refused(address: str) -> None:
    resolve = resolving({"hooks.example": [address]})
    with pytest.raises(UnsafeTargetError, match="KURZUM_WEBHOOKS_ALLOW_PRIVATE"):
        check_url("https://hooks.example/x", allow_private=False, resolve=resolve)
    literal = f"[{address}]" if ":" in address else address
    with pytest.raises(UnsafeTargetError):
        check_url(f"http://{literal}:8080/x", allow_private=False, resolve=resolve)
    allowed = check_url("https://hooks.example/x", allow_private=True, resolve=resolve)
    assert ipaddress.ip_address(allowed.addresses[0]) == ipaddress.ip_address(address)


def test_one_internal_answer_among_public_ones_is_enough_to_refuse() -> None:
    resolve = resolving({"hooks.example": ["93.184.216.34", "127.0.0.1"]})
    with pytest.raises(UnsafeTargetError):
        check_url("https://hooks.example/x", allow_private=False, resolve=resolve)


def test_a_public_target_connects_to_the_checked_address_with_the_original_host() -> None:
    resolve = resolving({"hooks.example": ["93.184.216.34"]})
    target = check_url("https://Hooks.Example./cms/hook?a=1", allow_private=False, resolve=resolve)
    assert target.pinned_url() == "https://93.184.216.34:443/cms/hook?a=1"
    assert target.host_header == "hooks.example" and target.host == "hooks.example"
    v6 = check_url(
        "http://hooks.example:8080/",
        allow_private=False,
        resolve=resolving({"hooks.example": ["2606:2800:220:1::1"]}),
    )
    assert v6.pinned_url() == "http://[2606:2800:220:1::1]:8080/"
    assert v6.host_header == "hooks.example:8080"


@pytest.mark.parametrize(
    "url",
    ["ftp://hooks.example/x", "http:///x", "https://user:pw@hooks.example/x", "http://[::1/x"],
)
def test_malformed_urls_are_refused(url: str) -> None:
    with pytest.raises(UnsafeTargetError):
        check_url(url, allow_private=True, resolve=resolving({"hooks.example": ["93.184.216.34"]}))


def test_a_name_without_addresses_is_refused() -> None:
    with pytest.raises(UnsafeTargetError):
        check_url(
            "https://hooks.example/x", allow_private=True, resolve=resolving({"hooks.example": []})
        )
