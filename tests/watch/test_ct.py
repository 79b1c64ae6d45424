from __future__ import annotations

import base64

import pytest

from clonewatch.testing import oddcerts
from clonewatch.testing.ctlog import MALFORMED, CertFactory, LogEntry
from clonewatch.watch.ct import MalformedEntry, entry_names, leaf_tbs, read_entry

POISON = bytes.fromhex("060a2b06010401d679020403")  # OID 1.3.6.1.4.1.11129.2.4.3, CT precert poison


def _item(leaf: bytes) -> dict[str, str]:
    return {"leaf_input": base64.b64encode(leaf).decode(), "extra_data": ""}


def test_x509_entry_gives_subject_and_san_names_without_wildcards(certs: CertFactory) -> None:
    entry = certs.x509_entry(
        ["www.spiegel.ltd", "*.bild-news.live", "spiegel.ltd"], common_name="*.SPIEGEL.ltd"
    )
    assert entry_names(_item(entry.leaf_input)) == ["spiegel.ltd", "www.spiegel.ltd", "bild-news.live"]


def test_precert_entry_is_read_from_the_logged_tbs(certs: CertFactory) -> None:
    entry = certs.precert_entry(["bild-news.live", "*.t-onlinl.life"])
    tbs = leaf_tbs(entry.leaf_input)
    assert entry_names(_item(entry.leaf_input)) == ["bild-news.live", "t-onlinl.life"]
    # the logged TBS has no poison extension (RFC 6962 §3.2); the precertificate in extra_data has
    assert POISON not in tbs and POISON in entry.extra_data


def test_a_certificate_without_subject_uses_its_sans(certs: CertFactory) -> None:
    entry = certs.x509_entry(["walla.com.co"], common_name="")
    assert entry_names(_item(entry.leaf_input)) == ["walla.com.co"]


@pytest.mark.parametrize(
    "leaf",
    [
        MALFORMED.leaf_input,
        b"\x00",
        b"\x01\x00" + bytes(10) + b"\x00\x00\x01\x00",
        b"\x00\x00" + bytes(8) + b"\x00\x07" + b"\x00\x00\x01\x00",
        b"\x00\x00" + bytes(8) + b"\x00\x01" + bytes(32) + b"\x00\x00\x05\x30\x03\x02\x01\x01",
    ],
)
def test_malformed_leaves_raise(leaf: bytes) -> None:
    with pytest.raises(MalformedEntry):
        entry_names(_item(leaf))


def test_not_base64_is_malformed() -> None:
    with pytest.raises(MalformedEntry):
        entry_names({"leaf_input": "%%%"})


def test_a_bare_tbs_that_is_not_a_sequence_is_malformed(certs: CertFactory) -> None:
    with pytest.raises(MalformedEntry, match="TBSCertificate"):
        entry_names(_item(certs.entry_for_tbs(b"\x02\x01\x01").leaf_input))


SANS = ["www.spiegel.ltd", "*.bild-news.live", "t-onlinl.life"]
NAMES = ["spiegel.ltd", "www.spiegel.ltd", "bild-news.live", "t-onlinl.life"]


def _odd_entries(certs: CertFactory, fault: oddcerts.Fault) -> tuple[LogEntry, LogEntry]:
    """The fault in an x509_entry (a whole certificate) and in a precert_entry (a bare TBS)."""
    cert = certs.certificate(SANS, common_name="spiegel.ltd")
    tbs, _ = certs.precertificate(SANS, common_name="spiegel.ltd")
    x509_entry = certs.entry_for_certificate(oddcerts.with_tbs(cert, fault(oddcerts.tbs_of(cert))))
    return x509_entry, certs.entry_for_tbs(fault(tbs))


@pytest.mark.parametrize("fault", sorted(oddcerts.FAULTS))
def test_certificates_with_der_faults_give_every_name(certs: CertFactory, fault: str) -> None:
    """Faults that real logged certificates have, which ``cryptography`` refuses (whole certificates,
    or all their extensions): every name is still read, from certificates and precertificates."""
    for entry in _odd_entries(certs, oddcerts.FAULTS[fault]):
        read = read_entry(_item(entry.leaf_input))
        assert (read.names, read.damage) == (NAMES, ())


def test_a_san_cut_short_keeps_the_names_before_the_cut(certs: CertFactory) -> None:
    for entry in _odd_entries(certs, oddcerts.truncated_san):
        read = read_entry(_item(entry.leaf_input))
        assert read.names == NAMES[:-1]
        assert len(read.damage) == 1 and "declares" in read.damage[0]


def test_a_certificate_whose_tbs_cannot_be_delimited_is_malformed(certs: CertFactory) -> None:
    cert = certs.certificate(SANS)
    tbs = oddcerts.tbs_of(cert)
    header = 2 + (tbs[1] & 0x7F if tbs[1] & 0x80 else 0)
    cut = tbs[:1] + oddcerts.length(len(tbs) + 500) + tbs[header:]  # claims more than the certificate
    with pytest.raises(MalformedEntry, match="not a DER certificate"):
        read_entry(_item(certs.entry_for_certificate(oddcerts.with_tbs(cert, cut)).leaf_input))
