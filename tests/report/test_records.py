"""The report stage's own logic: reading evidence that may be broken or hostile, which DISARM
techniques a domain shows, analysts' decisions over verdicts, and the two ways evidence is read."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

import pytest
import stix2

from clonewatch.brands import BrandKind
from clonewatch.match import Match
from clonewatch.report import DomainReport, ReportSet, Selection, gather, read_facts, stix_bundle
from clonewatch.report.disarm import techniques
from clonewatch.store import Finding, Store

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _report(
    verdict: str | None, *, review: str | None = None, kind: BrandKind = BrandKind.OUTLET
) -> DomainReport:
    match = Match("mfa-qov.lol", "mfa-qov.lol", "MFA Ukraine", "mfa.gov.ua", 0.9, ("replacement",))
    finding = Finding(match, AT, "nrd", verdict, 0.9, AT)
    return DomainReport(finding, None, read_facts(None), brand_kind=kind, review=review)


def test_broken_and_hostile_evidence_reads_as_missing_facts() -> None:
    facts = read_facts(
        {
            "dns": "not a mapping",
            "rdap": {"registrar": 5, "abuse_email": ["x"], "created": "2024-01-01"},
            "tls": {"sha256": "zz" * 32},
            "http": {"social": {"chain": [None, {"url": 3}, {"url": "http://a.example/", "status": "200"}]}},
            "screenshot": "/etc/passwd",
            "facts": ["kept", 7, None],
        }
    )
    assert facts.registrar is None and facts.abuse_email is None and facts.registered == "2024-01-01"
    assert facts.certificate is None and facts.screenshot is None and facts.artefacts == ()
    assert [(h.url, h.status, h.mechanism) for h in facts.chain] == [("http://a.example/", None, "unknown")]
    assert facts.verdict_facts == ("kept",)


def test_addresses_are_normalised_and_non_addresses_dropped() -> None:
    facts = read_facts(
        {"dns": {"a": ["203.0.113.7", "not-an-address", "203.0.113.7"], "aaaa": ["2001:DB8::1"]}}
    )
    assert facts.ipv4 == ("203.0.113.7",) and facts.ipv6 == ("2001:db8::1",)


def test_techniques_follow_verdict_brand_kind_and_review() -> None:
    ids = lambda report: [t.id for t in techniques(report)]  # noqa: E731
    assert ids(_report("clone")) == ["T0149.003", "T0098.001", "T0143.003", "T0097.202"]
    assert ids(_report("clone", kind=BrandKind.GOVERNMENT)) == ["T0149.003", "T0143.003", "T0097.206"]
    assert ids(_report("cloaked"))[-1] == "T0155.004"
    assert ids(_report("redirector")) == ["T0149.003", "T0149.004"]
    assert ids(_report("parked")) == ["T0149.003"]
    assert ids(_report("parked", review="clone")) == ["T0149.003", "T0098.001", "T0143.003", "T0097.202"]
    assert ids(_report("cloaked", review="defensive")) == ["T0149.003"]


@pytest.mark.parametrize(
    ("verdict", "review", "malicious"),
    [("clone", None, True), ("redirector", None, True), ("parked", None, False), ("parked", "clone", True),
     ("clone", "false-alarm", False), ("clone", "defensive", False), (None, None, False)],
)  # fmt: skip
def test_an_analysts_decision_outweighs_the_verdict(
    verdict: str | None, review: str | None, malicious: bool
) -> None:
    assert _report(verdict, review=review).malicious is malicious


def test_a_government_body_is_an_identity_of_that_sector() -> None:
    report = ReportSet((_report("clone", kind=BrandKind.GOVERNMENT),))
    objects = stix2.parse(stix_bundle(report), allow_custom=False).objects
    (body,) = [o for o in objects if o.type == "identity" and o.identity_class == "organization"]
    assert body.sectors == ["government-national"] and body.name == "MFA Ukraine"
    (indicator,) = [o for o in objects if o.type == "indicator"]
    assert "T0097.206" in {r["external_id"] for r in indicator.external_references}


def test_streamed_evidence_is_the_same_as_each_domains_history(
    sqlite_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(sqlite_db) as store:
        one_by_one = gather(store, Selection())
        monkeypatch.setattr(importlib.import_module("clonewatch.report.gather"), "PER_DOMAIN_READS", 0)
        streamed = gather(store, Selection())
        with_history = gather(store, Selection(), history=True)
    assert [d.domain for d in streamed.domains] == [d.domain for d in one_by_one.domains]
    assert [d.evidence for d in streamed.domains] == [d.evidence for d in one_by_one.domains]
    assert all(d.history == () for d in streamed.domains)
    assert all(d.history and d.history[0].kind == "first_seen" for d in with_history.domains)
