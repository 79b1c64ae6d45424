"""Redirect chains against a real HTTP server on loopback, names resolved by the real local DNS."""

from __future__ import annotations

from clonewatch.probe import ResolverSettings
from clonewatch.probe.fetch import RedirectResolver
from clonewatch.testing.dns import LocalDns


def resolver_for(local_dns: LocalDns, *, allow_private: bool) -> RedirectResolver:
    return RedirectResolver(
        allow_private=allow_private, dns=ResolverSettings.parse(local_dns.resolver), timeout=3
    )


def test_shortener_chain_is_followed_and_recorded(local_dns: LocalDns, sites: int) -> None:
    chain = resolver_for(local_dns, allow_private=True).resolve(f"http://short.click:{sites}/s/7")
    assert chain.error is None
    assert [hop.status for hop in chain.hops] == [302, 301, 200]
    assert chain.final_url == f"http://spiegel-news.live:{sites}/article/7?utm_source=x"
    assert all(hop.address == "127.0.0.1" for hop in chain.hops)


def test_redirect_loops_are_capped(local_dns: LocalDns, sites: int) -> None:
    resolver = RedirectResolver(
        allow_private=True, dns=ResolverSettings.parse(local_dns.resolver), max_redirects=4
    )
    chain = resolver.resolve(f"http://loop.click:{sites}/")
    assert chain.error == "more than 4 redirects"
    assert len(chain.hops) == 5


def test_private_addresses_are_refused_unless_allowed(local_dns: LocalDns, sites: int) -> None:
    chain = resolver_for(local_dns, allow_private=False).resolve(f"http://short.click:{sites}/s/1")
    assert chain.error is not None and chain.error.startswith("refused: short.click resolves to 127.0.0.1")
    assert chain.hops[0].status is None
    direct = resolver_for(local_dns, allow_private=False).resolve("http://169.254.169.254/latest/meta-data/")
    assert direct.error is not None and direct.error.startswith("refused")


def test_unknown_names_and_dead_ports_are_errors(local_dns: LocalDns) -> None:
    resolver = resolver_for(local_dns, allow_private=True)
    assert resolver.resolve("http://nothere.lol/").error is not None
    assert resolver.resolve("http://127.0.0.1:9/").error is not None
    assert resolver.resolve("ftp://short.click/").error is not None
