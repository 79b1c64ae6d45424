from __future__ import annotations

import logging
import time

import pytest

from clonewatch.errors import FeedUnavailable, FetchBlocked
from clonewatch.testing.ctlog import CertFactory, LocalCtLog
from clonewatch.watch.ctfeed import CtLogFeed
from clonewatch.watch.feeds import Batch, FeedContext
from clonewatch.watch.http import HttpClient


def _drain(feed: CtLogFeed, cursor: object, size: int = 10) -> tuple[list[str], object, list[Batch]]:
    batches = list(feed.batches(cursor, size))
    names = [name for batch in batches for name in batch.names]
    return names, (batches[-1].cursor if batches else cursor), batches


def test_follows_the_log_as_it_grows(certs: CertFactory, context: FeedContext) -> None:
    with LocalCtLog(max_per_request=3) as log:
        log.add(*(certs.x509_entry([f"site{i}.example.com"]) for i in range(7)))
        log.add(certs.precert_entry(["spiegel.ltd", "*.bild-news.live"]))
        feed = CtLogFeed(log.url, context, per_request=100)
        names, cursor, batches = _drain(feed, None, size=5)
        assert names == [f"site{i}.example.com" for i in range(7)] + ["spiegel.ltd", "bild-news.live"]
        assert [b.cursor["next"] for b in batches] == [5, 8]  # the log sent 3 at a time, not 100
        assert _drain(feed, cursor)[0] == []
        log.add(certs.x509_entry(["bildd.lol"]))
        names, cursor, _ = _drain(feed, cursor)
        assert names == ["bildd.lol"]
        assert cursor["next"] == 9  # type: ignore[index]


def test_429_with_retry_after_and_500_are_retried(certs: CertFactory, context: FeedContext) -> None:
    with LocalCtLog() as log:
        log.add(certs.x509_entry(["spiegel.ltd"]))
        log.fail_next(429, retry_after=1)
        log.fail_next(500)
        feed = CtLogFeed(log.url, context)
        started = time.monotonic()
        assert _drain(feed, None)[0] == ["spiegel.ltd"]
        assert time.monotonic() - started >= 0.9  # Retry-After honoured (capped at 1 s here)


def test_a_log_that_stays_down_raises_feed_unavailable(certs: CertFactory, context: FeedContext) -> None:
    with LocalCtLog() as log:
        log.fail_next(503, count=10)
        with pytest.raises(FeedUnavailable, match="HTTP 503 after 4 attempts"):
            _drain(CtLogFeed(log.url, context), None)


def test_a_malformed_entry_is_skipped_and_recorded(
    certs: CertFactory, context: FeedContext, caplog: pytest.LogCaptureFixture
) -> None:
    with LocalCtLog() as log:
        log.add(certs.x509_entry(["a.example.com"]))
        log.add_malformed()
        log.add(certs.precert_entry(["spiegel.ltd"]))
        with caplog.at_level(logging.WARNING):
            names, cursor, _ = _drain(CtLogFeed(log.url, context), None)
        assert names == ["a.example.com", "spiegel.ltd"]
        assert cursor == {"next": 3, "malformed": 1, "recent": [1]}
        assert "skipping malformed entry 1" in caplog.text


def test_a_shrinking_log_is_reported_and_never_rewound(
    certs: CertFactory, context: FeedContext, caplog: pytest.LogCaptureFixture
) -> None:
    with LocalCtLog() as log:
        log.add(*(certs.x509_entry([f"s{i}.example.com"]) for i in range(4)))
        feed = CtLogFeed(log.url, context)
        _, cursor, _ = _drain(feed, None)
        log.shrink(2)
        with caplog.at_level(logging.ERROR):
            names, after, _batches = _drain(feed, cursor)
        assert names == [] and "SHRANK" in caplog.text
        assert after["next"] == 4 and after["shrunk_to"] == 2  # type: ignore[index]
        assert _drain(feed, after)[2] == []  # reported once in the store, logged every poll


def test_start_at_the_end_of_a_log(certs: CertFactory, context: FeedContext) -> None:
    with LocalCtLog() as log:
        log.add(certs.x509_entry(["old.example.com"]))
        feed = CtLogFeed(log.url, context, start="end")
        names, cursor, _ = _drain(feed, None)
        assert names == [] and cursor["next"] == 1  # type: ignore[index]


def test_loopback_is_refused_without_allow_private(certs: CertFactory) -> None:
    with LocalCtLog() as log:
        feed = CtLogFeed(log.url, FeedContext(HttpClient()))
        with pytest.raises(FetchBlocked, match="--allow-private"):
            _drain(feed, None)


def test_connection_refused_is_feed_unavailable(context: FeedContext) -> None:
    with pytest.raises(FeedUnavailable):
        _drain(CtLogFeed("http://127.0.3.9:9/ct/", context), None)
