"""The certificate a host presents, captured even when it does not validate, and whether it does.

The caller has resolved the host; the network layer refuses a forbidden address and connects to
the one it is given, with the host as SNI. A first handshake that verifies nothing captures the
certificate (clones often present expired, self-signed or borrowed ones, which are evidence too);
a second, verifying handshake says whether the chain and the name check out, and why not.
Each handshake is capped at ``timeout`` seconds. Failures are returned in ``error``, not raised.
"""

from __future__ import annotations

import ssl
from dataclasses import asdict, dataclass, replace
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from clonewatch.errors import FetchRefused
from clonewatch.net import AddressPolicy, tls_handshake


@dataclass(frozen=True, slots=True)
class TlsEvidence:
    """One host's certificate on one address. ``valid`` is None when nothing was captured
    (``error`` says why); ``other_names`` are the certificate's names other than the host and its
    wildcards: the other domains sharing the certificate, a campaign pivot."""

    host: str
    address: str
    port: int
    valid: bool | None = None
    reason: str | None = None
    tls_version: str | None = None
    subject_cn: str | None = None
    sans: tuple[str, ...] = ()
    issuer: str | None = None
    issuer_cn: str | None = None
    issuer_org: str | None = None
    not_before: str | None = None
    not_after: str | None = None
    serial: str | None = None
    sha256: str | None = None
    self_signed: bool | None = None
    other_names: tuple[str, ...] = ()
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        record = asdict(self)
        record["sans"] = list(self.sans)
        record["other_names"] = list(self.other_names)
        return record


def certificate_of(
    host: str,
    address: str,
    port: int = 443,
    *,
    timeout: float,
    ca_file: str | None = None,
    policy: AddressPolicy | None = None,
) -> TlsEvidence:
    """Capture and check the certificate ``host`` presents on ``address:port``.

    ``valid`` means the chain validates against ``ca_file`` (when given; else the system's trust
    store) and the certificate names ``host``.
    """
    policy = policy or AddressPolicy()
    try:
        der, version = tls_handshake(
            host, address, port, timeout=timeout, context=_capturing_context(), policy=policy
        )
    except FetchRefused as exc:
        return TlsEvidence(host, address, port, error=f"refused: {exc}")
    except (OSError, ValueError) as exc:
        return TlsEvidence(host, address, port, error=_describe(exc))
    if der is None:
        return TlsEvidence(host, address, port, tls_version=version, error="no certificate presented")
    try:
        evidence = _parse(host, address, port, der)
    except ValueError as exc:
        error = f"unparseable certificate: {exc}"
        return TlsEvidence(host, address, port, tls_version=version, error=error)
    valid, reason = _verify(host, address, port, timeout, ca_file, policy)
    return replace(evidence, valid=valid, reason=reason, tls_version=version)


def _capturing_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    try:
        context.set_ciphers("ALL:@SECLEVEL=0")
    except ssl.SSLError:
        context.set_ciphers("DEFAULT")
    return context


def _verifying_context(ca_file: str | None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ca_file)


def _verify(
    host: str, address: str, port: int, timeout: float, ca_file: str | None, policy: AddressPolicy
) -> tuple[bool, str | None]:
    try:
        context = _verifying_context(ca_file)
        tls_handshake(host, address, port, timeout=timeout, context=context, policy=policy)
    except ssl.SSLCertVerificationError as exc:
        return False, exc.verify_message or str(exc)
    except OSError as exc:
        return False, f"verification failed: {_describe(exc)}"
    return True, None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {exc.reason or exc}"
    return f"{type(exc).__name__}: {exc}"


def _parse(host: str, address: str, port: int, der: bytes) -> TlsEvidence:
    certificate = x509.load_der_x509_certificate(der)
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        sans = tuple(name.lower() for name in san.value.get_values_for_type(x509.DNSName))
    except x509.ExtensionNotFound:
        sans = ()
    return TlsEvidence(
        host,
        address,
        port,
        subject_cn=_attribute(certificate.subject, NameOID.COMMON_NAME),
        sans=sans,
        issuer=certificate.issuer.rfc4514_string(),
        issuer_cn=_attribute(certificate.issuer, NameOID.COMMON_NAME),
        issuer_org=_attribute(certificate.issuer, NameOID.ORGANIZATION_NAME),
        not_before=certificate.not_valid_before_utc.isoformat(),
        not_after=certificate.not_valid_after_utc.isoformat(),
        serial=format(certificate.serial_number, "x"),
        sha256=certificate.fingerprint(hashes.SHA256()).hex(),
        self_signed=_self_signed(certificate),
        other_names=other_names(host, sans),
    )


def other_names(host: str, sans: tuple[str, ...]) -> tuple[str, ...]:
    """The names in ``sans`` other than ``host``, the wildcard that covers it and its own wildcard
    (``*.example.com`` beside ``example.com``)."""
    host = host.lower().rstrip(".")
    own = {host, "*." + host}
    if "." in host:
        own.add("*." + host.split(".", 1)[1])
    return tuple(name for name in sans if name not in own)


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    if not values:
        return None
    value = values[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def _self_signed(certificate: x509.Certificate) -> bool:
    if certificate.issuer != certificate.subject:
        return False
    try:
        certificate.verify_directly_issued_by(certificate)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True
