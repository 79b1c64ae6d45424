"""Certificates with the DER faults found in public CT logs, made from good ones by re-encoding.

Each fault takes a DER TBSCertificate (``CertFactory.precertificate`` gives one; :func:`tbs_of`
takes one out of a certificate) and returns it re-encoded with that fault; :func:`with_tbs` puts
a TBS back into a certificate with the original signature, which then no longer verifies (nothing
that reads CT logs checks it). The faults, each seen in real logged certificates:

- :func:`duplicate_extension`: an extension twice (``cryptography`` raises ``DuplicateExtension``);
- :func:`negative_serial`: a serial number below zero (``cryptography`` warns, and will refuse);
- :func:`explicit_default`: ``BasicConstraints`` with ``cA BOOLEAN DEFAULT FALSE`` written out;
- :func:`long_lengths`: lengths in long form with a leading zero octet (``81 05``-style BER), in
  the SAN extension or everywhere in the TBS;
- :func:`truncated_san`: a SAN whose last name's length runs past the end of the extension.

The DER encoder here is deliberately separate from the reader under test.
"""

from __future__ import annotations

from collections.abc import Callable

SEQUENCE = 0x30
_EXTENSIONS = 0xA3
_OCTET_STRING = 0x04
_SAN_OID = bytes.fromhex("0603551d11")
_BASIC_CONSTRAINTS_OID = bytes.fromhex("0603551d13")


def length(size: int, *, octets: int = 0) -> bytes:
    """A DER length; with ``octets``, long form in that many octets even where DER wants fewer."""
    if octets == 0:
        if size < 0x80:
            return bytes([size])
        octets = (size.bit_length() + 7) // 8
    return bytes([0x80 | octets]) + size.to_bytes(octets, "big")


def tlv(tag: int, body: bytes, *, octets: int = 0) -> bytes:
    return bytes([tag]) + length(len(body), octets=octets) + body


def split(data: bytes) -> tuple[int, bytes, bytes]:
    """(tag, contents, the bytes after the element) of the element at the start of ``data``."""
    tag, first = data[0], data[1]
    at, size = 2, first
    if first & 0x80:
        count = first & 0x7F
        size = int.from_bytes(data[2 : 2 + count], "big")
        at = 2 + count
    return tag, data[at : at + size], data[at + size :]


def elements(contents: bytes) -> list[bytes]:
    """The encoded elements one after another in ``contents``."""
    out: list[bytes] = []
    while contents:
        _, _, rest = split(contents)
        out.append(contents[: len(contents) - len(rest)])
        contents = rest
    return out


def tbs_of(cert: bytes) -> bytes:
    _, contents, _ = split(cert)
    return elements(contents)[0]


def with_tbs(cert: bytes, tbs: bytes) -> bytes:
    """``cert`` with its TBSCertificate replaced (signature algorithm and signature kept)."""
    _, contents, _ = split(cert)
    _, algorithm, signature = elements(contents)
    return tlv(SEQUENCE, tbs + algorithm + signature)


def _fields(tbs: bytes) -> list[bytes]:
    _, contents, _ = split(tbs)
    return elements(contents)


def _extensions(fields: list[bytes]) -> list[bytes]:
    wrapper = next(field for field in fields if field[0] == _EXTENSIONS)
    _, inner, _ = split(wrapper)
    _, listed, _ = split(inner)
    return elements(listed)


def _with_extensions(fields: list[bytes], extensions: list[bytes]) -> bytes:
    wrapped = tlv(_EXTENSIONS, tlv(SEQUENCE, b"".join(extensions)))
    return tlv(SEQUENCE, b"".join(wrapped if field[0] == _EXTENSIONS else field for field in fields))


def _is_san(extension: bytes) -> bool:
    _, contents, _ = split(extension)
    return contents.startswith(_SAN_OID)


def duplicate_extension(tbs: bytes) -> bytes:
    """Every extension of ``tbs`` twice over (the SAN among them)."""
    fields = _fields(tbs)
    extensions = _extensions(fields)
    return _with_extensions(fields, extensions + extensions)


def negative_serial(tbs: bytes, serial: int = -0x1234_5678_9ABC) -> bytes:
    fields = _fields(tbs)
    at = 1 if fields[0][0] == 0xA0 else 0
    raw = serial.to_bytes((serial.bit_length() + 8) // 8, "big", signed=True)
    fields[at] = tlv(0x02, raw)
    return tlv(SEQUENCE, b"".join(fields))


def explicit_default(tbs: bytes) -> bytes:
    """A BasicConstraints extension ``{ cA FALSE }`` before the others: DER omits DEFAULT values."""
    fields = _fields(tbs)
    value = tlv(SEQUENCE, tlv(0x01, b"\x00"))
    basic = tlv(SEQUENCE, _BASIC_CONSTRAINTS_OID + tlv(0x01, b"\xff") + tlv(_OCTET_STRING, value))
    return _with_extensions(fields, [basic, *_extensions(fields)])


def long_lengths(tbs: bytes, *, everywhere: bool = False) -> bytes:
    """Every length in the SAN extension (or, ``everywhere``, in the whole TBS) in long form with
    one octet more than it needs."""
    if everywhere:
        return _relengthen(tbs)
    fields = _fields(tbs)
    extensions = [_relengthen(ext) if _is_san(ext) else ext for ext in _extensions(fields)]
    return _with_extensions(fields, extensions)


def _relengthen(element: bytes) -> bytes:
    tag, contents, _ = split(element)
    constructed = tag & 0x20 or (tag == _OCTET_STRING and contents[:1] == bytes([SEQUENCE]))
    if constructed:
        contents = b"".join(_relengthen(child) for child in elements(contents))
    octets = max(1, (len(contents).bit_length() + 7) // 8) + 1
    return tlv(tag, contents, octets=octets)


def truncated_san(tbs: bytes) -> bytes:
    """The SAN's last GeneralName claims 100 bytes more than the extension holds."""
    fields = _fields(tbs)

    def cut(extension: bytes) -> bytes:
        _, contents, _ = split(extension)
        oid, value = elements(contents)
        _, names_der, _ = split(value)
        _, names, _ = split(names_der)
        *kept, last = elements(names)
        tag, body, _ = split(last)
        broken = bytes([tag]) + length(len(body) + 100) + body
        return tlv(SEQUENCE, oid + tlv(_OCTET_STRING, tlv(SEQUENCE, b"".join(kept) + broken)))

    return _with_extensions(fields, [cut(ext) if _is_san(ext) else ext for ext in _extensions(fields)])


Fault = Callable[[bytes], bytes]
FAULTS: dict[str, Fault] = {
    "duplicate-extension": duplicate_extension,
    "negative-serial": negative_serial,
    "explicit-default": explicit_default,
    "long-lengths-in-san": long_lengths,
    "long-lengths-everywhere": lambda tbs: long_lengths(tbs, everywhere=True),
}
