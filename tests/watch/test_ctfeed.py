from __future__ import annotations

import logging
import time

import pytest

from clonewatch.errors import FeedUnavailable, FetchBlocked
from clonewatch.testing import oddcerts
from clonewatch.testing.ctlog import MALFORMED, CertFactory, LocalCtLog, LogEntry
from clonewatch.watch import ctfeed
from clonewatch.watch.certnames import CertNames
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


def _odd_log(certs: CertFactory) -> list[LogEntry]:
    """A good entry, then each DER fault as a certificate and as a precertificate, a SAN cut short,
    an entry that is not a certificate at all, and a good entry after them."""
    entries = [certs.x509_entry(["first.example.com"])]
    for number, fault in enumerate(sorted(oddcerts.FAULTS)):
        sans = [f"odd{number}.example.com", f"www.odd{number}.example.net"]
        cert = certs.certificate(sans, common_name=f"cn{number}.example.com")
        tbs, _ = certs.precertificate(sans, common_name=f"pre{number}.example.com")
        odd = oddcerts.FAULTS[fault]
        entries.append(certs.entry_for_certificate(oddcerts.with_tbs(cert, odd(oddcerts.tbs_of(cert)))))
        entries.append(certs.entry_for_tbs(odd(tbs)))
    cut = certs.certificate(["kept.example.com", "lost.example.com"], common_name="cut.example.com")
    entries.append(
        certs.entry_for_certificate(oddcerts.with_tbs(cut, oddcerts.truncated_san(oddcerts.tbs_of(cut))))
    )
    return [*entries, MALFORMED, certs.precert_entry(["last.example.com"])]


def test_certificates_with_der_faults_are_read_whole(
    certs: CertFactory, context: FeedContext, caplog: pytest.LogCaptureFixture
) -> None:
    entries = _odd_log(certs)
    with LocalCtLog(entries, max_per_request=4) as log, caplog.at_level(logging.WARNING):
        names, cursor, batches = _drain(CtLogFeed(log.url, context), None, size=5)
    expected = ["first.example.com"]
    for number in range(len(oddcerts.FAULTS)):
        sans = [f"odd{number}.example.com", f"www.odd{number}.example.net"]
        expected += [f"cn{number}.example.com", *sans, f"pre{number}.example.com", *sans]
    assert names == [*expected, "cut.example.com", "kept.example.com", "last.example.com"]
    malformed = len(entries) - 2
    assert cursor == {"next": len(entries), "malformed": 1, "recent": [malformed]}
    assert sum(batch.skipped for batch in batches) == 1
    assert f"skipping malformed entry {malformed}: " in caplog.text
    assert f"entry {malformed - 1}: read 2 name(s); skipped what could not be read: extension" in caplog.text


def test_a_reader_failure_costs_one_entry(
    certs: CertFactory,
    context: FeedContext,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whatever the reader raises for one entry, the log goes on past it (the cursor included)."""
    real = ctfeed.read_entry

    def fragile(entry: dict[str, str]) -> CertNames:
        read = real(entry)
        if "bug.example.com" in read.names:
            raise RuntimeError("a bug")
        return read

    monkeypatch.setattr(ctfeed, "read_entry", fragile)
    with LocalCtLog() as log:
        log.add(*(certs.x509_entry([name]) for name in ("a.example.com", "bug.example.com", "b.example.com")))
        with caplog.at_level(logging.WARNING):
            names, cursor, _ = _drain(CtLogFeed(log.url, context), None)
    assert names == ["a.example.com", "b.example.com"]
    assert cursor == {"next": 3, "malformed": 1, "recent": [1]}
    assert "entry 1 broke the certificate reader" in caplog.text and "RuntimeError: a bug" in caplog.text
