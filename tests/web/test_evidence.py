"""What the domain page takes from an evidence document: only values of the expected shape, from
documents of any age or shape (every string in them written by the adversary)."""

from __future__ import annotations

from typing import Any

import pytest

from clonewatch.web import evidence

SHA = "ab" * 32


def test_chains_hop_by_hop_for_each_visitor() -> None:
    doc = {
        "http": {
            "plain": {
                "chain": [
                    {"url": "http://a.lol/", "status": 302, "address": "192.0.2.1", "mechanism": "http"},
                    {"url": "http://b.lol/x", "status": 200, "address": None, "mechanism": "final"},
                ],
                "final_url": "http://b.lol/x",
            },
            "social": {"chain": [], "final_url": "", "error": "connection refused"},
        },
        "browser": {"navigations": [{"url": "http://a.lol/", "status": 200, "mechanism": "initial"}]},
    }
    plain, social, browser = evidence.chains(doc)
    assert (plain.label, [h.host for h in plain.hops]) == ("HTTP client", ["a.lol", "b.lol"])
    assert [(h.status, h.address, h.mechanism) for h in plain.hops] == [
        ("302", "192.0.2.1", "http"),
        ("200", "", "final"),
    ]
    assert (social.label, social.hops, social.error) == (
        "HTTP client arriving from X",
        [],
        "connection refused",
    )
    assert browser.label == "Chromium" and browser.hops[0].address == ""
    assert evidence.chains({"browser": {"navigations": []}}) == []  # nothing to draw


def test_each_vantage_shows_its_visits_browser_chain_and_screenshot() -> None:
    navigations = [{"url": "http://a.lol/", "status": 200, "mechanism": "initial"}]
    doc = {
        "http": {
            "plain": {"chain": [{"url": "http://a.lol/", "status": 200, "mechanism": "final"}]},
            "de:social": {"chain": [{"url": "http://a.lol/", "status": 200, "mechanism": "final"}]},
        },
        "browser": {"navigations": navigations},
        "vantages": {
            "de": {"browser": {"navigations": navigations, "title": "Der Spiegel"}, "screenshot": SHA},
            "ru": {"browser": None, "screenshot": "/tmp/shots/x.png"},  # no browser ran, a file path
            "ua": {"browser": {"navigations": [], "error": "proxy refused", "png_sha256": "cd" * 32}},
            "x": "not a mapping",
        },
    }
    labels = [chain.label for chain in evidence.chains(doc)]
    assert labels == [
        "HTTP client",
        "HTTP client arriving from X, through de",
        "Chromium",
        "Chromium, through de",
        "Chromium, through ua",
    ]
    assert evidence.summary(doc)["vantage_screenshots"] == [
        ("de", SHA, "Der Spiegel"),
        ("ua", "cd" * 32, None),
    ]


@pytest.mark.parametrize(
    "doc",
    [
        {},
        {"http": [], "browser": "x", "dns": None, "rdap": 3, "tls": [], "comparison": "y"},
        {"http": {"plain": {"chain": [None, 7, {"status": 200}, {"url": "http://[::1"}]}}},
        {"http": {"plain": {"chain": "not a list"}}, "screenshot": "../../etc/passwd"},
    ],
)
def test_odd_documents_show_what_they_can(doc: dict[str, Any]) -> None:
    shown = evidence.summary(doc)
    assert shown["screenshot"] is None and shown["genuine_screenshot"] is None
    assert shown["dns"] == [] and shown["rdap"] == [] and shown["tls"] == [] and shown["fingerprints"] == []
    for chain in shown["chains"]:
        assert all(hop.url for hop in chain.hops)


def test_screenshots_are_blob_names_only() -> None:
    doc = {"screenshot": SHA, "genuine_site": {"screenshot": "/tmp/shot.png"}}
    assert evidence.screenshots(doc) == (SHA, None)
    assert evidence.screenshots({"browser": {"png_sha256": SHA.upper()}}) == (None, None)
    assert evidence.screenshots({"browser": {"png_sha256": SHA}}) == (SHA, None)


def test_records_and_fingerprints_keep_their_labels() -> None:
    doc = {
        "dns": {"a": ["192.0.2.7"], "ns": [], "mx": ["10 mx.evil.lol."]},
        "rdap": {"registrar": "<b>Evil</b>", "abuse_email": "abuse@evil.lol", "status": ["active"]},
        "tls": {"valid": False, "reason": "self-signed", "sans": ["a.lol", "b.lol"]},
        "comparison": {"text": 0.9, "shared_analytics": ["G-1"], "shared_asset_examples": ["/s.css"]},
        "browser": {"title": None},
        "http": {"plain": {"page": {"title": "Nachrichten"}}},
    }
    assert evidence.dns_records(doc) == [("A", ["192.0.2.7"]), ("MX", ["10 mx.evil.lol."])]
    assert evidence.rdap(doc) == [
        ("Registrar", "<b>Evil</b>"),
        ("Abuse e-mail", "abuse@evil.lol"),
        ("Status", "active"),
    ]
    assert ("Valid", "False") in evidence.tls(doc) and ("Names", "a.lol, b.lol") in evidence.tls(doc)
    assert evidence.fingerprints(doc) == [
        ("Text similarity", "0.9"),
        ("Analytics IDs shared with the genuine site", "G-1"),
        ("Examples of shared assets", "/s.css"),
    ]
    assert evidence.page_title(doc) == "Nachrichten"
