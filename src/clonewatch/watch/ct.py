"""Certificate-transparency log entries (RFC 6962 §3.4) to the DNS names they certify.

A ``get-entries`` item holds a ``MerkleTreeLeaf``: version, leaf type, then a ``TimestampedEntry``
(timestamp, entry type, the entry, extensions). An ``x509_entry`` is a whole DER certificate. A
``precert_entry`` is the issuer's key hash and the precertificate's TBSCertificate with the poison
extension removed: the data the log actually signed. Both come down to a TBSCertificate, whose
names are read by the lenient reader of :mod:`clonewatch.watch.certnames`; nothing is verified,
only parsed, and the names come from the logged TBS rather than from ``extra_data``, which the
leaf hash does not cover.

Why not ``cryptography``: it refuses whole certificates, or all their extensions, for DER faults
that real logged certificates have (a duplicated extension, an explicit DEFAULT, a negative serial
number, a long-form short length), and the names were still there to read. The lenient reader
gives the same names for well-formed certificates (tested against ``cryptography``) and is no
slower.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from clonewatch.watch import der
from clonewatch.watch.certnames import CertNames, certificate_tbs, tbs_names

X509_ENTRY = 0
PRECERT_ENTRY = 1
_HEADER = 12  # version, leaf type, 8-byte timestamp, 2-byte entry type
_ISSUER_KEY_HASH = 32


class MalformedEntry(ValueError):
    """A log entry that is not a well-formed MerkleTreeLeaf carrying a readable certificate."""


def read_entry(entry: Mapping[str, Any]) -> CertNames:
    """The names a ``get-entries`` item certifies, and the parts of it that could not be read.

    Raises MalformedEntry (and nothing else) for an item with no certificate to read.
    """
    try:
        leaf = base64.b64decode(entry["leaf_input"], validate=True)
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise MalformedEntry(f"leaf_input is not base64 ({exc})") from None
    tbs = leaf_tbs(leaf)
    try:
        return tbs_names(tbs)
    except der.DerError as exc:
        raise MalformedEntry(f"the TBSCertificate cannot be read ({exc})") from None


def entry_names(entry: Mapping[str, Any]) -> list[str]:
    """Every DNS name a ``get-entries`` item certifies (subject CN and SAN dNSNames, ``*.`` removed)."""
    return read_entry(entry).names


def leaf_tbs(leaf: bytes) -> bytes:
    """The TBSCertificate in a MerkleTreeLeaf: the x509_entry certificate's, or the precert_entry's."""
    if len(leaf) < _HEADER + 3:
        raise MalformedEntry(f"leaf of {len(leaf)} bytes is too short")
    if leaf[0] != 0 or leaf[1] != 0:
        raise MalformedEntry(f"unknown leaf version {leaf[0]} or leaf type {leaf[1]}")
    entry_type = int.from_bytes(leaf[10:12], "big")
    if entry_type == X509_ENTRY:
        try:
            return certificate_tbs(_opaque24(leaf, _HEADER))
        except der.DerError as exc:
            raise MalformedEntry(f"x509_entry is not a DER certificate ({exc})") from None
    if entry_type == PRECERT_ENTRY:
        return _opaque24(leaf, _HEADER + _ISSUER_KEY_HASH)
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
