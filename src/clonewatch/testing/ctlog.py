"""A local certificate-transparency log: RFC 6962 ``get-sth`` and ``get-entries`` on loopback.

``CertFactory`` issues real DER certificates and precertificates (``cryptography``, an EC test CA)
for any names; ``LocalCtLog`` serves them from a threaded HTTP server on 127.0.x.x, and the test
grows it (``add``), makes it fail (``fail_next(429, retry_after=1)``, ``fail_next(500)``), adds a
malformed entry (``add_malformed``) or shrinks it (``shrink``). The STH is not signed and the tree
head hash is a placeholder: the monitor reads entries, it does not audit the log.

Entries come from an :class:`EntrySource`: a list by default, or anything with ``len`` and item
access (the benchmark serves a million entries by cycling a pool of certificates).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import http.server
import json
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CT_ADDRESS = "127.0.3.1"
MAX_ENTRIES_PER_REQUEST = 256


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One log entry as ``get-entries`` returns it (raw bytes, base64-encoded when served)."""

    leaf_input: bytes
    extra_data: bytes


class EntrySource(Protocol):
    def __len__(self) -> int: ...
    def __getitem__(self, index: int) -> LogEntry: ...


def _u24(data: bytes) -> bytes:
    return len(data).to_bytes(3, "big") + data


def _leaf(entry_type: int, body: bytes, timestamp_ms: int) -> bytes:
    return b"\x00\x00" + timestamp_ms.to_bytes(8, "big") + entry_type.to_bytes(2, "big") + body + b"\x00\x00"


class CertFactory:
    """Issues leaf certificates and precertificates for given names from one EC test CA."""

    def __init__(self) -> None:
        self._key = ec.generate_private_key(ec.SECP256R1())
        self._leaf_key = ec.generate_private_key(ec.SECP256R1())
        self._now = datetime.datetime.now(datetime.UTC)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "clonewatch CT test CA")])
        self.issuer = name
        self.ca = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self._key.public_key())
            .serial_number(1)
            .not_valid_before(self._now - datetime.timedelta(days=1))
            .not_valid_after(self._now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self._key, hashes.SHA256())
        )
        self.ca_der = self.ca.public_bytes(serialization.Encoding.DER)
        spki = self._key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.issuer_key_hash = hashlib.sha256(spki).digest()

    def _builder(self, names: Sequence[str], common_name: str | None) -> x509.CertificateBuilder:
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)] if common_name else [])
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.issuer)
            .public_key(self._leaf_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self._now - datetime.timedelta(hours=1))
            .not_valid_after(self._now + datetime.timedelta(days=90))
        )
        if names:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(name) for name in names]), critical=False
            )
        return builder

    def certificate(self, names: Sequence[str], common_name: str | None = None) -> bytes:
        """A DER leaf certificate with ``names`` as SANs and CN ``common_name`` (default: the first)."""
        cn = common_name if common_name is not None else (names[0] if names else None)
        cert = self._builder(names, cn).sign(self._key, hashes.SHA256())
        return cert.public_bytes(serialization.Encoding.DER)

    def precertificate(self, names: Sequence[str], common_name: str | None = None) -> tuple[bytes, bytes]:
        """(TBSCertificate as logged, i.e. without the poison extension; the full DER precertificate)."""
        cn = common_name if common_name is not None else (names[0] if names else None)
        builder = self._builder(names, cn)
        logged = builder.sign(self._key, hashes.SHA256())  # the same TBS, poison left out (RFC 6962 §3.2)
        precert = builder.add_extension(x509.PrecertPoison(), critical=True).sign(self._key, hashes.SHA256())
        return logged.tbs_certificate_bytes, precert.public_bytes(serialization.Encoding.DER)

    def x509_entry(
        self, names: Sequence[str], common_name: str | None = None, timestamp_ms: int = 0
    ) -> LogEntry:
        return self.entry_for_certificate(self.certificate(names, common_name), timestamp_ms)

    def precert_entry(
        self, names: Sequence[str], common_name: str | None = None, timestamp_ms: int = 0
    ) -> LogEntry:
        tbs, precert = self.precertificate(names, common_name)
        return self.entry_for_tbs(tbs, precert, timestamp_ms)

    def entry_for_certificate(self, der: bytes, timestamp_ms: int = 0) -> LogEntry:
        """An x509_entry logging the DER certificate ``der`` as it is (well-formed or not)."""
        return LogEntry(_leaf(0, _u24(der), timestamp_ms or _ms()), _u24(_u24(self.ca_der)))

    def entry_for_tbs(self, tbs: bytes, precert: bytes = b"", timestamp_ms: int = 0) -> LogEntry:
        """A precert_entry logging the TBSCertificate ``tbs`` as it is (``precert``: its extra_data)."""
        leaf = _leaf(1, self.issuer_key_hash + _u24(tbs), timestamp_ms or _ms())
        return LogEntry(leaf, _u24(precert or tbs) + _u24(_u24(self.ca_der)))


def _ms() -> int:
    return int(time.time() * 1000)


MALFORMED = LogEntry(b"\x00\x00" + b"\x00" * 8 + b"\x00\x00" + b"\x00\x00\x09not a cert", b"")


@dataclass(slots=True)
class _Fault:
    status: int
    retry_after: float | None


class LocalCtLog:
    """A growing RFC 6962 log on ``http://127.0.3.1:PORT/log/`` (``url``); use as a context manager."""

    def __init__(
        self,
        entries: EntrySource | None = None,
        *,
        address: str = CT_ADDRESS,
        max_per_request: int = MAX_ENTRIES_PER_REQUEST,
    ) -> None:
        self.entries: EntrySource = entries if entries is not None else []
        self.max_per_request = max_per_request
        self.requests: list[str] = []
        self._faults: deque[_Fault] = deque()
        self._size_override: int | None = None
        self._lock = threading.Lock()
        self._server = http.server.ThreadingHTTPServer((address, 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/log/"

    def __enter__(self) -> LocalCtLog:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add(self, *entries: LogEntry) -> None:
        """Append entries (the log grows; the next ``get-sth`` shows them)."""
        assert isinstance(self.entries, list), "only a list-backed log grows"
        with self._lock:
            self.entries.extend(entries)

    def add_malformed(self) -> None:
        self.add(MALFORMED)

    def shrink(self, size: int) -> None:
        """From now on report ``tree_size`` = ``size`` (a broken or rewound log)."""
        with self._lock:
            self._size_override = size

    def fail_next(self, status: int, *, retry_after: float | None = None, count: int = 1) -> None:
        """The next ``count`` requests get ``status`` (with a Retry-After header when given)."""
        with self._lock:
            self._faults.extend(_Fault(status, retry_after) for _ in range(count))

    def tree_size(self) -> int:
        with self._lock:
            return self._size_override if self._size_override is not None else len(self.entries)

    def _fault(self) -> _Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def _slice(self, start: int, end: int) -> list[LogEntry]:
        size = self.tree_size()
        last = min(end, size - 1, start + self.max_per_request - 1)
        return [self.entries[index] for index in range(start, last + 1)]


def _handler(log: LocalCtLog) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            log.requests.append(parts.path)
            fault = log._fault()
            if fault is not None:
                headers = (
                    {"Retry-After": str(int(fault.retry_after))} if fault.retry_after is not None else {}
                )
                self._send(fault.status, b"busy", headers)
            elif parts.path == "/log/ct/v1/get-sth":
                sth = {
                    "tree_size": log.tree_size(),
                    "timestamp": _ms(),
                    "sha256_root_hash": base64.b64encode(bytes(32)).decode(),
                    "tree_head_signature": "",
                }
                self._send(200, json.dumps(sth).encode())
            elif parts.path == "/log/ct/v1/get-entries":
                query = parse_qs(parts.query)
                try:
                    start, end = int(query["start"][0]), int(query["end"][0])
                except (KeyError, ValueError):
                    self._send(400, b"start and end required")
                    return
                if start < 0 or end < start or start >= log.tree_size():
                    self._send(400, b"bad range")
                    return
                entries = [
                    {
                        "leaf_input": base64.b64encode(entry.leaf_input).decode(),
                        "extra_data": base64.b64encode(entry.extra_data).decode(),
                    }
                    for entry in log._slice(start, end)
                ]
                self._send(200, json.dumps({"entries": entries}).encode())
            else:
                self._send(404, b"not found")

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler
