"""A small, safe HTTP client for feeds and webhooks (stdlib ``http.client``, no redirects followed).

The host is resolved by us and refused when any address is private, loopback, link-local or a
cloud metadata address (unless ``allow_private``); the connection then goes to the checked address
while the Host header and the TLS server name stay the host's, so DNS rebinding cannot slip in.
Bodies are capped. Connection failures and over-size bodies raise :class:`FeedUnavailable`.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from clonewatch.errors import FeedUnavailable, FetchBlocked
from clonewatch.probe.fetch import FetchRefused, RedirectResolver

USER_AGENT = "clonewatch-watch/0.1"
READ_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """A response read in full: status, headers (lower-case names) and body."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def retry_after(self) -> float | None:
        """The Retry-After header in seconds (only the delta-seconds form), or None."""
        value = self.headers.get("retry-after", "").strip()
        try:
            return max(0.0, float(value)) if value else None
        except ValueError:
            return None


class _PinnedHttp(http.client.HTTPConnection):
    def __init__(self, host: str, port: int | None, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHttps(_PinnedHttp):
    default_port = 443

    def __init__(self, host: str, port: int | None, address: str, timeout: float) -> None:
        super().__init__(host, port or 443, address, timeout)
        self._context = ssl.create_default_context()

    def connect(self) -> None:
        super().connect()
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)


@dataclass(slots=True)
class HttpClient:
    """GET and POST with the safety rules above. One client is shared by every feed and alert sink."""

    allow_private: bool = False
    timeout: float = 30.0
    max_bytes: int = 256 * 1024 * 1024

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> HttpResponse:
        return self.request("GET", url, None, headers)

    def post_json(self, url: str, body: bytes, headers: Mapping[str, str] | None = None) -> HttpResponse:
        return self.request("POST", url, body, {"Content-Type": "application/json", **(headers or {})})

    def request(
        self, method: str, url: str, body: bytes | None, headers: Mapping[str, str] | None = None
    ) -> HttpResponse:
        """One request; FeedUnavailable when the server cannot be reached or the body is too big,
        FetchBlocked when the address is not allowed."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FeedUnavailable(f"{url}: not an http(s) URL")
        host = parts.hostname
        try:
            port = parts.port
            address = RedirectResolver(allow_private=self.allow_private, timeout=self.timeout).address_for(
                host
            )
        except FetchRefused as exc:
            raise FetchBlocked(
                f"{url}: refused, {exc} (private address; --allow-private to permit)"
            ) from None
        except (OSError, ValueError) as exc:
            raise FeedUnavailable(f"{url}: cannot resolve {host} ({exc})") from None
        kind = _PinnedHttps if parts.scheme == "https" else _PinnedHttp
        connection = kind(host, port, address, self.timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(
                method, target, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})}
            )
            response = connection.getresponse()
            data = self._read(response, url)
            return HttpResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        except (OSError, http.client.HTTPException) as exc:
            raise FeedUnavailable(f"{url}: {type(exc).__name__}: {exc}") from None
        finally:
            connection.close()

    def _read(self, response: http.client.HTTPResponse, url: str) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while chunk := response.read(READ_CHUNK):
            total += len(chunk)
            if total > self.max_bytes:
                raise FeedUnavailable(f"{url}: response larger than {self.max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
