"""A local web lab: real threaded HTTP and HTTPS servers on loopback, virtual hosts, a test CA.

``with LocalWeb() as lab:`` starts both servers on 127.0.2.1 (ports 80 and 443 when they can be
bound, else ports the kernel picks; or the ports the caller gives), and on the same ports at every
address of ``also_on`` (a world with several hosting addresses). Sites are chosen by the Host
header, certificates by SNI: each host gets a leaf certificate from a CA made at start
(``lab.ca_file``); an unknown SNI name gets the lab's default certificate. Sites come from
:mod:`clonewatch.testing.sites`; ``lab.rdap(records)`` adds an RDAP server.
"""

from __future__ import annotations

import datetime
import http.server
import logging
import shutil
import socket
import socketserver
import ssl
import sys
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from clonewatch.testing.sites import Request, Response, Site, rdap_server

WEB_ADDRESS = "127.0.2.1"
RDAP_HOST = "rdap.lab.test"
DEFAULT_NAME = "default.lab.invalid"
HANDSHAKE_TIMEOUT = 10.0
CLIENT_TIMEOUT = 30.0

NO_SUCH_SITE = Response(404, (("Content-Type", "text/plain"),), b"no such site")

log = logging.getLogger(__name__)


class CertKind(StrEnum):
    """Which certificate a host presents."""

    VALID = "valid"
    EXPIRED = "expired"
    SELF_SIGNED = "self-signed"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


class LabCa:
    """A certificate authority made on the spot; issues leaf certificates into ``workdir``."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._key = ec.generate_private_key(ec.SECP256R1())
        self._leaf_key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, "clonewatch lab CA"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "clonewatch lab"),
            ]
        )
        public = self._key.public_key()
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_key_usage(ca=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .sign(self._key, hashes.SHA256())
        )
        self.ca_file = workdir / "ca.pem"
        self.ca_file.write_bytes(self.certificate.public_bytes(serialization.Encoding.PEM))
        self._key_file = workdir / "leaf.key"
        self._key_file.write_bytes(
            self._leaf_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self._issued = 0

    def issue(self, names: Iterable[str], kind: CertKind = CertKind.VALID) -> tuple[Path, Path]:
        """A leaf for ``names`` (the first is the CN); returns the certificate and key files."""
        dns_names = list(names)
        now = datetime.datetime.now(datetime.UTC)
        start, end = now - datetime.timedelta(days=1), now + datetime.timedelta(days=90)
        if kind is CertKind.EXPIRED:
            start, end = now - datetime.timedelta(days=120), now - datetime.timedelta(days=30)
        public = self._leaf_key.public_key()
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(dns_names[0]))
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in dns_names]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(ca=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        )
        if kind is CertKind.SELF_SIGNED:
            certificate = builder.issuer_name(_name(dns_names[0])).sign(self._leaf_key, hashes.SHA256())
        else:
            ca_public = self._key.public_key()
            certificate = (
                builder.issuer_name(self.certificate.subject)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_public), critical=False)
                .sign(self._key, hashes.SHA256())
            )
        self._issued += 1
        path = self.workdir / f"leaf{self._issued}.pem"
        path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        return path, self._key_file


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


class _Server(http.server.ThreadingHTTPServer):
    """A threaded server whose TLS handshake (if any) happens in the connection's own thread."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], lab: LocalWeb, tls: ssl.SSLContext | None) -> None:
        self.lab = lab
        self.tls = tls
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.tls is None:
            super().finish_request(request, client_address)
            return
        request.settimeout(HANDSHAKE_TIMEOUT)
        try:
            wrapped = self.tls.wrap_socket(request, server_side=True)
        except OSError as exc:
            log.debug("TLS handshake with %s failed: %s", client_address, exc)
            return
        try:
            super().finish_request(wrapped, client_address)
        finally:
            wrapped.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            log.debug("connection from %s ended: %s", client_address, error)
        else:
            log.exception("a lab site failed for %s", client_address)


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    timeout = CLIENT_TIMEOUT
    server_version = "lab"
    sys_version = ""

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        lab = self.server.lab
        host = (self.headers.get("Host") or "").strip().lower()
        if host.rsplit(":", 1)[-1].isdigit():
            host = host.rsplit(":", 1)[0]
        request = Request(
            method=self.command,
            scheme="https" if self.server.tls else "http",
            host=host,
            path=self.path,
            headers={name.lower(): value for name, value in self.headers.items()},
            stopping=lab.stopping,
            client=str(self.client_address[0]),
        )
        site = lab.site_for(host)
        response = site(request) if site else NO_SUCH_SITE
        self.close_connection = True
        if response is None:
            return
        try:
            self._send(response)
        except (ConnectionError, TimeoutError) as exc:
            log.debug("client went away: %s", exc)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        names = {name.lower() for name, _ in response.headers}
        for name, value in response.headers:
            self.send_header(name, value)
        if isinstance(response.body, bytes) and "content-length" not in names:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        chunks = [response.body] if isinstance(response.body, bytes) else response.body
        for chunk in chunks:
            self.wfile.write(chunk)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)


class LocalWeb:
    """The lab; see the module docstring. Ports are known once started (``http_port``,
    ``https_port``)."""

    def __init__(
        self,
        address: str = WEB_ADDRESS,
        *,
        http_port: int | None = None,
        https_port: int | None = None,
        also_on: Sequence[str] = (),
    ) -> None:
        self.address = address
        self.also_on = tuple(also_on)
        self.http_port = http_port or 0
        self.https_port = https_port or 0
        self._wanted = (http_port, https_port)
        self.stopping = threading.Event()
        self._sites: dict[str, Site] = {}
        self._certs: dict[str, tuple[tuple[str, ...], CertKind]] = {}
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._ca: LabCa | None = None
        self._workdir: Path | None = None
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []

    @property
    def ca_file(self) -> str:
        """The lab CA's certificate (PEM), for clients that should trust the lab."""
        return str(self._started_ca().ca_file)

    def add(
        self, host: str, site: Site, *, also: Iterable[str] = (), cert: CertKind = CertKind.VALID
    ) -> None:
        """Serve ``site`` for ``host``; its certificate also names ``also`` (other SANs)."""
        host = host.lower()
        self._sites[host] = site
        self._certs[host] = ((host, *(name.lower() for name in also)), cert)
        if self._ca is not None:
            self._install(host)

    def rdap(self, records: Mapping[str, Mapping[str, Any]], *, host: str = RDAP_HOST) -> str:
        """Serve RDAP for ``records`` (domain -> RFC 9083 JSON) on ``host``; returns the base URL.
        The mapping is read on every request, so names added later are served too."""
        self.add(host, rdap_server(records))
        return self.url(host, "/rdap/")

    def url(self, host: str, path: str = "/", *, scheme: str = "https") -> str:
        """The lab URL of ``path`` on ``host`` (the port is left out when it is the default)."""
        port = self.https_port if scheme == "https" else self.http_port
        default = 443 if scheme == "https" else 80
        return f"{scheme}://{host}{'' if port == default else f':{port}'}{path}"

    def site_for(self, host: str) -> Site | None:
        return self._sites.get(host.lower())

    def __enter__(self) -> LocalWeb:
        self._workdir = Path(tempfile.mkdtemp(prefix="clonewatch-web-"))
        self._ca = LabCa(self._workdir)
        base = self._context(*self._ca.issue([DEFAULT_NAME]))
        base.sni_callback = self._pick
        for host in self._certs:
            self._install(host)
        try:
            http_server = self._bind(self.address, self._wanted[0], 80, None)
            self._servers.append(http_server)
            https_server = self._bind(self.address, self._wanted[1], 443, base)
            self._servers.append(https_server)
            self.http_port = http_server.server_port
            self.https_port = https_server.server_port
            for address in self.also_on:
                self._servers.append(_Server((address, self.http_port), self, None))
                self._servers.append(_Server((address, self.https_port), self, base))
        except BaseException:
            self._stop()
            raise
        for server in self._servers:
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop()

    def _stop(self) -> None:
        self.stopping.set()
        for server, _ in zip(self._servers, self._threads, strict=False):
            server.shutdown()
        for server in self._servers:
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)

    def _bind(self, address: str, wanted: int | None, default: int, tls: ssl.SSLContext | None) -> _Server:
        if wanted is not None:
            return _Server((address, wanted), self, tls)
        try:
            return _Server((address, default), self, tls)
        except OSError:
            return _Server((address, 0), self, tls)

    def _started_ca(self) -> LabCa:
        if self._ca is None:
            raise RuntimeError("start the lab first: with LocalWeb() as lab")
        return self._ca

    def _install(self, host: str) -> None:
        names, kind = self._certs[host]
        context = self._context(*self._started_ca().issue(names, kind))
        for name in names:
            if name == host or name not in self._sites:
                self._contexts[name] = context

    @staticmethod
    def _context(cert_file: Path, key_file: Path) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        return context

    def _pick(self, connection: ssl.SSLObject | ssl.SSLSocket, name: str | None, _: ssl.SSLContext) -> None:
        context = self._contexts.get((name or "").lower())
        if context is not None:
            connection.context = context


def free_tcp_port(address: str = WEB_ADDRESS) -> int:
    """A TCP port nothing listens on at ``address`` (asked of the kernel, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((address, 0))
        return int(probe.getsockname()[1])
