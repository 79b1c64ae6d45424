"""A small, lenient reader of DER elements: enough ASN.1 to walk a certificate to its names.

Certificates in public CT logs break DER in ways that strict parsers refuse outright: lengths
written in more bytes than needed, explicit encodings of DEFAULT values, negative serial numbers,
duplicated extensions. None of that hides where an element starts and ends, so this reader accepts
any definite length (short or long form, with leading zero bytes) and leaves the meaning of the
contents to the caller. What it cannot do is guess: an indefinite length (BER, forbidden in DER),
a length that runs past the enclosing element, or a truncated header raise :class:`DerError`.

Elements are ``(tag, start, end)`` triples into the caller's buffer: ``tag`` is the identifier
octet (a high-tag-number identifier keeps its first octet, ``0x1f`` in its low bits, so it never
equals a universal or low context tag), and ``data[start:end]`` are the contents.
"""

from __future__ import annotations

from collections.abc import Iterator

SEQUENCE = 0x30
SET = 0x31
INTEGER = 0x02
BOOLEAN = 0x01
OCTET_STRING = 0x04
OBJECT_IDENTIFIER = 0x06

_MAX_LENGTH_OCTETS = 8


class DerError(ValueError):
    """The bytes do not delimit a DER (or definite-length BER) element where one was expected."""


def read(data: bytes, at: int, limit: int | None = None) -> tuple[int, int, int]:
    """The element starting at ``at`` as ``(tag, start of contents, end)``, inside ``data[:limit]``."""
    limit = len(data) if limit is None else limit
    if at + 2 > limit:
        raise DerError(f"element header at byte {at} runs past the end")
    tag = data[at]
    at += 1
    if tag & 0x1F == 0x1F:  # high tag number: base-128 digits, the last without its top bit
        while True:
            if at >= limit:
                raise DerError("tag runs past the end")
            at += 1
            if not data[at - 1] & 0x80:
                break
        if at >= limit:
            raise DerError("element header runs past the end")
    first = data[at]
    at += 1
    if first < 0x80:
        size = first
    elif first == 0x80:
        raise DerError(f"indefinite length at byte {at - 2}")
    else:
        count = first & 0x7F
        if count > _MAX_LENGTH_OCTETS or at + count > limit:
            raise DerError(f"length field of {count} bytes at byte {at - 1} is out of range")
        size = int.from_bytes(data[at : at + count], "big")
        at += count
    end = at + size
    if end > limit:
        raise DerError(f"element at byte {at} declares {size} bytes but {limit - at} remain")
    return tag, at, end


def children(data: bytes, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """The elements one after another in ``data[start:end]`` (the contents of a constructed element).

    Raises DerError at the first element that cannot be delimited, after yielding those before it.
    """
    at = start
    while at < end:
        element = read(data, at, end)
        yield element
        at = element[2]


def expect(data: bytes, at: int, tag: int, what: str, limit: int | None = None) -> tuple[int, int, int]:
    """The element at ``at``, which must have ``tag``; DerError naming ``what`` otherwise."""
    element = read(data, at, limit)
    if element[0] != tag:
        raise DerError(f"{what}: expected tag 0x{tag:02x}, found 0x{element[0]:02x}")
    return element


def encode_oid(dotted: str) -> bytes:
    """The contents octets of an OBJECT IDENTIFIER (to compare with ``data[start:end]``)."""
    arcs = [int(arc) for arc in dotted.split(".")]
    if len(arcs) < 2:
        raise ValueError(f"{dotted!r} has fewer than two arcs")
    out = bytearray()
    for arc in [arcs[0] * 40 + arcs[1], *arcs[2:]]:
        digits = [arc & 0x7F]
        arc >>= 7
        while arc:
            digits.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out.extend(reversed(digits))
    return bytes(out)
