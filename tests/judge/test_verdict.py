"""The judge's rules on hand-built evidence: the cases the local web lab cannot stage."""

from __future__ import annotations

from clonewatch.judge import VerdictKind, judge
from clonewatch.probe.chain import Hop, HttpEvidence
from clonewatch.probe.evidence import Evidence, SiteView
from clonewatch.probe.page import fingerprint
from clonewatch.probe.rdap import RdapEvidence
from clonewatch.probe.records import DnsEvidence

PARKED = b"<html><title>x</title><body>This domain may be for sale! Buy this domain.</body></html>"


def _evidence(ns: tuple[str, ...], genuine_ns: tuple[str, ...]) -> Evidence:
    url = "http://spiegel-shop.lol/"
    page = fingerprint(PARKED, url=url)
    visit = HttpEvidence("plain", (Hop(url, 200, "192.0.2.1", "final"),), url, status=200, page=page)
    return Evidence(
        "spiegel-shop.lol", "spiegel-shop.lol", "2026-11-25T00:00:00+00:00", 0.1,
        dns=DnsEvidence("spiegel-shop.lol", True, {"A": ("192.0.2.1",), "NS": ns}),
        site=SiteView({"plain": visit}),
        genuine_site=SiteView(dns=DnsEvidence("spiegel.de", True, {"NS": genuine_ns})),
    )  # fmt: skip


def test_a_parked_name_on_the_genuine_owners_name_servers_is_defensive() -> None:
    verdict = judge(_evidence(("ns1.spiegel.de",), ("ns1.spiegel.de", "ns2.spiegel.de")), ["spiegel.de"])
    assert verdict.kind is VerdictKind.DEFENSIVE
    assert "held by the genuine owner" in verdict.facts[0]


def test_a_parked_name_elsewhere_stays_parked() -> None:
    verdict = judge(_evidence(("ns1.parking.example",), ("ns1.spiegel.de",)), ["spiegel.de"])
    assert verdict.kind is VerdictKind.PARKED
    assert any("provider" in fact or "sale" in fact for fact in verdict.facts)


def test_registered_but_not_in_dns_is_no_website_and_unknown_is_unregistered() -> None:
    base = Evidence("gone.lol", "gone.lol", "t", 0.0, dns=DnsEvidence("gone.lol", False, {}))
    assert judge(base).kind is VerdictKind.UNREGISTERED
    registered = RdapEvidence(domain="gone.lol", rdap_url="https://rdap.example/", registrar="R")
    from dataclasses import replace

    assert judge(replace(base, rdap=registered)).kind is VerdictKind.NO_WEBSITE


def test_a_site_answering_with_an_error_status_is_no_website() -> None:
    from dataclasses import replace

    evidence = _evidence(("ns1.parking.example",), ("ns1.spiegel.de",))
    visit = evidence.site.http["plain"]
    broken = replace(visit, status=503, hops=(replace(visit.hops[0], status=503),))
    verdict = judge(replace(evidence, site=SiteView({"plain": broken})), ["spiegel.de"])
    assert verdict.kind is VerdictKind.NO_WEBSITE and "503" in verdict.facts[0]
