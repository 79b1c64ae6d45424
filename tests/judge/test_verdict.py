"""The judge's rules on hand-built evidence: the cases the local web lab cannot stage."""

from __future__ import annotations

from clonewatch.judge import VerdictKind, judge
from clonewatch.probe.capture import BrowserCapture, Navigation
from clonewatch.probe.chain import Hop, HttpEvidence
from clonewatch.probe.evidence import Evidence, SiteView, VantageSeen
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


def _page_evidence(html: bytes, ns: tuple[str, ...] = ("ns1.hosting.example",)) -> Evidence:
    url = "http://spiegel-shop.lol/"
    page = fingerprint(html, url=url)
    visit = HttpEvidence("plain", (Hop(url, 200, "192.0.2.1", "final"),), url, status=200, page=page)
    return Evidence(
        "spiegel-shop.lol", "spiegel-shop.lol", "2026-11-25T00:00:00+00:00", 0.1,
        dns=DnsEvidence("spiegel-shop.lol", True, {"A": ("192.0.2.1",), "NS": ns}),
        site=SiteView({"plain": visit}),
    )  # fmt: skip


def test_a_page_with_little_text_is_unrelated_with_low_confidence_not_parked() -> None:
    for html in (b"<html><title>Welcome</title><body></body></html>", b"<h1>403 Forbidden</h1><p>nginx</p>"):
        verdict = judge(_page_evidence(html), ["spiegel.de"])
        assert verdict.kind is VerdictKind.UNRELATED and verdict.confidence <= 0.3, html
        assert "little text" in verdict.facts[0]


def test_weak_signals_alone_are_no_parking_evidence() -> None:
    html = b"<html><body><h1>Coming soon</h1><p>Our shop opens soon. Related links below.</p></body></html>"
    assert judge(_page_evidence(html), ["spiegel.de"]).kind is VerdictKind.UNRELATED


def test_name_servers_of_a_parking_service_are_parking_evidence() -> None:
    verdict = judge(_page_evidence(b"<html><body></body></html>", ("ns1.bodis.com", "ns2.bodis.com")))
    assert verdict.kind is VerdictKind.PARKED
    assert verdict.facts[0] == "parked: name servers of BODIS (ns1.bodis.com)"
    # a look-alike of a parking provider's name is not its name server
    assert judge(_page_evidence(b"<p>x</p>", ("ns1.notbodis.com",))).kind is VerdictKind.UNRELATED


def test_ad_feed_pages_are_parked() -> None:
    html = b'<html><body><script src="https://www.google.com/adsense/domains/caf.js"></script></body></html>'
    verdict = judge(_page_evidence(html))
    assert verdict.kind is VerdictKind.PARKED and verdict.facts == ("parked: feed:adsense for domains",)


def test_signs_of_another_site_outweigh_a_shared_template() -> None:
    """A sister paper (same CMS, own site name, its own address) is no clone; a copy that keeps the
    genuine address and site name is, even when it was made from another page than the front page."""
    from clonewatch.judge import clone_signs, is_clone
    from clonewatch.probe.similarity import Similarity

    base = Similarity(
        text=0.35, text_tlsh_distance=80, text_simhash_distance=14, structure=0.95, title=0.4,
        shared_assets=0, shared_asset_examples=(), shared_analytics=(), visual=None, visual_distance=None,
    )  # fmt: skip
    from dataclasses import replace

    sister = replace(base, same_site_name=False, other_site_claim="https://sister.example/story")
    assert clone_signs(sister)[0] and not is_clone(sister)
    copy = replace(
        base, text=0.0, structure=0.7, same_site_name=True, genuine_url_claim="https://www.spiegel.de/a"
    )
    assert is_clone(copy)
    assert not is_clone(replace(base, structure=0.1, same_site_name=True))  # one sign alone


def _moved_by_script(start: str, final: str, *, error: str | None = None) -> BrowserCapture:
    navigations = (Navigation(start, 200, "initial"), Navigation(final, 200, "javascript"))
    return BrowserCapture(start, final, navigations, 200, "t", "<html></html>", None, None, (), error, 1.0)


def test_a_vantage_whose_browser_a_script_sends_elsewhere_is_cloaked_and_named() -> None:
    from dataclasses import replace

    evidence = _page_evidence(b"<html><title>Garden notes</title><body>Tomatoes.</body></html>")
    start = "http://spiegel-shop.lol/"
    direct = _moved_by_script(start, start)
    evidence = replace(evidence, site=replace(evidence.site, browser=direct))
    away = VantageSeen({}, browser=_moved_by_script(start, "http://spiegel-artikel.click/a"))
    verdict = judge(replace(evidence, vantages={"de": away}), ["spiegel.de"])
    assert verdict.kind is VerdictKind.CLOAKED
    assert "de:browser -> spiegel-artikel.click" in verdict.facts[0]
    assert "browser -> spiegel-shop.lol" in verdict.facts[0]
    # a vantage whose browser visit broke off says nothing about where its visitors end
    broken = VantageSeen({}, browser=_moved_by_script(start, "http://x.click/", error="timed out"))
    assert judge(replace(evidence, vantages={"de": broken}), ["spiegel.de"]).kind is not VerdictKind.CLOAKED
