"""The address policy: what is public, what is forbidden unless allowed, what is never fetched."""

from __future__ import annotations

import ipaddress

import pytest

from clonewatch.errors import FetchRefused
from clonewatch.net import AddressPolicy, embedded_ipv4, is_forbidden, is_metadata

METADATA = [
    "169.254.169.254", "169.254.170.2", "169.254.170.23", "169.254.0.23", "168.63.129.16",
    "100.100.100.200", "192.0.0.192", "fd00:ec2::254", "fd00:ec2::23", "169.254.1.1",
]  # fmt: skip
# 169.254.169.254 and 127.0.0.1 hidden in IPv6: mapped, compatible, NAT64 (well-known, local-use
# at /48, /56, /64 and /96), 6to4, Teredo (client address obfuscated).
METADATA_EMBEDDED = [
    "::ffff:169.254.169.254", "::a9fe:a9fe", "64:ff9b::a9fe:a9fe", "64:ff9b:1:a9fe:a9:fe00::",
    "64:ff9b:1:a9:fe:a9fe::", "64:ff9b:1:0:a9:fea9:fe00:0", "64:ff9b:1::a9fe:a9fe",
    "2002:a9fe:a9fe::1", "2001:0:102:304::5601:5601",
]  # fmt: skip
LOOPBACK_EMBEDDED = [
    "::ffff:127.0.0.1", "::7f00:1", "64:ff9b::7f00:1", "2002:7f00:1::1", "2001:0:102:304::80ff:fffe",
]  # fmt: skip
PRIVATE = ["127.0.0.1", "10.1.2.3", "100.64.0.1", "::1", "fc00::1", "192.0.2.1", "224.0.0.1"]
PUBLIC = ["8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"]


@pytest.mark.parametrize("address", METADATA + METADATA_EMBEDDED)
def test_metadata_addresses_are_refused_even_when_private_ones_are_allowed(address: str) -> None:
    assert is_metadata(address) and is_forbidden(address)
    with pytest.raises(FetchRefused, match=f"resolves to {address}") as refused:
        AddressPolicy(allow_private=True).check("x.test", address)
    assert refused.value.metadata


@pytest.mark.parametrize("address", PRIVATE + LOOPBACK_EMBEDDED)
def test_private_addresses_are_refused_unless_allowed(address: str) -> None:
    assert is_forbidden(address) and not is_metadata(address)
    assert not AddressPolicy().permits(address)
    assert AddressPolicy(allow_private=True).permits(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    assert not is_forbidden(address) and not is_metadata(address)
    AddressPolicy().check("x.test", address)


def test_what_is_not_an_address_is_refused() -> None:
    assert is_forbidden("not-an-address") and is_metadata("999.1.1.1")


def test_embedded_ipv4_addresses_are_found() -> None:
    teredo = embedded_ipv4(ipaddress.ip_address("2001:0:102:304::5601:5601"))
    assert [str(ip) for ip in teredo] == ["1.2.3.4", "169.254.169.254"]  # server, then client
    assert embedded_ipv4(ipaddress.ip_address("8.8.8.8")) == ()
