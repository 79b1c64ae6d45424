"""The DNS names a certificate's TBSCertificate names: subject common names and SAN dNSNames.

Read with the lenient DER reader (:mod:`clonewatch.watch.der`), which walks only the parts that
hold names (RFC 5280 §4.1)::

    TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity,
                                  subject, subjectPublicKeyInfo, [1] [2] unique IDs OPTIONAL,
                                  [3] extensions OPTIONAL }
    Extension      ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }

so what a strict parser refuses elsewhere in a certificate costs nothing here: a negative serial
number, an explicit DEFAULT in BasicConstraints, an extension that appears twice (the names of
every subjectAltName extension count), lengths written in too many bytes. A part that cannot be
delimited at all (a length running past its parent) is skipped with the names read before it kept,
and reported in :attr:`CertNames.damage`; only a TBS that cannot be walked as far as its subject
is refused (:class:`clonewatch.watch.der.DerError`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from clonewatch.watch import der

COMMON_NAME = der.encode_oid("2.5.4.3")
SUBJECT_ALT_NAME = der.encode_oid("2.5.29.17")
_VERSION = 0xA0
_EXTENSIONS = 0xA3
_DNS_NAME = 0x82  # GeneralName [2] IMPLICIT IA5String
_TBS_FIELDS_BEFORE_SUBJECT = 4  # serialNumber, signature, issuer, validity
_NONE = (-1, 0, 0)  # what next() gives past the last field

# DirectoryString and the other string types a CN is found in, with the codec of each.
_STRING_CODECS = {
    0x0C: "utf-8",  # UTF8String
    0x13: "utf-8",  # PrintableString
    0x16: "utf-8",  # IA5String
    0x1A: "utf-8",  # VisibleString
    0x12: "utf-8",  # NumericString
    0x14: "t61",  # TeletexString: in practice UTF-8 (what cryptography writes) or else Latin-1
    0x1E: "utf-16-be",  # BMPString
    0x1C: "utf-32-be",  # UniversalString
}


@dataclass(frozen=True, slots=True)
class CertNames:
    """The names read (lower-cased, ``*.`` removed, each once, CNs first) and the parts that could
    not be read (empty for a certificate read whole)."""

    names: list[str]
    damage: tuple[str, ...] = ()


def certificate_tbs(cert: bytes) -> bytes:
    """The TBSCertificate inside a DER ``Certificate ::= SEQUENCE { tbs, algorithm, signature }``."""
    _, start, end = der.expect(cert, 0, der.SEQUENCE, "Certificate")
    _, _, tbs_end = der.expect(cert, start, der.SEQUENCE, "TBSCertificate", end)
    return cert[start:tbs_end]


def tbs_names(tbs: bytes) -> CertNames:
    """Subject CN and SAN dNSName values of a DER TBSCertificate (see the module docstring)."""
    _, at, end = der.expect(tbs, 0, der.SEQUENCE, "TBSCertificate")
    fields = der.children(tbs, at, end)
    subject_start, subject_end = _subject(fields)
    found: dict[str, None] = {}
    damage: list[str] = []
    try:
        _common_names(tbs, subject_start, subject_end, found)
    except der.DerError as exc:
        damage.append(f"subject: {exc}")
    try:
        for tag, start, stop in fields:  # the unique IDs ([1], [2]) are passed over
            if tag == _EXTENSIONS:
                _extension_names(tbs, start, stop, found, damage)
    except der.DerError as exc:
        damage.append(f"extensions: {exc}")
    found.pop("", None)
    return CertNames(list(found), tuple(damage))


def _subject(fields: Iterator[tuple[int, int, int]]) -> tuple[int, int]:
    """Where the subject Name's contents are, after the optional version and four fields."""
    tag, start, end = next(fields, _NONE)
    if tag == _VERSION:
        tag, start, end = next(fields, _NONE)
    for _ in range(_TBS_FIELDS_BEFORE_SUBJECT):
        if tag == _NONE[0]:
            break
        tag, start, end = next(fields, _NONE)
    if tag != der.SEQUENCE:
        raise der.DerError("TBSCertificate has no subject name")
    return start, end


def _common_names(tbs: bytes, start: int, end: int, found: dict[str, None]) -> None:
    """``Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value ANY }``: every CN value."""
    for rdn_tag, rdn_start, rdn_end in der.children(tbs, start, end):
        if rdn_tag != der.SET:
            continue
        for attr_tag, attr_start, attr_end in der.children(tbs, rdn_start, rdn_end):
            if attr_tag != der.SEQUENCE:
                continue
            oid_tag, oid_start, oid_end = der.read(tbs, attr_start, attr_end)
            if oid_tag != der.OBJECT_IDENTIFIER or tbs[oid_start:oid_end] != COMMON_NAME:
                continue
            value_tag, value_start, value_end = der.read(tbs, oid_end, attr_end)
            codec = _STRING_CODECS.get(value_tag)
            if codec is not None:
                found[clean(_decode(tbs[value_start:value_end], codec))] = None


def _extension_names(tbs: bytes, start: int, end: int, found: dict[str, None], damage: list[str]) -> None:
    """SAN dNSNames from every subjectAltName extension in ``[3] EXPLICIT Extensions``."""
    _, list_start, list_end = der.expect(tbs, start, der.SEQUENCE, "Extensions", end)
    for number, (tag, ext_start, ext_end) in enumerate(der.children(tbs, list_start, list_end)):
        if tag != der.SEQUENCE:
            continue
        try:
            _san_names(tbs, ext_start, ext_end, found)
        except der.DerError as exc:
            damage.append(f"extension {number}: {exc}")


def _san_names(tbs: bytes, start: int, end: int, found: dict[str, None]) -> None:
    parts = der.children(tbs, start, end)
    oid_tag, oid_start, oid_end = next(parts, (None, 0, 0))
    if oid_tag != der.OBJECT_IDENTIFIER or tbs[oid_start:oid_end] != SUBJECT_ALT_NAME:
        return
    for tag, value_start, value_end in parts:
        if tag == der.OCTET_STRING:  # after ``critical``, present or not
            _, names_start, names_end = der.expect(tbs, value_start, der.SEQUENCE, "GeneralNames", value_end)
            for name_tag, name_start, name_end in der.children(tbs, names_start, names_end):
                if name_tag == _DNS_NAME:
                    found[clean(tbs[name_start:name_end].decode("utf-8", "replace"))] = None
            return


def _decode(raw: bytes, codec: str) -> str:
    if codec == "t61":
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("latin-1")
    return raw.decode(codec, "replace")


def clean(name: str) -> str:
    """Lower-cased, surrounding space removed, every leading ``*.`` removed."""
    name = name.strip().lower()
    while name.startswith("*."):
        name = name[2:]
    return name
