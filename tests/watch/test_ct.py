from __future__ import annotations

import base64

import pytest

from clonewatch.testing.ctlog import MALFORMED, CertFactory
from clonewatch.watch.ct import MalformedEntry, certificate_from_tbs, entry_names, leaf_certificate


def _item(leaf: bytes) -> dict[str, str]:
    return {"leaf_input": base64.b64encode(leaf).decode(), "extra_data": ""}


def test_x509_entry_gives_subject_and_san_names_without_wildcards(certs: CertFactory) -> None:
    entry = certs.x509_entry(
        ["www.spiegel.ltd", "*.bild-news.live", "spiegel.ltd"], common_name="*.SPIEGEL.ltd"
    )
    assert entry_names(_item(entry.leaf_input)) == ["spiegel.ltd", "www.spiegel.ltd", "bild-news.live"]


def test_precert_entry_is_read_from_the_logged_tbs(certs: CertFactory) -> None:
    entry = certs.precert_entry(["bild-news.live", "*.t-onlinl.life"])
    cert = leaf_certificate(entry.leaf_input)
    assert entry_names(_item(entry.leaf_input)) == ["bild-news.live", "t-onlinl.life"]
    # the logged TBS has no poison extension (RFC 6962 §3.2); the precertificate in extra_data has
    assert all(ext.oid.dotted_string != "1.3.6.1.4.1.11129.2.4.3" for ext in cert.extensions)


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
        leaf_certificate(leaf)


def test_not_base64_is_malformed() -> None:
    with pytest.raises(MalformedEntry):
        entry_names({"leaf_input": "%%%"})


def test_a_bare_tbs_that_is_not_a_sequence_is_malformed() -> None:
    with pytest.raises(MalformedEntry):
        certificate_from_tbs(b"\x02\x01\x01")
