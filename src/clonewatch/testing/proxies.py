"""Real proxies on loopback that stand in for vantage points: an HTTP ``CONNECT`` proxy and a SOCKS5
proxy (RFC 1928, no authentication or RFC 1929 user and password), each resolving target names
with a resolver the test gives (the lab's DNS) and connecting out from its own ``source`` address,
so a lab site sees a different client address per vantage, as a site abroad sees another country.

Written here rather than taken from a package: the maintained ones (tinyproxy, dante, microsocks,
proxy.py) resolve names with the system's resolver, which knows nothing of the lab's names, and
pointing it at the lab would change the machine's resolver for everything else running on it.

    with ConnectProxy("127.0.5.1", source="127.0.5.2", lookup=dns_lookup) as proxy:
        proxy.url  # http://127.0.5.1:PORT
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import selectors
import socket
import socketserver
import struct
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

log = logging.getLogger(__name__)
RELAY_TIMEOUT = 30.0
Lookup = Callable[[str], str]
"""A host name to the address to connect to (raises OSError when there is none)."""


def dns_lookup(resolver: str) -> Lookup:
    """Resolve A records by asking ``resolver`` (HOST:PORT, e.g. ``LocalDns.resolver``)."""
    import dns.resolver

    host, _, port = resolver.rpartition(":")
    stub = dns.resolver.Resolver(configure=False)
    stub.nameservers = [host]
    stub.port = int(port)
    stub.lifetime = 5.0

    def lookup(name: str) -> str:
        try:
            return str(stub.resolve(name, "A")[0].to_text())
        except Exception as exc:  # every resolver failure is "no address" to a proxy
            raise OSError(f"cannot resolve {name}: {type(exc).__name__}") from exc

    return lookup


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, owner: _Proxy, address: tuple[str, int]) -> None:
        self.owner = owner
        super().__init__(address, _Handler)


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        self.request.settimeout(RELAY_TIMEOUT)
        try:
            self.server.owner.serve(self.request)
        except OSError as exc:
            log.debug("proxy connection ended: %s", exc)


class _Proxy:
    """A listening proxy; ``targets`` lists what clients asked to reach, in order."""

    scheme = ""

    def __init__(self, address: str, *, source: str, lookup: Lookup, port: int = 0) -> None:
        self.address = address
        self.source = source
        self.lookup = lookup
        self.targets: list[str] = []
        self._server = _Server(self, (address, port))
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.address}:{self.port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def serve(self, client: socket.socket) -> None:
        raise NotImplementedError

    def dial(self, host: str, port: int) -> socket.socket:
        """Connect to ``host`` (resolved by our lookup when a name) from our source address."""
        self.targets.append(f"{host}:{port}")
        try:
            ipaddress.ip_address(host)
            address = host
        except ValueError:
            address = self.lookup(host)
        return socket.create_connection((address, port), timeout=10, source_address=(self.source, 0))


def relay(one: socket.socket, other: socket.socket) -> None:
    """Copy bytes both ways until either side closes or both are quiet for RELAY_TIMEOUT seconds."""
    with selectors.DefaultSelector() as selector, other:
        selector.register(one, selectors.EVENT_READ, other)
        selector.register(other, selectors.EVENT_READ, one)
        while True:
            ready = selector.select(RELAY_TIMEOUT)
            if not ready:
                return
            for key, _ in ready:
                source: socket.socket = key.fileobj  # type: ignore[assignment]
                data = source.recv(65536)
                if not data:
                    return
                key.data.sendall(data)


class ConnectProxy(_Proxy):
    """An HTTP proxy that serves ``CONNECT host:port`` only (what clonewatch sends)."""

    scheme = "http"

    def serve(self, client: socket.socket) -> None:
        stream = client.makefile("rb")
        request = stream.readline(8192).decode("latin-1").split()
        while stream.readline(8192) not in (b"\r\n", b"\n", b""):
            pass  # headers: nothing we need
        if len(request) != 3 or request[0] != "CONNECT":
            client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        host, _, port = request[1].rpartition(":")
        try:
            upstream = self.dial(host.strip("[]"), int(port))
        except (OSError, ValueError) as exc:
            client.sendall(
                f"HTTP/1.1 502 Bad Gateway\r\nX-Reason: {exc}\r\n\r\n".encode("latin-1", "replace")
            )
            return
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        relay(client, upstream)


class SocksProxy(_Proxy):
    """A SOCKS5 proxy (CONNECT only); with ``credentials`` it requires that user and password."""

    scheme = "socks5h"

    def __init__(self, *args: Any, credentials: tuple[str, str] | None = None, **options: Any) -> None:
        super().__init__(*args, **options)
        self.credentials = credentials

    def serve(self, client: socket.socket) -> None:
        _, count = _read(client, 2)
        methods = _read(client, count)
        wanted = 2 if self.credentials is not None else 0
        if wanted not in methods:
            client.sendall(b"\x05\xff")
            return
        client.sendall(bytes([5, wanted]))
        if self.credentials is not None:
            _, size = _read(client, 2)
            user = _read(client, size).decode()
            secret = _read(client, _read(client, 1)[0]).decode()
            ok = (user, secret) == self.credentials
            client.sendall(b"\x01\x00" if ok else b"\x01\x01")
            if not ok:
                return
        _, command, _, kind = _read(client, 4)
        if kind == 1:
            host = socket.inet_ntop(socket.AF_INET, _read(client, 4))
        elif kind == 4:
            host = socket.inet_ntop(socket.AF_INET6, _read(client, 16))
        else:
            host = _read(client, _read(client, 1)[0]).decode("idna")
        (port,) = struct.unpack("!H", _read(client, 2))
        if command != 1:
            client.sendall(b"\x05\x07\x00\x01" + bytes(6))
            return
        try:
            upstream = self.dial(host, port)
        except OSError:
            client.sendall(b"\x05\x04\x00\x01" + bytes(6))
            return
        bound, bound_port = upstream.getsockname()[:2]
        reply = b"\x05\x00\x00\x01" + socket.inet_aton(bound) + struct.pack("!H", bound_port)
        with contextlib.suppress(OSError):
            client.sendall(reply)
            relay(client, upstream)
        upstream.close()


def _read(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("the client went away")
        data += chunk
    return data
