"""One HTTP(S) request by clonewatch's rules.

The host is resolved through the configured resolver and every address checked against the
address policy; the connection then goes to the checked address (the Host header and TLS name
stay the host's), so DNS rebinding cannot slip a forbidden address in between check and connect.
Connect and read time, the whole exchange (a deadline that also bounds a trickled status line and
headers), body size and decompressed size are capped. Header size is capped by ``http.client``
(64 KiB a line, 100 headers). Redirects are not followed here: :mod:`clonewatch.net.redirects`
follows them, so every hop is checked anew.

With a ``proxy`` (a vantage point) the connection goes through it: see :mod:`clonewatch.net.proxy`
for which addresses are checked here and which the proxy resolves; a response's ``address`` is
then the target's address only when it was resolved here (``socks5://``), else empty.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import SplitResult, urlsplit

from clonewatch.errors import FetchFailed, FetchRefused
from clonewatch.net.policy import AddressPolicy
from clonewatch.net.proxy import Proxy
from clonewatch.net.resolve import HostResolver, ResolverSettings
from clonewatch.net.watchdog import WATCHDOG

READ_CHUNK = 64 * 1024
_GZIP_OR_ZLIB = 47  # zlib window bits: accept a gzip or a zlib header


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """Trust and caps for talking to hostile servers. ``verify`` checks certificates (feeds,
    RDAP, webhooks); the probe does not, because evidence is wanted from bad certificates too.
    ``decompress`` asks for and inflates gzip/deflate bodies."""

    allow_private: bool = False
    timeout: float = 5.0
    budget: float = 20.0
    max_body: int = 5 << 20
    max_decompressed: int = 20 << 20
    max_redirects: int = 10
    ca_file: str | None = None
    dns: ResolverSettings | None = None
    verify: bool = False
    decompress: bool = True
    source_address: str | None = None  # the local address direct connections leave from (None: any)

    @property
    def policy(self) -> AddressPolicy:
        return AddressPolicy(self.allow_private)


@dataclass(frozen=True, slots=True)
class Response:
    """One response: status, headers (lower-case names, in order), body (decompressed, capped),
    the address it came from, and what cut the body short, if anything (``body``,
    ``decompressed`` or ``deadline``)."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    address: str
    cut: str | None = None

    @property
    def truncated(self) -> bool:
        return self.cut is not None

    def header(self, name: str) -> str | None:
        """The first value of a header (name in lower case), or None."""
        return next((value for key, value in self.headers if key == name), None)


def parse_web_url(url: str) -> tuple[SplitResult, int]:
    """The parts and port of an http(s) URL; FetchRefused for anything else or a malformed one."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        host = parts.hostname
    except ValueError as exc:
        raise FetchRefused(f"malformed URL {url[:80]!r}: {exc}") from exc
    if parts.scheme not in ("http", "https") or not host:
        raise FetchRefused(f"not a web URL: {url[:80]}")
    return parts, port


@dataclass(slots=True)
class HttpClient:
    """Sends single requests under one set of rules; thread-safe (no state between requests).
    ``proxy``: every connection goes through it (see :meth:`via`)."""

    settings: HttpSettings = field(default_factory=HttpSettings)
    lookup: Callable[[str], list[str]] | None = None
    proxy: Proxy | None = None
    resolver: HostResolver = field(init=False)

    def __post_init__(self) -> None:
        self.resolver = HostResolver(
            self.settings.policy, self.settings.dns, self.settings.timeout, lookup=self.lookup
        )

    def via(self, proxy: Proxy | None) -> HttpClient:
        """A client with the same rules whose connections go through ``proxy`` (None: direct)."""
        return HttpClient(self.settings, self.lookup, proxy)

    def proxy_address(self) -> str:
        """The proxy's address, resolved here and checked by the address policy: FetchRefused when
        it may not be reached, OSError when it has none."""
        assert self.proxy is not None
        return self.resolver.checked_address(self.proxy.host)

    def get(
        self, url: str, *, headers: Mapping[str, str] | None = None, deadline: float | None = None
    ) -> Response:
        return self.request("GET", url, headers=headers, deadline=deadline)

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        deadline: float | None = None,
    ) -> Response:
        """FetchRefused when the URL or its address is forbidden or malformed; FetchFailed when
        the request fails or outlives ``deadline`` (a ``time.monotonic()`` value; default: the
        settings' budget from now)."""
        import dns.exception  # dnspython loads only when something is fetched

        parts, port = parse_web_url(url)
        host = parts.hostname or ""
        if deadline is None:
            deadline = time.monotonic() + self.settings.budget
        try:
            if self.proxy is not None:
                self.proxy_address()  # a forbidden proxy is refused whatever the target
            address = self._target(host)
        except UnicodeError as exc:
            raise FetchRefused(f"malformed host name {host[:80]!r}") from exc
        except (OSError, dns.exception.DNSException) as exc:
            raise FetchFailed(describe(exc)) from exc
        try:
            return self._exchange(method, parts, port, address, headers or {}, body, deadline)
        except (OSError, http.client.HTTPException, ssl.SSLError, zlib.error, ValueError) as exc:
            if time.monotonic() >= deadline:  # cut by the deadline, whatever the socket said
                raise FetchFailed("TimeoutError: timed out (time budget spent)") from exc
            raise FetchFailed(describe(exc)) from exc

    def _target(self, host: str) -> str:
        """The checked address to connect to; through a proxy that resolves names itself, empty
        (the proxy is handed the name) once every address this side resolves passes the policy."""
        import dns.exception

        if self.proxy is None or not self.proxy.resolves_names:
            return self.resolver.checked_address(host)
        try:
            addresses = self.resolver.addresses(host)
        except (OSError, dns.exception.DNSException):
            return ""  # the name may exist only where the proxy stands
        for address in addresses:
            self.settings.policy.check(host, address)
        return ""

    def _connect(self, host: str, address: str, port: int, tls: bool, deadline: float) -> socket.socket:
        timeout = _left(deadline, self.settings.timeout)
        if self.proxy is None:
            source = (self.settings.source_address, 0) if self.settings.source_address else None
            sock = socket.create_connection((address, port), timeout=timeout, source_address=source)
        else:
            sock = socket.create_connection((self.proxy_address(), self.proxy.port), timeout=timeout)
            ticket = WATCHDOG.arm(sock, deadline)  # a proxy can trickle its answer too
            try:
                self.proxy.open(sock, address or host, port)
            except BaseException:
                sock.close()
                raise
            finally:
                WATCHDOG.disarm(ticket)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if not tls:
            return sock
        context = ssl.create_default_context(cafile=self.settings.ca_file)
        if not self.settings.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        try:
            return context.wrap_socket(sock, server_hostname=host)
        except BaseException:
            sock.close()
            raise

    def _exchange(
        self,
        method: str,
        parts: SplitResult,
        port: int,
        address: str,
        headers: Mapping[str, str],
        body: bytes | None,
        deadline: float,
    ) -> Response:
        host = parts.hostname or ""
        sock = self._connect(host, address, port, parts.scheme == "https", deadline)
        # The deadline also bounds the status line and headers, which a server can trickle forever.
        ticket = WATCHDOG.arm(sock, deadline)
        try:
            connection = http.client.HTTPConnection(host, port, timeout=self.settings.timeout)
            connection.sock = sock
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            netloc = host if parts.port is None else f"{host}:{port}"
            sent = {"Host": netloc, "Accept": "*/*", **headers}
            if self.settings.decompress:
                sent.setdefault("Accept-Encoding", "gzip, deflate")
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content, cut = self._body(response, sock, deadline)
            received = tuple((key.lower(), value) for key, value in response.getheaders())
            return Response(parts.geturl(), response.status, received, content, address, cut)
        finally:
            WATCHDOG.disarm(ticket)
            sock.close()

    def _body(
        self, response: http.client.HTTPResponse, sock: socket.socket, deadline: float
    ) -> tuple[bytes, str | None]:
        """The body, decompressed, cut at max_body bytes read or max_decompressed bytes produced,
        and at the deadline (a trickling body stops there and is kept as far as it came)."""
        encoding = (response.getheader("Content-Encoding") or "").strip().lower()
        inflating = self.settings.decompress and encoding in ("gzip", "x-gzip", "deflate")
        inflate = zlib.decompressobj(_GZIP_OR_ZLIB) if inflating else None
        raw_deflate = encoding == "deflate"
        limit = self.settings.max_decompressed
        chunks: list[bytes] = []
        produced = read = 0
        while True:
            if time.monotonic() >= deadline:
                return b"".join(chunks), "deadline"
            sock.settimeout(_left(deadline, self.settings.timeout))
            try:
                chunk = response.read1(READ_CHUNK)
            except TimeoutError:
                return b"".join(chunks), "deadline"
            if not chunk:
                return b"".join(chunks), None
            read += len(chunk)
            if inflate is not None:
                try:
                    chunk = inflate.decompress(chunk, limit - produced + 1)
                except zlib.error:
                    if not raw_deflate or produced:
                        raise
                    inflate = zlib.decompressobj(-15)  # "deflate" sent without its zlib header
                    raw_deflate = False
                    chunk = inflate.decompress(chunk, limit - produced + 1)
            produced += len(chunk)
            if inflate is not None and produced > limit:
                chunks.append(chunk[: max(0, limit - (produced - len(chunk)))])
                return b"".join(chunks), "decompressed"
            if read > self.settings.max_body:
                cap = limit if inflate is not None else self.settings.max_body
                chunks.append(chunk[: max(0, cap - (produced - len(chunk)))])
                return b"".join(chunks), "body"
            chunks.append(chunk)


def _left(deadline: float, cap: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("time budget spent")
    return min(left, cap)


def describe(exc: BaseException) -> str:
    """``Type: message`` of an exception, short enough for a record."""
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:200]
