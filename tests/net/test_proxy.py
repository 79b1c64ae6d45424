"""Requests through real proxies on loopback: HTTP CONNECT (TLS inside the tunnel) and SOCKS5 with
and without credentials, the address policy on both sides, and proxies that refuse."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from clonewatch.errors import FetchFailed, FetchRefused, InputError
from clonewatch.net import HttpClient, HttpSettings, parse_proxy
from clonewatch.testing.proxies import ConnectProxy, SocksProxy
from clonewatch.testing.sites import Request, Response
from clonewatch.testing.web import LocalWeb

WEB = "127.0.6.31"
PROXIES = "127.0.6.30"
EXIT = "127.0.6.32"
NAMES = {"echo.test": WEB, "metadata.test": "169.254.169.254"}


def _lookup(name: str) -> str:
    if name not in NAMES:
        raise OSError(f"{name}: no address")
    return NAMES[name]


def _echo(request: Request) -> Response:
    """Tells the client which address the request came from."""
    return Response(200, (("Content-Type", "text/plain"),), request.client.encode())


@pytest.fixture(scope="module")
def web() -> Iterator[LocalWeb]:
    with LocalWeb(WEB, http_port=0, https_port=0) as lab:
        lab.add("echo.test", _echo)
        yield lab


@pytest.fixture
def client() -> HttpClient:
    return HttpClient(HttpSettings(allow_private=True, timeout=3, budget=6), lookup=lambda h: [_lookup(h)])


def test_https_through_a_connect_proxy_comes_from_the_proxy(web: LocalWeb, client: HttpClient) -> None:
    with ConnectProxy(PROXIES, source=EXIT, hosts=NAMES) as proxy:
        direct = client.get(web.url("echo.test"))
        via = client.via(parse_proxy(proxy.url)).get(web.url("echo.test"))
    assert direct.body == b"127.0.0.1" and direct.address == WEB
    assert via.status == 200 and via.body == EXIT.encode()
    assert via.address == ""  # the proxy resolved the name: we do not know where it connected
    assert proxy.targets == [f"echo.test:{web.https_port}"]


def test_socks5_with_credentials(web: LocalWeb, client: HttpClient) -> None:
    with SocksProxy(PROXIES, source=EXIT, hosts=NAMES, credentials=("ana", "s3cret")) as proxy:
        good = parse_proxy(proxy.url.replace("socks5h://", "socks5://ana:s3cret@"))
        assert good.display() == proxy.url.replace("socks5h://", "socks5://")  # no password shown
        via = client.via(good).get(web.url("echo.test", scheme="http"))
        assert via.body == EXIT.encode() and via.address == WEB  # socks5://: resolved here
        assert proxy.targets == [f"{WEB}:{web.http_port}"]
        bad = parse_proxy(proxy.url.replace("socks5h://", "socks5h://ana:wrong@"))
        with pytest.raises(FetchFailed, match="refused our user name and password"):
            client.via(bad).get(web.url("echo.test", scheme="http"))


def test_a_name_forbidden_here_is_not_handed_to_the_proxy(client: HttpClient) -> None:
    with ConnectProxy(PROXIES, source=EXIT, hosts=NAMES) as proxy:  # which would reach it
        with pytest.raises(FetchRefused, match=re.escape("169.254.169.254")):
            client.via(parse_proxy(proxy.url)).get("http://metadata.test/latest/meta-data/")
        assert proxy.targets == [] and proxy.clients == []  # not even connected to


def test_a_proxy_that_cannot_reach_the_target_fails_the_request(web: LocalWeb) -> None:
    """The name resolves here but not where the proxies stand (their hosts lack it)."""
    here = {**NAMES, "unknown.test": WEB}
    client = HttpClient(HttpSettings(allow_private=True, timeout=3, budget=6), lookup=lambda h: [here[h]])
    refused = re.escape("refused CONNECT unknown.test:80: HTTP/1.1 500 Unable to connect")
    with ConnectProxy(PROXIES, source=EXIT, hosts=NAMES) as connect:
        with pytest.raises(FetchFailed, match=refused):
            client.via(parse_proxy(connect.url)).get("http://unknown.test/")
        assert connect.targets == ["unknown.test:80"]
        assert "Could not retrieve address info for unknown.test:80" in connect.log
    unreachable = re.escape("could not reach unknown.test:80: general failure")
    with SocksProxy(PROXIES, source=EXIT, hosts=NAMES) as socks:
        with pytest.raises(FetchFailed, match=unreachable):
            client.via(parse_proxy(socks.url)).get("http://unknown.test/")
        closed = re.escape(f"could not reach {WEB}:9: connection refused")  # nothing listens there
        with pytest.raises(FetchFailed, match=closed):
            client.via(parse_proxy(socks.url.replace("socks5h:", "socks5:"))).get("http://unknown.test:9/")
        assert socks.targets == []  # microsocks logs the connections it opened: none


def test_the_proxy_itself_is_checked_by_the_policy() -> None:
    strict = HttpClient(HttpSettings(timeout=3, budget=6), lookup=lambda h: [_lookup(h)])
    with ConnectProxy(PROXIES, source=EXIT, hosts=NAMES) as proxy:
        with pytest.raises(FetchRefused, match=f"^{re.escape(f'{PROXIES} resolves to {PROXIES}')}$"):
            strict.via(parse_proxy(proxy.url)).get("http://echo.test/")
        assert proxy.clients == []  # refused before the proxy, let alone the target, was asked


@pytest.mark.parametrize(
    "url", ["ftp://p:21", "http://p", "socks5://:1080", "http://p:1080/path", "http://p:0x1", "socks4://p:1"]
)
def test_malformed_proxy_urls_are_input_errors(url: str) -> None:
    with pytest.raises(InputError, match="bad proxy URL"):
        parse_proxy(url)
