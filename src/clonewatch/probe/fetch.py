"""Follow a link's redirect chain safely: no private addresses, capped hops, time and bytes.

Every hop's host is resolved by us and the connection goes to that checked address (the Host
header and TLS name stay the host's), so DNS rebinding cannot slip a private address in between
the check and the connection.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from clonewatch.errors import ClonewatchError

if TYPE_CHECKING:
    from clonewatch.probe.dns import ResolverSettings

MAX_REDIRECTS = 10
TIMEOUT = 5.0
MAX_HEADER_BYTES = 64 * 1024
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) clonewatch"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "169.254.170.2")
)


class FetchRefused(ClonewatchError):
    """A hop would reach an address we must not touch (private, loopback, link-local, metadata)."""


@dataclass(frozen=True, slots=True)
class Hop:
    url: str
    status: int | None
    address: str | None


@dataclass(frozen=True, slots=True)
class Chain:
    """Where a link leads: every hop in order, the final URL, and why it stopped early if it did."""

    start: str
    hops: tuple[Hop, ...]
    final_url: str
    error: str | None = None


@dataclass(slots=True)
class RedirectResolver:
    """Follows HTTP redirects hop by hop with the safety rules above; results cached per URL."""

    allow_private: bool = False
    max_redirects: int = MAX_REDIRECTS
    timeout: float = TIMEOUT
    dns: ResolverSettings | None = None
    lookup: Callable[[str], list[str]] | None = None
    _cache: dict[str, Chain] = field(default_factory=dict)

    def resolve(self, url: str) -> Chain:
        cached = self._cache.get(url)
        if cached is None:
            cached = self._cache[url] = self._follow(url)
        return cached

    def _follow(self, url: str) -> Chain:
        import dns.exception  # dnspython loads only when links are followed

        hops: list[Hop] = []
        current = url
        for _ in range(self.max_redirects + 1):
            try:
                status, location, address = self._request(current)
            except FetchRefused as exc:
                hops.append(Hop(current, None, None))
                return Chain(url, tuple(hops), current, f"refused: {exc}")
            except (OSError, http.client.HTTPException, ssl.SSLError, dns.exception.DNSException) as exc:
                hops.append(Hop(current, None, None))
                return Chain(url, tuple(hops), current, f"{type(exc).__name__}: {exc}")
            hops.append(Hop(current, status, address))
            if status not in REDIRECTS or not location:
                return Chain(url, tuple(hops), current)
            current = urljoin(current, location)
        return Chain(url, tuple(hops), current, f"more than {self.max_redirects} redirects")

    def _request(self, url: str) -> tuple[int, str | None, str]:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefused(f"not a web URL: {url[:80]}")
        host = parts.hostname
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = self._checked_address(host)
        sock = socket.create_connection((address, port), timeout=self.timeout)
        try:
            if parts.scheme == "https":
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
                connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                    host, port, timeout=self.timeout
                )
            else:
                connection = http.client.HTTPConnection(host, port, timeout=self.timeout)
            connection.sock = sock
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", path, headers={"Host": parts.netloc, "User-Agent": USER_AGENT})
            response = connection.getresponse()
            location = response.getheader("Location")
            response.read(MAX_HEADER_BYTES)
            return response.status, location, address
        finally:
            sock.close()

    def address_for(self, host: str) -> str:
        """The address to connect to for ``host``: FetchRefused when it is forbidden, OSError when
        it has none. For other fetchers that follow the same rules."""
        return self._checked_address(host)

    def _checked_address(self, host: str) -> str:
        addresses = self._addresses(host)
        if not addresses:
            raise OSError(f"{host} has no address")
        for address in addresses:
            if is_metadata(address) or (not self.allow_private and is_forbidden(address)):
                raise FetchRefused(f"{host} resolves to {address}")
        return addresses[0]

    def _addresses(self, host: str) -> list[str]:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            return [host]
        if self.lookup is not None:
            return self.lookup(host)
        if self.dns is not None and self.dns.nameserver:
            import dns.resolver

            resolver = dns.resolver.Resolver(configure=False)
            resolver.nameservers = [self.dns.nameserver]
            resolver.port = self.dns.port
            resolver.lifetime = self.timeout
            try:
                return [item.to_text() for item in resolver.resolve(host, "A")]
            except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
                return []
        return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)})


def _plain_ip(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The address, with an IPv4 address mapped into IPv6 (``::ffff:a.b.c.d``) unwrapped."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def is_metadata(address: str) -> bool:
    """A cloud metadata service address: refused even when private addresses are allowed."""
    return _plain_ip(address) in METADATA_ADDRESSES


def is_forbidden(address: str) -> bool:
    """Anything not on the public Internet: private, loopback, link-local, shared (CGNAT),
    multicast, reserved, unspecified, or a cloud metadata address."""
    ip = _plain_ip(address)
    return ip in METADATA_ADDRESSES or not ip.is_global or ip.is_multicast
