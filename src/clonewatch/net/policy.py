"""Which addresses clonewatch may connect to: public ones, and private ones only when allowed.

Cloud metadata services are refused always, even with ``allow_private`` (a lab on loopback is a
reason to allow private addresses; nothing is a reason to read instance credentials). An IPv4
address hidden in an IPv6 one (mapped, compatible, NAT64, 6to4, Teredo) is judged as itself.
This module is the one list of those rules.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from clonewatch.errors import FetchRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

METADATA_NETWORKS: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(network)
    for network in (
        "169.254.0.0/16",  # link-local: AWS/GCP/Azure/Oracle 169.254.169.254, ECS/EKS 169.254.170.x, Tencent
        "fd00:ec2::/64",  # AWS IMDS and EKS Pod Identity over IPv6
        "168.63.129.16/32",  # Azure WireServer (a global address)
        "100.100.100.200/32",  # Alibaba Cloud
        "192.0.0.192/32",  # Oracle Cloud
    )
)
_MAPPED = ipaddress.ip_network("::ffff:0:0/96")
_COMPATIBLE = ipaddress.ip_network("::/96")
_NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
_TEREDO = ipaddress.ip_network("2001::/32")


def _rfc6052(ip: ipaddress.IPv6Address, prefix: int) -> ipaddress.IPv4Address:
    """The IPv4 address embedded after a NAT64 prefix of ``prefix`` bits (RFC 6052, section 2.2:
    bits 64-71 are skipped)."""
    value = int(ip)
    if prefix == 96:
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    bits = [(value >> (127 - i)) & 1 for i in range(128) if not 64 <= i < 72]
    embedded = bits[prefix : prefix + 32]
    return ipaddress.IPv4Address(int("".join(map(str, embedded)), 2))


def embedded_ipv4(ip: IPAddress) -> tuple[ipaddress.IPv4Address, ...]:
    """Every IPv4 address a packet to ``ip`` may reach through a translation or tunnel."""
    if isinstance(ip, ipaddress.IPv4Address):
        return ()
    if ip in _MAPPED or (ip in _COMPATIBLE and int(ip) > 1):
        return (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF),)
    if ip in _NAT64_WELL_KNOWN:
        return (_rfc6052(ip, 96),)
    if ip in _NAT64_LOCAL:
        return tuple(_rfc6052(ip, prefix) for prefix in (48, 56, 64, 96))
    if ip in _SIX_TO_FOUR and ip.sixtofour is not None:
        return (ip.sixtofour,)
    if ip in _TEREDO and ip.teredo is not None:
        return ip.teredo
    return ()


def _parse(address: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None


def _faces(address: str) -> tuple[IPAddress, ...] | None:
    ip = _parse(address)
    return None if ip is None else (ip, *embedded_ipv4(ip))


def _metadata(faces: tuple[IPAddress, ...]) -> bool:
    return any(ip in net for ip in faces for net in METADATA_NETWORKS if ip.version == net.version)


def _off_the_internet(faces: tuple[IPAddress, ...]) -> bool:
    return any(not ip.is_global or ip.is_multicast for ip in faces)


def is_metadata(address: str) -> bool:
    """A cloud metadata address, directly or embedded: refused even when private ones are allowed."""
    faces = _faces(address)
    return faces is None or _metadata(faces)


def is_forbidden(address: str) -> bool:
    """Anything not on the public Internet, directly or embedded: private, loopback, link-local,
    shared (CGNAT), multicast, reserved, unspecified, or a cloud metadata address."""
    faces = _faces(address)
    return faces is None or _metadata(faces) or _off_the_internet(faces)


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """The rule for one run: public addresses, plus private ones when ``allow_private``."""

    allow_private: bool = False

    def permits(self, address: str) -> bool:
        faces = _faces(address)
        if faces is None or _metadata(faces):
            return False
        return self.allow_private or not _off_the_internet(faces)

    def check(self, host: str, address: str) -> None:
        """FetchRefused when ``host``'s ``address`` may not be reached."""
        if not self.permits(address):
            raise FetchRefused(f"{host} resolves to {address}", metadata=is_metadata(address))
