"""The local web lab: every site builder behaves as documented, HTTPS picks certificates by SNI,
and the servers survive rude clients and stop cleanly."""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterator, Mapping

import pytest

from clonewatch.testing import sites
from clonewatch.testing.web import LocalWeb, free_tcp_port
from tests.lanes import lane

ADDRESS = lane("127.0.2.1")
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture(scope="module")
def lab() -> Iterator[LocalWeb]:
    with LocalWeb(ADDRESS) as web:
        web.add("spiegel.test", sites.page("<h1>Der Spiegel</h1>", headers={"X-Clone": "1"}))
        web.add("gone.test", sites.page("gone", status=410))
        web.add("logo.test", sites.static(b"\x89PNG fake", "image/png"))
        web.add("short.test", sites.redirect("https://spiegel.test/a", status=301))
        web.add("loop.test", sites.loop())
        web.add("meta.test", sites.meta_refresh("https://spiegel.test/?a=1&b=2"))
        web.add("js.test", sites.js_redirect("https://spiegel.test/</script>"))
        web.add("tds.test", sites.cloaked("<p>weather</p>", "<p>CLONE</p>"))
        web.add("bomb.test", sites.gzip_bomb())
        web.add("slow.test", sites.slow_body(bytes_per_second=20))
        web.add("big.test", sites.big_body(mb=4))
        web.add("hang.test", sites.hang())
        yield web


def connect(
    lab: LocalWeb, host: str, *, scheme: str = "http", timeout: float = 5
) -> http.client.HTTPConnection:
    """A connection to the lab's address with ``host`` as the TLS name (and, by the caller, Host)."""
    port = lab.https_port if scheme == "https" else lab.http_port
    sock = socket.create_connection((lab.address, port), timeout=timeout)
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    if scheme == "https":
        context = ssl.create_default_context(cafile=lab.ca_file)
        sock = context.wrap_socket(sock, server_hostname=host)
    connection.sock = sock
    return connection


def get(
    lab: LocalWeb,
    host: str,
    path: str = "/",
    *,
    headers: Mapping[str, str] | None = None,
    scheme: str = "http",
) -> tuple[int, http.client.HTTPResponse, bytes]:
    connection = connect(lab, host, scheme=scheme)
    try:
        connection.request("GET", path, headers={"Host": host, **(headers or {})})
        response = connection.getresponse()
        return response.status, response, response.read(1 << 20)
    finally:
        connection.close()


def test_pages_static_files_and_unknown_hosts(lab: LocalWeb) -> None:
    status, response, body = get(lab, "spiegel.test")
    assert (status, body) == (200, b"<h1>Der Spiegel</h1>")
    assert response.getheader("X-Clone") == "1" and "text/html" in (response.getheader("Content-Type") or "")
    assert get(lab, "gone.test")[0] == 410
    status, response, body = get(lab, "logo.test", "/favicon.ico")
    assert (status, body, response.getheader("Content-Type")) == (200, b"\x89PNG fake", "image/png")
    assert get(lab, "nowhere.test")[0] == 404


def test_redirects_and_loops(lab: LocalWeb) -> None:
    status, response, _ = get(lab, "short.test", "/x")
    assert (status, response.getheader("Location")) == (301, "https://spiegel.test/a")
    status, response, _ = get(lab, "loop.test", "/here?q=1")
    assert (status, response.getheader("Location")) == (302, "/here?q=1")


def test_meta_refresh_and_javascript_redirects(lab: LocalWeb) -> None:
    meta = get(lab, "meta.test")[2].decode()
    assert '<meta http-equiv="refresh" content="0; url=https://spiegel.test/?a=1&amp;b=2">' in meta
    script = get(lab, "js.test")[2].decode()
    assert 'window.location.replace("https://spiegel.test/<\\/script>")' in script
    assert script.count("</script>") == 1


@pytest.mark.parametrize(
    ("agent", "referrer", "clone"),
    [
        (CHROME, "https://t.co/abc", True),
        (FIREFOX, "https://www.facebook.com/", True),
        (CHROME, "https://x.com/someone/status/1", True),
        (CHROME, "", False),
        (CHROME, "https://www.google.com/", False),
        ("curl/8.5.0", "https://t.co/abc", False),
        ("Mozilla/5.0 (compatible; Googlebot/2.1)", "https://twitter.com/", False),
        (CHROME, "https://not-t.co/", False),
    ],
)
def test_cloaking_shows_the_clone_only_to_browsers_from_social_links(
    lab: LocalWeb, agent: str, referrer: str, clone: bool
) -> None:
    headers = {"User-Agent": agent, **({"Referer": referrer} if referrer else {})}
    body = get(lab, "tds.test", headers=headers)[2]
    assert body == (b"<p>CLONE</p>" if clone else b"<p>weather</p>")


def test_the_gzip_bomb_is_small_on_the_wire_and_huge_inflated(lab: LocalWeb) -> None:
    status, response, body = get(lab, "bomb.test")
    assert status == 200 and response.getheader("Content-Encoding") == "gzip"
    assert len(body) == int(response.getheader("Content-Length") or 0) < 2 * 1024 * 1024
    cap = 100 * 1024 * 1024
    inflater = zlib.decompressobj(wbits=31)
    inflated, pending = 0, body
    while pending and inflated <= cap:
        inflated += len(inflater.decompress(pending, 1 << 20))
        pending = inflater.unconsumed_tail
    assert inflated > cap


def test_a_small_gzip_bomb_is_a_valid_gzip_stream() -> None:
    response = sites.gzip_bomb(decompressed_mb=3)(sites.Request("GET", "http", "bomb.test", "/", {}))
    assert response is not None and not isinstance(response.body, bytes)
    assert zlib.decompress(b"".join(response.body), wbits=31) == bytes(3 << 20)


def test_a_slow_body_trickles_and_never_ends(lab: LocalWeb) -> None:
    connection = connect(lab, "slow.test", timeout=2)
    try:
        connection.request("GET", "/", headers={"Host": "slow.test"})
        response = connection.getresponse()
        assert response.status == 200
        started, received = time.monotonic(), b""
        while time.monotonic() - started < 0.5:
            received += response.read1(64)
        assert 3 <= len(received) <= 20
        assert not response.isclosed()
    finally:
        connection.close()


def test_a_big_body_is_streamed_whole(lab: LocalWeb) -> None:
    connection = connect(lab, "big.test")
    try:
        connection.request("GET", "/", headers={"Host": "big.test"})
        response = connection.getresponse()
        total = 0
        while chunk := response.read(1 << 20):
            total += len(chunk)
    finally:
        connection.close()
    assert total == int(response.getheader("Content-Length") or 0) == 4 << 20


def test_clients_that_leave_mid_stream_do_not_hurt_the_server(lab: LocalWeb) -> None:
    for host in ("big.test", "slow.test", "bomb.test"):
        for scheme in ("http", "https"):
            connection = connect(lab, host, scheme=scheme)
            connection.request("GET", "/", headers={"Host": host})
            connection.getresponse().read(10)
            connection.close()
    raw = socket.create_connection((lab.address, lab.https_port), timeout=2)
    raw.sendall(b"\x16\x03\x01 not a handshake")
    raw.close()
    assert get(lab, "spiegel.test", scheme="https")[0] == 200


def test_hang_never_answers(lab: LocalWeb) -> None:
    connection = connect(lab, "hang.test", timeout=0.5)
    try:
        connection.request("GET", "/", headers={"Host": "hang.test"})
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            connection.getresponse()
        assert time.monotonic() - started >= 0.4
    finally:
        connection.close()


def test_https_uses_the_lab_ca_and_a_certificate_per_host(lab: LocalWeb) -> None:
    assert get(lab, "spiegel.test", scheme="https")[2] == b"<h1>Der Spiegel</h1>"
    connection = connect(lab, "logo.test", scheme="https")
    assert isinstance(connection.sock, ssl.SSLSocket)
    names = [value for kind, value in connection.sock.getpeercert()["subjectAltName"] if kind == "DNS"]
    connection.close()
    assert names == ["logo.test"]
    with pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"):
        connect(lab, "nowhere.test", scheme="https")
    plain = ssl.create_default_context()
    sock = socket.create_connection((lab.address, lab.https_port), timeout=2)
    with pytest.raises(ssl.SSLCertVerificationError, match="unable to get local issuer"):
        plain.wrap_socket(sock, server_hostname="spiegel.test")
    sock.close()


def test_the_rdap_server_answers_known_names_and_404s_the_rest(lab: LocalWeb) -> None:
    records = {"spiegel.test": sites.rdap_record("spiegel.test")}
    base = lab.rdap(records)
    assert base == lab.url("rdap.lab.test", "/rdap/")
    status, response, body = get(lab, "rdap.lab.test", "/rdap/domain/SPIEGEL.test", scheme="https")
    document = json.loads(body)
    assert status == 200 and response.getheader("Content-Type") == "application/rdap+json"
    assert document["objectClassName"] == "domain" and document["ldhName"] == "SPIEGEL.TEST"
    assert {event["eventAction"] for event in document["events"]} == {
        "registration",
        "last changed",
        "expiration",
    }
    records["bild.test"] = sites.rdap_record("bild.test")
    assert get(lab, "rdap.lab.test", "/rdap/domain/bild.test", scheme="https")[0] == 200
    status, _, body = get(lab, "rdap.lab.test", "/rdap/domain/welt.test", scheme="https")
    assert status == 404 and json.loads(body)["errorCode"] == 404


def test_given_ports_are_used_and_the_lab_stops_promptly_with_clients_waiting() -> None:
    address = "127.0.2.9"
    http_port, https_port = free_tcp_port(address), free_tcp_port(address)
    waiting: list[BaseException | int] = []

    def wait_on(lab: LocalWeb) -> None:
        try:
            waiting.append(get(lab, "hang.test")[0])
        except (OSError, http.client.HTTPException) as exc:
            waiting.append(exc)

    before = threading.active_count()
    with LocalWeb(address, http_port=http_port, https_port=https_port) as lab:
        assert (lab.http_port, lab.https_port) == (http_port, https_port)
        assert lab.url("a.test", "/x", scheme="http") == f"http://a.test:{http_port}/x"
        lab.add("hang.test", sites.hang())
        client = threading.Thread(target=wait_on, args=(lab,))
        client.start()
        time.sleep(0.2)
        started = time.monotonic()
    assert time.monotonic() - started < 3
    client.join(timeout=5)
    assert waiting and isinstance(waiting[0], http.client.RemoteDisconnected)
    time.sleep(0.1)
    assert threading.active_count() <= before
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((address, http_port), timeout=1)


def test_also_on_serves_the_same_sites_on_other_addresses_with_one_ca() -> None:
    with LocalWeb("127.0.2.10", also_on=["127.0.2.11", "127.0.2.12"]) as lab:
        lab.add("spread.test", sites.page("<p>everywhere</p>"))
        for address in ("127.0.2.10", "127.0.2.11", "127.0.2.12"):
            sock = socket.create_connection((address, lab.https_port), timeout=5)
            context = ssl.create_default_context(cafile=lab.ca_file)
            connection = http.client.HTTPConnection("spread.test", lab.https_port, timeout=5)
            connection.sock = context.wrap_socket(sock, server_hostname="spread.test")
            connection.request("GET", "/", headers={"Host": "spread.test"})
            assert connection.getresponse().read() == b"<p>everywhere</p>", address
            connection.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.2.11", lab.http_port), timeout=1)
