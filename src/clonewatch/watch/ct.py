"""Certificate-transparency log entries (RFC 6962 §3.4) to the DNS names they certify.

A ``get-entries`` item holds a ``MerkleTreeLeaf``: version, leaf type, then a ``TimestampedEntry``
(timestamp, entry type, the entry, extensions). An ``x509_entry`` is a whole DER certificate. A
``precert_entry`` is the issuer's key hash and the precertificate's TBSCertificate with the poison
extension removed: the data the log actually signed. ``cryptography`` loads certificates, not bare
TBS structures, so the TBS is wrapped in a Certificate with the TBS's own signature algorithm and an
empty signature (:func:`certificate_from_tbs`); nothing is verified, only parsed, and the names
come from the logged TBS rather than from ``extra_data``, which the leaf hash does not cover.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID

X509_ENTRY = 0
PRECERT_ENTRY = 1
_HEADER = 12  # version, leaf type, 8-byte timestamp, 2-byte entry type
_ISSUER_KEY_HASH = 32
_EMPTY_SIGNATURE = b"\x03\x01\x00"  # BIT STRING, no unused bits, no bytes


class MalformedEntry(ValueError):
    """A log entry that is not a well-formed MerkleTreeLeaf carrying a parseable certificate."""


def entry_names(entry: Mapping[str, Any]) -> list[str]:
    """Every DNS name a ``get-entries`` item certifies (subject CN and SAN dNSNames, ``*.`` removed)."""
    try:
        leaf = base64.b64decode(entry["leaf_input"], validate=True)
    except (KeyError, TypeError, binascii.Error) as exc:
        raise MalformedEntry(f"leaf_input is not base64 ({exc})") from None
    return certificate_names(leaf_certificate(leaf))


def leaf_certificate(leaf: bytes) -> x509.Certificate:
    """The certificate (or the precertificate's TBS, wrapped) in a MerkleTreeLeaf."""
    if len(leaf) < _HEADER + 3:
        raise MalformedEntry(f"leaf of {len(leaf)} bytes is too short")
    if leaf[0] != 0 or leaf[1] != 0:
        raise MalformedEntry(f"unknown leaf version {leaf[0]} or leaf type {leaf[1]}")
    entry_type = int.from_bytes(leaf[10:12], "big")
    if entry_type == X509_ENTRY:
        der = _opaque24(leaf, _HEADER)
        try:
            return x509.load_der_x509_certificate(der)
        except ValueError as exc:
            raise MalformedEntry(f"x509_entry is not a DER certificate ({exc})") from None
    if entry_type == PRECERT_ENTRY:
        return certificate_from_tbs(_opaque24(leaf, _HEADER + _ISSUER_KEY_HASH))
    raise MalformedEntry(f"unknown entry type {entry_type}")


def _opaque24(data: bytes, at: int) -> bytes:
    """A TLS ``opaque<1..2^24-1>`` starting at ``at``."""
    if len(data) < at + 3:
        raise MalformedEntry("entry ends inside a length field")
    size = int.from_bytes(data[at : at + 3], "big")
    body = data[at + 3 : at + 3 + size]
    if size == 0 or len(body) != size:
        raise MalformedEntry(f"entry declares {size} bytes but holds {len(body)}")
    return body


def certificate_from_tbs(tbs: bytes) -> x509.Certificate:
    """Load a bare DER TBSCertificate by wrapping it as ``Certificate ::= SEQUENCE { tbs,
    signatureAlgorithm (copied from the TBS), signature (empty) }``."""
    try:
        tag, body_start, end = _tlv(tbs, 0)
        if tag != 0x30 or end != len(tbs):
            raise MalformedEntry("TBSCertificate is not one DER SEQUENCE")
        at = body_start
        tag, _, at_end = _tlv(tbs, at)
        if tag == 0xA0:  # [0] EXPLICIT version
            at = at_end
            tag, _, at_end = _tlv(tbs, at)
        if tag != 0x02:
            raise MalformedEntry("TBSCertificate has no serial number")
        at = at_end
        tag, _, at_end = _tlv(tbs, at)
        if tag != 0x30:
            raise MalformedEntry("TBSCertificate has no signature algorithm")
        algorithm = tbs[at:at_end]
    except IndexError:
        raise MalformedEntry("TBSCertificate is truncated") from None
    body = tbs + algorithm + _EMPTY_SIGNATURE
    try:
        return x509.load_der_x509_certificate(b"\x30" + _der_length(len(body)) + body)
    except ValueError as exc:
        raise MalformedEntry(f"precert_entry TBSCertificate does not parse ({exc})") from None


def _tlv(data: bytes, at: int) -> tuple[int, int, int]:
    """(tag, start of contents, end of element) of the DER element at ``at``."""
    tag = data[at]
    first = data[at + 1]
    if first < 0x80:
        return tag, at + 2, at + 2 + first
    count = first & 0x7F
    if not 1 <= count <= 4:
        raise MalformedEntry("DER length field out of range")
    size = int.from_bytes(data[at + 2 : at + 2 + count], "big")
    start = at + 2 + count
    if start + size > len(data):
        raise MalformedEntry("DER element runs past the end")
    return tag, start, start + size


def _der_length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def certificate_names(cert: x509.Certificate) -> list[str]:
    """Subject CN and SAN dNSName values, lower-cased, wildcards' ``*.`` removed, each once.

    A certificate whose extensions do not parse still gives its subject CN.
    """
    names: dict[str, None] = {}
    try:
        for attribute in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME):
            if isinstance(attribute.value, str):
                names[_clean(attribute.value)] = None
    except ValueError:
        pass  # an unparseable subject: the SANs may still name the hosts
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        san = None
    except ValueError:
        san = None  # a malformed or duplicated extension: keep what the subject gave
    if san is not None:
        for value in san.get_values_for_type(x509.DNSName):
            names[_clean(value)] = None
    names.pop("", None)
    return list(names)


def _clean(name: str) -> str:
    name = name.strip().lower()
    while name.startswith("*."):
        name = name[2:]
    return name
