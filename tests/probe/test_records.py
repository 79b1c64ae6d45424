"""DNS evidence of a suspect, from the real local resolver."""

from __future__ import annotations

from clonewatch.probe import ResolverSettings
from clonewatch.probe.records import dns_evidence
from clonewatch.testing.dns import LocalDns


def test_records_of_a_live_name_and_of_a_missing_one(local_dns: LocalDns) -> None:
    settings = ResolverSettings.parse(local_dns.resolver)
    live = dns_evidence("bildd.lol", settings, timeout=2.0)
    assert live.exists is True and live.records["A"] == ("127.0.0.10",)
    assert live.records["MX"] == ("10 mail.bildd.lol",)
    assert dns_evidence("nothing-here.lol", settings, timeout=2.0).exists is False


def test_a_dangling_cname_is_registered_and_kept(local_dns: LocalDns) -> None:
    found = dns_evidence("dangling.lol", ResolverSettings.parse(local_dns.resolver), timeout=2.0)
    assert found.exists is True
    assert found.records["CNAME"] == ("gone.bildd.lol",)
    assert found.error is not None and "does not exist" in found.error
