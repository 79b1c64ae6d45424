"""One HTTP(S) request by the probe's rules: the host is resolved and checked first (private,
loopback, link-local and metadata addresses refused unless allowed), the connection goes to the
checked address, and time, header, body and decompressed sizes are capped."""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit

from clonewatch.errors import ClonewatchError
from clonewatch.probe.fetch import FetchRefused, RedirectResolver

if TYPE_CHECKING:
    from clonewatch.probe.dns import ResolverSettings

BROWSER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0 Safari/537.36"
)
PLAIN_AGENT = "clonewatch/0.1 (+https://github.com/clonewatch)"
READ_CHUNK = 64 * 1024


class FetchFailed(ClonewatchError):
    """A request did not complete: connection refused, timeout, TLS failure, broken response."""


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """Caps and trust for fetching hostile sites."""

    allow_private: bool = False
    timeout: float = 5.0
    budget: float = 20.0
    max_body: int = 5 << 20
    max_decompressed: int = 20 << 20
    max_redirects: int = 10
    ca_file: str | None = None
    dns: ResolverSettings | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """One response: status, headers (lower-case names), body (decompressed, capped), the address
    it came from, and whether the body was cut at a cap."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    address: str
    truncated: bool = False

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key == name), None)


@dataclass(slots=True)
class PageFetcher:
    """Fetches single URLs (no redirect following: callers follow, so every hop is checked)."""

    settings: HttpSettings = field(default_factory=HttpSettings)
    lookup: Callable[[str], list[str]] | None = None
    _addresses: RedirectResolver = field(init=False)

    def __post_init__(self) -> None:
        self._addresses = RedirectResolver(
            allow_private=self.settings.allow_private,
            timeout=self.settings.timeout,
            dns=self.settings.dns,
            lookup=self.lookup,
        )

    def get(self, url: str, *, headers: Mapping[str, str], deadline: float) -> Page:
        """FetchRefused when the URL or its address is forbidden or malformed, FetchFailed when
        the request fails or outlives ``deadline``."""
        import dns.exception

        try:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise FetchRefused(f"malformed URL {url[:80]!r}: {exc}") from exc
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefused(f"not a web URL: {url[:80]}")
        try:
            address = self._addresses.address_for(parts.hostname)
        except UnicodeError as exc:
            raise FetchRefused(f"malformed host name {parts.hostname[:80]!r}") from exc
        except FetchRefused:
            raise
        except (OSError, dns.exception.DNSException) as exc:
            raise FetchFailed(_describe(exc)) from exc
        try:
            return self._request(parts, port, address, headers, deadline)
        except (OSError, http.client.HTTPException, ssl.SSLError, zlib.error, ValueError) as exc:
            raise FetchFailed(_describe(exc)) from exc

    def _request(
        self, parts: SplitResult, port: int, address: str, headers: Mapping[str, str], deadline: float
    ) -> Page:
        host = parts.hostname or ""
        sock = socket.create_connection((address, port), timeout=_left(deadline, self.settings.timeout))
        # The deadline also bounds the status line and headers, which a server can trickle forever.
        watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _cut, (sock,))
        watchdog.start()
        try:
            if parts.scheme == "https":
                context = ssl.create_default_context(cafile=self.settings.ca_file)
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE  # evidence is wanted from bad certificates too
                sock = context.wrap_socket(sock, server_hostname=host)
            connection = http.client.HTTPConnection(host, port, timeout=self.settings.timeout)
            connection.sock = sock
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            netloc = host if parts.port is None else f"{host}:{port}"
            sent = {"Host": netloc, "Accept-Encoding": "gzip, deflate", "Accept": "*/*", **headers}
            connection.request("GET", path, headers=sent)
            response = connection.getresponse()
            body, truncated = self._body(response, sock, deadline)
            received = tuple((key.lower(), value) for key, value in response.getheaders())
            return Page(parts.geturl(), response.status, received, body, address, truncated)
        finally:
            watchdog.cancel()
            sock.close()

    def _body(
        self, response: http.client.HTTPResponse, sock: socket.socket, deadline: float
    ) -> tuple[bytes, bool]:
        """The body, decompressed, cut at max_body bytes read or max_decompressed bytes produced,
        and at the deadline (a trickling body stops there and is kept as far as it came)."""
        encoding = (response.getheader("Content-Encoding") or "").strip().lower()
        inflate = zlib.decompressobj(47) if encoding in ("gzip", "x-gzip", "deflate") else None
        raw_deflate = encoding == "deflate"
        chunks: list[bytes] = []
        produced = read = 0
        while True:
            if time.monotonic() >= deadline:
                return b"".join(chunks), True
            sock.settimeout(_left(deadline, self.settings.timeout))
            try:
                chunk = response.read1(READ_CHUNK)
            except TimeoutError:
                return b"".join(chunks), True
            if not chunk:
                return b"".join(chunks), False
            read += len(chunk)
            if inflate is not None:
                try:
                    chunk = inflate.decompress(chunk, self.settings.max_decompressed - produced + 1)
                except zlib.error:
                    if not raw_deflate or produced:
                        raise
                    inflate = zlib.decompressobj(-15)  # "deflate" sent without its zlib header
                    raw_deflate = False
                    chunk = inflate.decompress(chunk, self.settings.max_decompressed - produced + 1)
            produced += len(chunk)
            if produced > self.settings.max_decompressed or read > self.settings.max_body:
                limit = self.settings.max_decompressed if inflate is not None else self.settings.max_body
                chunks.append(chunk[: max(0, limit - (produced - len(chunk)))])
                return b"".join(chunks), True
            chunks.append(chunk)


def _cut(sock: socket.socket) -> None:
    """Ends a request that outlived its deadline: the blocked read returns at once."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _left(deadline: float, cap: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("time budget spent")
    return min(left, cap)


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:200]
