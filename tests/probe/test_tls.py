"""Certificates captured from the local web lab's HTTPS server: valid, untrusted, expired,
self-signed, wrong name, several names, and the failures that come back as errors."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest

from clonewatch.net import AddressPolicy
from clonewatch.probe.tls import TlsEvidence, certificate_of, other_names
from clonewatch.testing.sites import page
from clonewatch.testing.web import CertKind, LocalWeb, free_tcp_port
from tests.lanes import lane

ADDRESS = lane("127.0.2.2")


@pytest.fixture(scope="module")
def lab() -> Iterator[LocalWeb]:
    with LocalWeb(ADDRESS) as web:
        web.add("spiegel.test", page("clone"), also=("bild.test", "*.welt.test", "*.spiegel.test"))
        web.add("expired.test", page("old"), cert=CertKind.EXPIRED)
        web.add("selfsigned.test", page("diy"), cert=CertKind.SELF_SIGNED)
        yield web

LAB = AddressPolicy(allow_private=True)  # the lab serves on loopback


def fetch(lab: LocalWeb, host: str, *, trusted: bool = True, timeout: float = 3) -> TlsEvidence:
    ca_file = lab.ca_file if trusted else None
    return certificate_of(host, lab.address, lab.https_port, timeout=timeout, ca_file=ca_file, policy=LAB)


def test_a_certificate_from_the_trusted_ca_is_valid_and_fully_described(lab: LocalWeb) -> None:
    evidence = fetch(lab, "spiegel.test")
    assert evidence.error is None
    assert evidence.valid is True and evidence.reason is None
    assert evidence.subject_cn == "spiegel.test"
    assert evidence.sans == ("spiegel.test", "bild.test", "*.welt.test", "*.spiegel.test")
    assert evidence.issuer_cn == "clonewatch lab CA" and evidence.issuer_org == "clonewatch lab"
    assert evidence.issuer is not None and "CN=clonewatch lab CA" in evidence.issuer
    assert evidence.not_before is not None and evidence.not_after is not None
    assert evidence.not_before < evidence.not_after
    assert evidence.serial is not None and int(evidence.serial, 16) > 0
    assert evidence.sha256 is not None and len(bytes.fromhex(evidence.sha256)) == 32
    assert evidence.self_signed is False
    assert evidence.tls_version in ("TLSv1.2", "TLSv1.3")
    assert json.loads(json.dumps(evidence.to_dict()))["sans"][1] == "bild.test"


def test_other_names_are_the_domains_sharing_the_certificate(lab: LocalWeb) -> None:
    assert fetch(lab, "spiegel.test").other_names == ("bild.test", "*.welt.test")
    assert other_names("www.spiegel.test", ("spiegel.test", "*.spiegel.test")) == ("spiegel.test",)


def test_without_the_lab_ca_the_certificate_is_captured_but_not_valid(lab: LocalWeb) -> None:
    evidence = fetch(lab, "spiegel.test", trusted=False)
    assert evidence.valid is False
    assert evidence.reason == "unable to get local issuer certificate"
    assert evidence.subject_cn == "spiegel.test" and evidence.sha256 == fetch(lab, "spiegel.test").sha256


def test_an_expired_certificate_says_so(lab: LocalWeb) -> None:
    evidence = fetch(lab, "expired.test")
    assert evidence.valid is False and evidence.reason == "certificate has expired"
    assert evidence.not_after is not None and evidence.not_after < time.strftime("%Y-%m-%d")


def test_a_self_signed_certificate_is_flagged(lab: LocalWeb) -> None:
    evidence = fetch(lab, "selfsigned.test")
    assert evidence.self_signed is True
    assert evidence.valid is False and evidence.reason is not None and "self-signed" in evidence.reason
    assert evidence.issuer_cn == "selfsigned.test"


def test_a_certificate_for_another_name_fails_on_the_name(lab: LocalWeb) -> None:
    evidence = fetch(lab, "unknown.test")
    assert evidence.subject_cn == "default.lab.invalid"
    assert evidence.valid is False and evidence.reason is not None and "Hostname mismatch" in evidence.reason
    assert evidence.other_names == ("default.lab.invalid",)


def test_a_closed_port_is_an_error_not_an_exception(lab: LocalWeb) -> None:
    evidence = certificate_of("spiegel.test", ADDRESS, free_tcp_port(ADDRESS), timeout=2, policy=LAB)
    assert evidence.error == "connection refused"
    assert evidence.valid is None and evidence.sha256 is None


def test_a_plain_http_port_is_a_tls_error(lab: LocalWeb) -> None:
    evidence = certificate_of("spiegel.test", ADDRESS, lab.http_port, timeout=2, policy=LAB)
    assert evidence.error is not None and evidence.error.startswith("TLS error")


def test_a_server_that_never_finishes_the_handshake_times_out() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind((ADDRESS, 0))
        silent.listen()
        started = time.monotonic()
        evidence = certificate_of("spiegel.test", ADDRESS, silent.getsockname()[1], timeout=0.5, policy=LAB)
        elapsed = time.monotonic() - started
    assert evidence.error == "timeout"
    assert elapsed < 2


def test_a_loopback_address_is_refused_by_the_default_policy(lab: LocalWeb) -> None:
    evidence = certificate_of("spiegel.test", lab.address, lab.https_port, timeout=2)
    assert evidence.error == f"refused: spiegel.test resolves to {lab.address}" and evidence.sha256 is None
