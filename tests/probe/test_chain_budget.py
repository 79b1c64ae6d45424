"""Fingerprinting a fetched page is bounded by the visitor's budget and a size cap."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator

import pytest

from clonewatch.net import HttpClient, HttpSettings
from clonewatch.probe.chain import (
    FINGERPRINT_BYTES,
    FINGERPRINT_FLOOR,
    Visitor,
    fingerprint_bytes,
    follow,
)

EARLY = b"<a href='https://genuine.test/early'>early</a>"
LATE = b"<a href='https://genuine.test/late'>late</a>"
PAGE = b"<title>huge</title>" + EARLY + b"<p>" + b"x" * (FINGERPRINT_BYTES + 500_000) + b"</p>" + LATE


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.send_header("content-length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_only_the_capped_head_of_a_huge_page_is_fingerprinted(server: int) -> None:
    client = HttpClient(HttpSettings(allow_private=True, timeout=5))
    seen = follow(
        client,
        f"http://127.0.0.1:{server}/",
        Visitor.PLAIN,
        deadline=time.monotonic() + 60,
        genuine_domains=("genuine.test",),
        favicon=False,
    )
    assert seen.error is None and seen.page is not None
    assert seen.page.title == "huge"
    assert seen.page.genuine_references == ("https://genuine.test/early",)


def test_the_bytes_fingerprinted_follow_the_time_left() -> None:
    assert fingerprint_bytes(60.0) == FINGERPRINT_BYTES
    assert fingerprint_bytes(0.0) == fingerprint_bytes(-5.0) == FINGERPRINT_FLOOR
    assert FINGERPRINT_FLOOR < fingerprint_bytes(0.5) < fingerprint_bytes(1.0) < FINGERPRINT_BYTES


def test_dense_hostile_markup_is_read_only_to_the_element_cap() -> None:
    from clonewatch.probe.page import MAX_URL_NODES, fingerprint

    links = "".join(f"<a href='https://genuine.test/{i}'>a</a>" for i in range(MAX_URL_NODES * 2)).encode()
    found = fingerprint(
        b"<title>dense</title>" + links, url="http://x.test/", genuine_domains=("genuine.test",)
    )
    assert found.title == "dense"
    assert found.genuine_reference_count == MAX_URL_NODES
