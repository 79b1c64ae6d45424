"""The lenient certificate reader against ``cryptography`` (well-formed certificates) and mutations."""

from __future__ import annotations

import base64
import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clonewatch.testing import oddcerts
from clonewatch.testing.ctlog import CertFactory
from clonewatch.watch import der
from clonewatch.watch.certnames import CertNames, certificate_tbs, clean, tbs_names
from clonewatch.watch.ct import MalformedEntry, read_entry

KEY = ec.generate_private_key(ec.SECP256R1())
NOW = datetime.datetime(2026, 11, 24, tzinfo=datetime.UTC)
STRING_TYPES = [
    _ASN1Type.UTF8String,
    _ASN1Type.PrintableString,
    _ASN1Type.IA5String,
    _ASN1Type.BMPString,
    _ASN1Type.UniversalString,
    _ASN1Type.T61String,
]


def _certificate(common_names: list[tuple[str, _ASN1Type]], sans: list[str]) -> bytes:
    subject = x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example")]
        + [x509.NameAttribute(NameOID.COMMON_NAME, value, _type=kind) for value, kind in common_names]
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "issuer.example")]))
        .public_key(KEY.public_key())
        .serial_number(12345)
        .not_valid_before(NOW)
        .not_valid_after(NOW + datetime.timedelta(days=90))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    )
    if sans:
        general = [x509.DNSName(name) for name in sans] + [x509.RFC822Name("a@example.com")]
        builder = builder.add_extension(x509.SubjectAlternativeName(general), critical=False)
    return builder.sign(KEY, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def _strict_names(cert_der: bytes) -> list[str]:
    """The names as ``cryptography`` reads them: the oracle for well-formed certificates."""
    cert = x509.load_der_x509_certificate(cert_der)
    names: dict[str, None] = {}
    for attribute in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME):
        assert isinstance(attribute.value, str)
        names[clean(attribute.value)] = None
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        pass
    else:
        names.update(dict.fromkeys(clean(name) for name in san.get_values_for_type(x509.DNSName)))
    names.pop("", None)
    return list(names)


LABEL = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1, max_size=20)
DNS_NAME = st.builds(
    lambda wild, labels: ("*." if wild else "") + ".".join(labels),
    st.booleans(),
    st.lists(LABEL, min_size=1, max_size=4),
)
PRINTABLE = st.text(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-", min_size=1, max_size=40
)


@st.composite
def common_name(draw: st.DrawFn) -> tuple[str, _ASN1Type]:
    kind = draw(st.sampled_from(STRING_TYPES))
    if kind == _ASN1Type.PrintableString:
        return draw(PRINTABLE), kind
    if kind == _ASN1Type.IA5String:
        return draw(st.sampled_from(["", "*.", "*.*."])) + draw(PRINTABLE), kind
    if kind == _ASN1Type.T61String:
        latin = st.characters(min_codepoint=0x20, max_codepoint=0xFF)
        return draw(st.text(latin, min_size=1, max_size=40).filter(_fits)), kind
    alphabet = st.characters(codec="utf-8", max_codepoint=0xFFFF if kind == _ASN1Type.BMPString else None)
    return draw(st.text(alphabet, min_size=1, max_size=40).filter(_fits)), kind


def _fits(value: str) -> bool:
    """A common name is at most 64 bytes of UTF-8 (RFC 5280's upper bound, which cryptography enforces)."""
    return len(value.encode("utf-8")) <= 64


@settings(max_examples=150, deadline=None)
@given(st.lists(common_name(), max_size=2), st.lists(DNS_NAME, max_size=6))
def test_well_formed_certificates_give_the_names_cryptography_reads(
    common_names: list[tuple[str, _ASN1Type]], sans: list[str]
) -> None:
    cert = _certificate(common_names, sans)
    assert tbs_names(certificate_tbs(cert)) == CertNames(_strict_names(cert))


def test_every_cn_string_type_is_decoded() -> None:
    common_names = [
        ("spiegel.ltd", _ASN1Type.PrintableString),
        ("бild.live", _ASN1Type.UTF8String),
        ("wélt.lol", _ASN1Type.T61String),  # UTF-8, as cryptography writes it
        ("faz.click", _ASN1Type.BMPString),
        ("zeit.rest", _ASN1Type.UniversalString),
    ]
    cert = _certificate(common_names, [])
    assert tbs_names(certificate_tbs(cert)).names == [
        "spiegel.ltd", "бild.live", "wélt.lol", "faz.click", "zeit.rest",
    ]  # fmt: skip
    latin1 = oddcerts.tbs_of(cert).replace("wélt".encode(), "wé".encode("latin-1") + b"lt.")
    assert tbs_names(latin1).names[2] == "wélt..lol"  # a Latin-1 T.61 string, refused by cryptography


def test_a_san_in_utf8_is_read_as_utf8() -> None:
    """dNSName is IA5String, but some CAs logged Unicode names as UTF-8: keep them for the matcher."""
    cert = _certificate([], ["placeholder.example"])
    name = "spіegel.xxxxxxx.de"  # a Cyrillic і: as many UTF-8 bytes as the placeholder has
    tbs = oddcerts.tbs_of(cert).replace(b"placeholder.example", name.encode())
    assert tbs_names(tbs).names == [name]


def test_a_tbs_without_a_subject_is_refused() -> None:
    with pytest.raises(der.DerError, match="no subject"):
        tbs_names(oddcerts.tlv(0x30, oddcerts.tlv(0x02, b"\x01") + oddcerts.tlv(0x30, b"")))


def test_the_unique_ids_before_the_extensions_are_passed_over() -> None:
    cert = _certificate([], ["bildd.lol"])
    tbs = oddcerts.tbs_of(cert)
    _, contents, _ = oddcerts.split(tbs)
    fields = oddcerts.elements(contents)
    ids = oddcerts.tlv(0x81, b"\x00\xff") + oddcerts.tlv(0x82, b"\x00\xee")
    with_ids = oddcerts.tlv(0x30, b"".join(fields[:-1]) + ids + fields[-1])
    assert tbs_names(with_ids).names == ["bildd.lol"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_no_mutation_of_an_entry_raises_anything_but_malformed_entry(
    certs: CertFactory, data: st.DataObject
) -> None:
    """Truncated, overwritten and spliced bytes: names, or MalformedEntry, never another error."""
    base = data.draw(st.sampled_from(_BASES))
    leaf = bytearray(base)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(12, len(leaf) - 1))
        action = data.draw(st.sampled_from(["set", "cut", "insert"]))
        if action == "set":
            leaf[at] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del leaf[at : at + data.draw(st.integers(1, 40))]
        else:
            leaf[at:at] = data.draw(st.binary(min_size=1, max_size=8))
        if len(leaf) < 16:
            break
    item = {"leaf_input": base64.b64encode(bytes(leaf)).decode()}
    try:
        read = read_entry(item)
    except MalformedEntry:
        return
    assert all(isinstance(name, str) and name for name in read.names)


_FACTORY = CertFactory()
_BASES = [
    _FACTORY.x509_entry(["www.spiegel.ltd", "*.bild-news.live"]).leaf_input,
    _FACTORY.precert_entry(["www.spiegel.ltd", "*.bild-news.live"]).leaf_input,
]
