"""Redirect chains against a real HTTP server on loopback, names resolved by the real local DNS."""

from __future__ import annotations

import pytest

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


def test_addresses_off_the_public_internet_are_forbidden_and_metadata_always() -> None:
    from clonewatch.probe.fetch import is_forbidden, is_metadata

    for address in ("127.0.0.1", "10.1.2.3", "100.64.0.1", "169.254.1.1", "::1", "fc00::1", "192.0.2.1"):
        assert is_forbidden(address), address
    for address in ("169.254.169.254", "::ffff:169.254.169.254", "fd00:ec2:0::254", "100.100.100.200"):
        assert is_metadata(address) and is_forbidden(address), address
    for address in ("8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8"):
        assert not is_forbidden(address) and not is_metadata(address), address


def test_malformed_urls_are_refused_not_raised() -> None:
    import time

    from clonewatch.probe.fetch import FetchRefused
    from clonewatch.probe.http import HttpSettings, PageFetcher

    fetcher = PageFetcher(HttpSettings(allow_private=True), lookup=lambda host: ["127.0.0.1"])
    for url in ("http://x:99999/", "http://[::1/", "http://x:0x50/"):
        with pytest.raises(FetchRefused):
            fetcher.get(url, headers={}, deadline=time.monotonic() + 1)
    system = PageFetcher(HttpSettings(allow_private=True))  # the name fails to encode before any lookup
    with pytest.raises(FetchRefused, match="malformed host name"):
        system.get(f"http://{'a' * 64}.lol/", headers={}, deadline=time.monotonic() + 1)


def test_a_server_that_never_ends_its_headers_costs_only_the_deadline() -> None:
    import socket
    import threading
    import time

    from clonewatch.probe.http import FetchFailed, HttpSettings, PageFetcher

    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(4096)
            while not stop.is_set():  # "100 Continue" forever: a final status line never comes
                try:
                    connection.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                except OSError:
                    return
                time.sleep(0.2)

    threading.Thread(target=serve, daemon=True).start()
    port = listener.getsockname()[1]
    fetcher = PageFetcher(HttpSettings(allow_private=True, timeout=1.0), lookup=lambda host: ["127.0.0.1"])
    started = time.monotonic()
    try:
        with pytest.raises(FetchFailed):
            fetcher.get(f"http://trickle.lol:{port}/", headers={}, deadline=started + 1.5)
        assert time.monotonic() - started < 4.0
    finally:
        stop.set()
        listener.close()
