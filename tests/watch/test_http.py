from __future__ import annotations

import pytest

from clonewatch.errors import FeedUnavailable, FetchBlocked
from clonewatch.testing.ctlog import CertFactory, LocalCtLog
from clonewatch.watch.http import HttpClient, HttpResponse


def test_private_addresses_are_refused_unless_allowed(certs: CertFactory) -> None:
    with LocalCtLog() as log:
        with pytest.raises(FetchBlocked, match=r"127\.0\.3\.1"):
            HttpClient().get(log.url + "ct/v1/get-sth")
        assert HttpClient(allow_private=True).get(log.url + "ct/v1/get-sth").status == 200


def test_bodies_are_capped(certs: CertFactory) -> None:
    with LocalCtLog() as log:
        log.add(*(certs.x509_entry([f"n{i}.example.com"]) for i in range(5)))
        with pytest.raises(FeedUnavailable, match="larger than 100 bytes"):
            HttpClient(allow_private=True, max_bytes=100).get(log.url + "ct/v1/get-entries?start=0&end=4")


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "http:///nohost", "http://127.0.3.9:9/"])
def test_unusable_urls_and_refused_connections(url: str) -> None:
    with pytest.raises(FeedUnavailable):
        HttpClient(allow_private=True, timeout=2).get(url)


def test_retry_after_is_read_in_seconds() -> None:
    assert HttpResponse(429, {"retry-after": "7"}, b"").retry_after() == 7.0
    assert HttpResponse(429, {"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, b"").retry_after() is None
    assert HttpResponse(503, {}, b"").retry_after() is None
