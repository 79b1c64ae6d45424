"""Name resolution through the resolver the user configured (or the system's), and the checked
address to connect to for a host."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from clonewatch.errors import InputError
from clonewatch.net.policy import AddressPolicy

if TYPE_CHECKING:
    import dns.resolver


@dataclass(frozen=True, slots=True)
class ResolverSettings:
    """Where and how hard to ask: one server (the system's first when None), bounded concurrency,
    a per-query timeout, retries on timeout, and an optional rate limit in queries per second."""

    nameserver: str | None = None
    port: int = 53
    concurrency: int = 100
    timeout: float = 2.0
    retries: int = 1
    rate: float = 0.0

    @classmethod
    def parse(cls, server: str | None, **options: Any) -> ResolverSettings:
        """``HOST:PORT``, ``HOST`` or ``[V6]:PORT`` from the command line; InputError when malformed."""
        if server is None:
            return cls(**options)
        host, port = server, 53
        if server.startswith("["):
            host, _, rest = server[1:].partition("]")
            if rest.startswith(":"):
                port = _port(rest[1:], server)
        elif server.count(":") == 1:
            host, _, text = server.partition(":")
            port = _port(text, server)
        if not host:
            raise InputError(f"bad resolver {server!r}: expected HOST:PORT")
        return cls(nameserver=host, port=port, **options)


def _port(text: str, server: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise InputError(f"bad resolver {server!r}: port must be 1-65535")
    return int(text)


def stub_resolver(settings: ResolverSettings | None, timeout: float) -> dns.resolver.Resolver:
    """A dnspython resolver that asks the configured server (the system's when none is set)."""
    import dns.resolver  # dnspython loads only when something is resolved

    resolver = dns.resolver.Resolver(configure=settings is None or settings.nameserver is None)
    if settings is not None and settings.nameserver:
        resolver.nameservers = [settings.nameserver]
        resolver.port = settings.port
    resolver.lifetime = timeout
    return resolver


@dataclass(frozen=True, slots=True)
class HostResolver:
    """The addresses of a host, and the one to connect to under an address policy. ``lookup``
    replaces resolution entirely (a library user's own resolver)."""

    policy: AddressPolicy = field(default_factory=AddressPolicy)
    dns: ResolverSettings | None = None
    timeout: float = 5.0
    lookup: Callable[[str], list[str]] | None = field(default=None, compare=False)

    def addresses(self, host: str) -> list[str]:
        """Every address of ``host`` (a literal address is its own); OSError or a dnspython
        error when resolution fails."""
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

            try:
                answer = stub_resolver(self.dns, self.timeout).resolve(host, "A")
            except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
                return []
            return [item.to_text() for item in answer]
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        return sorted({str(info[4][0]) for info in infos})

    def checked_address(self, host: str) -> str:
        """The address to connect to for ``host``: FetchRefused when any of its addresses is
        forbidden (a name that also points inside is refused), OSError when it has none."""
        addresses = self.addresses(host)
        if not addresses:
            raise OSError(f"{host} has no address")
        for address in addresses:
            self.policy.check(host, address)
        return addresses[0]
