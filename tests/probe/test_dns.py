"""DNS liveness against real NSD and Unbound servers on loopback: the exact status of every case."""

from __future__ import annotations

import pytest

from clonewatch.errors import InputError
from clonewatch.probe import DnsFacts, DnsStatus, ResolverSettings, check_names
from clonewatch.testing.dns import LocalDns


def check(local_dns: LocalDns, names: list[str], **options: float) -> dict[str, DnsFacts]:
    settings = ResolverSettings.parse(local_dns.resolver, timeout=0.5, retries=1, **options)
    results: list[DnsFacts] = []
    check_names(names, settings, results.append)
    assert [facts.domain for facts in results] == names
    return {facts.domain: facts for facts in results}


def test_every_status_is_exact(local_dns: LocalDns) -> None:
    names = [
        "bildd.lol", "blld.live", "spiegel.ltd", "pravda-ua.rest", "fox-news.click", "washingtonpost.pm",
        "bild.top", "bild.cfd", "bild.sbs", "bild.lol",
    ]  # fmt: skip
    facts = check(local_dns, names)
    assert facts["bildd.lol"] == DnsFacts(
        "bildd.lol", DnsStatus.REGISTERED, a=("127.0.0.10",), mx=("10 mail.bildd.lol.",)
    )
    assert facts["blld.live"] == DnsFacts("blld.live", DnsStatus.REGISTERED, aaaa=("::1",))
    assert facts["spiegel.ltd"].a == ("127.0.0.11",) and facts["spiegel.ltd"].aaaa == ("::2",)
    assert facts["pravda-ua.rest"] == DnsFacts(
        "pravda-ua.rest", DnsStatus.REGISTERED, mx=("10 mx.pravda-ua.rest.",)
    )
    assert facts["fox-news.click"].status is DnsStatus.REGISTERED
    assert facts["fox-news.click"].a == ("127.0.0.12",)
    assert facts["washingtonpost.pm"] == DnsFacts("washingtonpost.pm", DnsStatus.REGISTERED, ns=("ns.test.",))
    assert facts["bild.top"].status is DnsStatus.WILDCARD
    assert facts["bild.cfd"] == DnsFacts("bild.cfd", DnsStatus.ERROR, error="SERVFAIL")
    assert facts["bild.sbs"] == DnsFacts("bild.sbs", DnsStatus.ERROR, error="timeout")
    assert facts["bild.lol"] == DnsFacts("bild.lol", DnsStatus.UNREGISTERED)


def test_rate_limit_and_small_concurrency_give_the_same_answers(local_dns: LocalDns) -> None:
    names = [f"name{i}.lol" for i in range(30)] + ["bildd.lol"]
    facts = check(local_dns, names, rate=200, concurrency=2)
    assert facts["bildd.lol"].status is DnsStatus.REGISTERED
    assert all(facts[name].status is DnsStatus.UNREGISTERED for name in names[:-1])


@pytest.mark.parametrize("server", ["127.0.0.1:0", "127.0.0.1:99999", ":53", "[::1]:x"])
def test_bad_resolver_is_an_input_error(server: str) -> None:
    with pytest.raises(InputError, match="bad resolver"):
        ResolverSettings.parse(server)


def test_resolver_forms() -> None:
    assert ResolverSettings.parse("127.0.0.1:5300").port == 5300
    assert ResolverSettings.parse("127.0.0.1").port == 53
    parsed = ResolverSettings.parse("[::1]:5353")
    assert (parsed.nameserver, parsed.port) == ("::1", 5353)
