"""Redirect chains against a real HTTP server on loopback, names resolved by the real local DNS."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from clonewatch.errors import FetchFailed, FetchRefused
from clonewatch.net import Chain, HttpClient, HttpSettings, ResolverSettings, follow
from clonewatch.testing.dns import LocalDns


@dataclass
class Follower:
    client: HttpClient

    def resolve(self, url: str) -> Chain:
        return follow(self.client, url)


def resolver_for(local_dns: LocalDns, *, allow_private: bool, max_redirects: int = 10) -> Follower:
    dns = ResolverSettings.parse(local_dns.resolver)
    settings = HttpSettings(allow_private=allow_private, dns=dns, timeout=3, max_redirects=max_redirects)
    return Follower(HttpClient(settings))


def test_shortener_chain_is_followed_and_recorded(local_dns: LocalDns, sites: int) -> None:
    chain = resolver_for(local_dns, allow_private=True).resolve(f"http://short.click:{sites}/s/7")
    assert chain.error is None
    assert [hop.status for hop in chain.hops] == [302, 301, 200]
    assert chain.final_url == f"http://spiegel-news.live:{sites}/article/7?utm_source=x"
    assert all(hop.address == "127.0.0.1" for hop in chain.hops)


def test_redirect_loops_are_capped(local_dns: LocalDns, sites: int) -> None:
    resolver = resolver_for(local_dns, allow_private=True, max_redirects=4)
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


def test_malformed_urls_are_refused_not_raised() -> None:
    import time

    fetcher = HttpClient(HttpSettings(allow_private=True), lookup=lambda host: ["127.0.0.1"])
    for url in ("http://x:99999/", "http://[::1/", "http://x:0x50/"):
        with pytest.raises(FetchRefused):
            fetcher.get(url, headers={}, deadline=time.monotonic() + 1)
    system = HttpClient(HttpSettings(allow_private=True))  # the name fails to encode before any lookup
    with pytest.raises(FetchRefused, match="malformed host name"):
        system.get(f"http://{'a' * 64}.lol/", headers={}, deadline=time.monotonic() + 1)


def test_a_server_that_never_ends_its_headers_costs_only_the_deadline() -> None:
    import socket
    import threading
    import time

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
    fetcher = HttpClient(HttpSettings(allow_private=True, timeout=1.0), lookup=lambda host: ["127.0.0.1"])
    started = time.monotonic()
    try:
        with pytest.raises(FetchFailed):
            fetcher.get(f"http://trickle.lol:{port}/", headers={}, deadline=started + 1.5)
        assert time.monotonic() - started < 4.0
    finally:
        stop.set()
        listener.close()
