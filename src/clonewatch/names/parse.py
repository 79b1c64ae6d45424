"""Turn one feed line (a name, URL, de-fanged indicator or zone/NRD row) into a domain name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

import idna

from clonewatch.names.psl import PublicSuffixList

MAX_LINE = 4096
MAX_HOST = 253

_FAST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]\.?")
_FIELD_SPLIT = re.compile(r"[\s,;|]+")
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_REGISTRABLE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_FANGS = (
    ("[.]", "."),
    ("(.)", "."),
    ("{.}", "."),
    ("[dot]", "."),
    ("(dot)", "."),
    ("{dot}", "."),
    ("[:]", ":"),
)
_HXXP = re.compile(r"^h(?:xx|\*\*|XX)p(s?)(?=:|\[:\])", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_new_tuple = tuple.__new__  # builds a DomainName at half the cost of its generated __new__


class DomainName(NamedTuple):
    """A parsed host name: ASCII (punycode) and Unicode forms, cut at the public suffix.
    (A named tuple: one is made per feed line, and tuples are the cheapest immutable record.)"""

    ascii: str
    unicode: str
    subdomain: str
    label: str
    suffix: str
    label_unicode: str

    @property
    def registrable(self) -> str:
        return f"{self.label}.{self.suffix}"

    @property
    def is_idn(self) -> bool:
        return self.label_unicode != self.label


@dataclass(frozen=True, slots=True)
class Unparseable:
    """Why a line holds no usable domain name."""

    reason: str


def is_blank(line: str) -> bool:
    """Blank lines, comments (``#``, ``;``) and zone-file directives (``$ORIGIN``) carry no name."""
    text = line.strip()
    return not text or text[0] in "#;$"


def parse_feed_line(line: str, psl: PublicSuffixList) -> DomainName | Unparseable | None:
    """Like parse_line, but None for blank and comment lines (the hot path of every feed)."""
    text = line.strip()
    if not text or text[0] in "#;$":
        return None
    if _FAST.fullmatch(text) and "xn--" not in text:
        host = text[:-1] if text[-1] == "." else text
        suffix = psl.suffix_of(host)
        if suffix != host:
            front = host[: -len(suffix) - 1]
            dot = front.rfind(".")
            label = front[dot + 1 :]
            return _new_tuple(DomainName, (host, host, front[:dot] if dot >= 0 else "", label, suffix, label))
    return _parse_text(line, text, psl)


def parse_line(line: str, psl: PublicSuffixList) -> DomainName | Unparseable:
    """Parse one feed line; rows with several columns yield their first field that is a name."""
    result = parse_feed_line(line, psl)
    return Unparseable("blank or comment line") if result is None else result


def _parse_text(line: str, text: str, psl: PublicSuffixList) -> DomainName | Unparseable:
    if len(line) > MAX_LINE:
        return Unparseable(f"line longer than {MAX_LINE} characters")
    first: Unparseable | None = None
    for field in _FIELD_SPLIT.split(text):
        if not field:
            continue
        result = parse_host(field, psl)
        if isinstance(result, DomainName):
            return result
        first = first or result
    return first or Unparseable("empty line")


def parse_host(field: str, psl: PublicSuffixList) -> DomainName | Unparseable:
    """Parse a single field: bare name, URL, de-fanged form, Unicode or punycode."""
    host = _host_part(_defang(field))
    if isinstance(host, Unparseable):
        return host
    if host.startswith("*."):
        host = host[2:]
    host = host.rstrip(".") if host.endswith(".") and not host.endswith("..") else host
    if not host:
        return Unparseable(f"no host name in {field[:60]!r}")
    if host.isascii():
        host = host.lower()
        if "xn--" in host:
            return _from_punycode(host, psl)
        return _validated_ascii(host, psl)
    try:
        ascii_host = idna.encode(host, uts46=True, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError) as exc:
        return Unparseable(f"invalid internationalised name: {exc}")
    return _from_punycode(ascii_host, psl)


def defang(field: str) -> str:
    """Undo the usual de-fanging of indicators: ``hxxps://example[.]com`` -> ``https://example.com``."""
    return _defang(field)


def _defang(field: str) -> str:
    text = field
    lowered = text.lower()
    for fang, plain in _FANGS:
        if fang in lowered:
            text = re.sub(re.escape(fang), plain, text, flags=re.IGNORECASE)
            lowered = text.lower()
    return _HXXP.sub(r"http\1", text)


def _host_part(text: str) -> str | Unparseable:
    match = _SCHEME.match(text.lower())
    if match:
        text = text[match.end() :]
    elif text.startswith("//"):
        text = text[2:]
    for stop in "/?#\\":
        text = text.split(stop, 1)[0]
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    if text.startswith("["):
        return Unparseable("IP address, not a name")
    if ":" in text:
        text, _, port = text.rpartition(":")
        if port and not port.isdigit():
            return Unparseable(f"bad port in {text[:60]!r}")
    return text


def _validated_ascii(host: str, psl: PublicSuffixList) -> DomainName | Unparseable:
    if len(host) > MAX_HOST:
        return Unparseable(f"name longer than {MAX_HOST} characters")
    labels = host.split(".")
    if len(labels) < 2:
        return Unparseable(f"not a domain name: {host[:60]!r}")
    if all(label.isdigit() for label in labels):
        return Unparseable("IP address, not a name")
    for label in labels:
        if not _LABEL.fullmatch(label):
            return Unparseable(f"not a domain name: {host[:60]!r}")
    return _split_ascii(host, psl)


def _from_punycode(host: str, psl: PublicSuffixList) -> DomainName | Unparseable:
    checked = _validated_ascii(host, psl)
    if isinstance(checked, Unparseable):
        return checked
    try:
        unicode_host = ".".join(
            idna.decode(label) if label.startswith("xn--") else label for label in host.split(".")
        )
    except (idna.IDNAError, UnicodeError, ValueError) as exc:
        return Unparseable(f"invalid punycode: {exc}")
    unicode_label = idna.decode(checked.label) if checked.label.startswith("xn--") else checked.label
    return checked._replace(unicode=unicode_host, label_unicode=unicode_label)


def _split_ascii(host: str, psl: PublicSuffixList, *, labels_valid: bool = False) -> DomainName | Unparseable:
    """Cut an ASCII host at its public suffix (the hot path: no intermediate records); with
    ``labels_valid`` the caller has already checked every label."""
    suffix = psl.suffix_of(host)
    if suffix == host:
        split = psl.split(host)
        if split is None:
            return Unparseable(f"not a domain name: {host[:60]!r}")
        subdomain, label, suffix = split
    else:
        front = host[: -len(suffix) - 1]
        dot = front.rfind(".")
        subdomain, label = (front[:dot] if dot >= 0 else ""), front[dot + 1 :]
    if not labels_valid and not _REGISTRABLE.fullmatch(label):
        return Unparseable(f"not a registrable name: {host[:60]!r}")
    return DomainName(host, host, subdomain, label, suffix, label)
