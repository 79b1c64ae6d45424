"""Connections through a proxy: an HTTP ``CONNECT`` proxy or a SOCKS5 one (RFC 1928, with
RFC 1929 user and password when the URL carries them), the way a vantage point sees a site.

Which addresses are checked where:

- the proxy's own address is resolved here and checked by the address policy like any host
  (a proxy on a private address needs ``allow_private``);
- ``http://`` and ``socks5h://`` proxies are handed the target's *name* and resolve it on their
  side (a vantage abroad may get other answers). We also resolve it here and refuse it when any
  answer we get is forbidden; what the proxy connects to we cannot see;
- ``socks5://`` proxies are handed the address resolved and checked here.
"""

from __future__ import annotations

import base64
import ipaddress
import socket
import struct
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from clonewatch.errors import InputError

SCHEMES = ("http", "socks5", "socks5h")
MAX_REPLY = 16 * 1024
_SOCKS_ERRORS = {
    1: "general failure",
    2: "connection not allowed by ruleset",
    3: "network unreachable",
    4: "host unreachable",
    5: "connection refused",
    6: "TTL expired",
    7: "command not supported",
    8: "address type not supported",
}


class ProxyFailed(OSError):
    """The proxy did not open the tunnel (refused, failed to reach the target, broken answer)."""


@dataclass(frozen=True, slots=True)
class Proxy:
    """Where a proxy listens and how to speak to it; ``username``/``password`` stay out of records."""

    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None

    @property
    def resolves_names(self) -> bool:
        """Whether the proxy resolves the target's name (``http``, ``socks5h``) or we do (``socks5``)."""
        return self.scheme != "socks5"

    def display(self) -> str:
        """The URL without credentials, for records and messages."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    def open(self, sock: socket.socket, target: str, port: int) -> None:
        """Ask the proxy on connected ``sock`` for a tunnel to ``target`` (a name or an address)."""
        if self.scheme == "http":
            self._connect(sock, target, port)
        else:
            self._socks(sock, target, port)

    def _connect(self, sock: socket.socket, target: str, port: int) -> None:
        authority = f"[{target}]:{port}" if ":" in target else f"{target}:{port}"
        lines = [f"CONNECT {authority} HTTP/1.1", f"Host: {authority}"]
        if self.username is not None:
            token = base64.b64encode(f"{self.username}:{self.password or ''}".encode()).decode()
            lines.append(f"Proxy-Authorization: Basic {token}")
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = sock.recv(1)  # byte by byte: nothing after the header may be consumed
            if not chunk:
                raise ProxyFailed(f"proxy {self.display()} closed the connection before answering CONNECT")
            reply += chunk
            if len(reply) > MAX_REPLY:
                raise ProxyFailed(f"proxy {self.display()} sent an oversized answer to CONNECT")
        status_line = reply.split(b"\r\n", 1)[0].decode("latin-1")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
            raise ProxyFailed(f"proxy {self.display()} answered CONNECT with {status_line[:80]!r}")
        if not 200 <= int(parts[1]) < 300:
            raise ProxyFailed(f"proxy {self.display()} refused CONNECT {authority}: {status_line[:80]}")

    def _socks(self, sock: socket.socket, target: str, port: int) -> None:
        methods = b"\x00\x02" if self.username is not None else b"\x00"
        sock.sendall(b"\x05" + bytes([len(methods)]) + methods)
        version, method = _exactly(sock, 2)
        if version != 5 or method not in methods:
            raise ProxyFailed(f"proxy {self.display()} accepts none of our SOCKS5 methods")
        if method == 2:
            user = (self.username or "").encode()[:255]
            secret = (self.password or "").encode()[:255]
            sock.sendall(b"\x01" + bytes([len(user)]) + user + bytes([len(secret)]) + secret)
            if _exactly(sock, 2)[1] != 0:
                raise ProxyFailed(f"proxy {self.display()} refused our user name and password")
        sock.sendall(b"\x05\x01\x00" + _socks_address(target) + struct.pack("!H", port))
        version, code, _, kind = _exactly(sock, 4)
        if version != 5:
            raise ProxyFailed(f"proxy {self.display()} sent a broken SOCKS5 reply")
        if code != 0:
            reason = _SOCKS_ERRORS.get(code, f"error {code}")
            raise ProxyFailed(f"proxy {self.display()} could not reach {target}:{port}: {reason}")
        length = {1: 4, 4: 16}.get(kind)
        if length is None:
            if kind != 3:
                raise ProxyFailed(f"proxy {self.display()} sent a broken SOCKS5 reply")
            length = _exactly(sock, 1)[0]
        _exactly(sock, length + 2)  # the proxy's own outgoing address and port


def _socks_address(target: str) -> bytes:
    try:
        ip = ipaddress.ip_address(target)
    except ValueError:
        name = target.encode("idna")
        if not 0 < len(name) < 256:
            raise ProxyFailed(f"a host name SOCKS5 cannot carry: {target[:80]!r}") from None
        return b"\x03" + bytes([len(name)]) + name
    return (b"\x01" if ip.version == 4 else b"\x04") + ip.packed


def _exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ProxyFailed("the proxy closed the connection in the middle of its answer")
        data += chunk
    return data


def parse_proxy(url: str) -> Proxy:
    """A proxy from ``http://HOST:PORT``, ``socks5://`` or ``socks5h://`` (user:password@ allowed);
    InputError for anything else."""
    shown = url[:80]
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        host = parts.hostname
    except ValueError as exc:
        raise InputError(f"bad proxy URL {shown!r}: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise InputError(f"bad proxy URL {shown!r}: the scheme must be one of {', '.join(SCHEMES)}")
    if not host:
        raise InputError(f"bad proxy URL {shown!r}: no host")
    if port is None:
        raise InputError(f"bad proxy URL {shown!r}: no port")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InputError(f"bad proxy URL {shown!r}: a proxy URL has no path, query or fragment")
    username = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    return Proxy(scheme, host, port, username, password)
