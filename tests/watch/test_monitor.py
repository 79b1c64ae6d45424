"""The watch loop with real feeds (a CT log, an NRD directory) and a test-double probe, on both databases."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from clonewatch.match import Matcher
from clonewatch.store import Store
from clonewatch.testing import oddcerts
from clonewatch.testing.ctlog import MALFORMED, CertFactory, LocalCtLog
from clonewatch.testing.oddcerts import duplicate_extension, tbs_of
from clonewatch.testing.receivers import WebhookReceiver
from clonewatch.watch.alerts import FileSink, WebhookSink, payload
from clonewatch.watch.ctfeed import CtLogFeed
from clonewatch.watch.feeds import Batch, FeedContext
from clonewatch.watch.monitor import Monitor
from clonewatch.watch.nrd import NrdDirectoryFeed
from clonewatch.watch.probing import ProbeOutcome

VERDICTS = {"spiegel.ltd": "clone", "bild-news.live": "parked"}


def probe_by_table(probed: list[str]) -> Any:
    """A real small probe function: verdicts from a table, recording what it was asked."""

    def probe(domains: Sequence[str]) -> Iterator[ProbeOutcome]:
        for domain in domains:
            probed.append(domain)
            verdict = VERDICTS.get(domain, "unregistered")
            yield ProbeOutcome(domain, {"dns": {"a": []}, "verdict": verdict}, verdict, 0.9)

    return probe


def test_feeds_to_store_probes_and_alerts(
    store: Store, news_matcher: Matcher, certs: CertFactory, context: FeedContext, tmp_path: Path
) -> None:
    nrd = tmp_path / "nrd"
    nrd.mkdir()
    (nrd / "2026-11-24.txt").write_text("bildd.lol\nexample.com\nspiegel.ltd\n")
    probed: list[str] = []
    sink = FileSink(tmp_path / "alerts.jsonl")
    with LocalCtLog() as log, WebhookReceiver() as hook:
        log.add(certs.precert_entry(["spiegel.ltd", "*.bild-news.live"]), certs.x509_entry(["example.org"]))
        hook.fail_next(503)
        webhook = WebhookSink(hook.url, context.client, context.stop, retries=2, backoff=0.01)
        sinks = {sink.target: sink, webhook.target: webhook}
        ct = CtLogFeed(log.url, context)
        monitor = Monitor(
            store,
            [(NrdDirectoryFeed(nrd), 60.0), (ct, 60.0)],
            news_matcher,
            context,
            batch_size=2,
            alert_targets=sorted(sinks),
            alert_min_score=0.0,  # every flag alerts too (by default only probed verdicts do)
            sinks=sinks,
            probe=probe_by_table(probed),
        )
        assert monitor.run_once() == 0
        found = sorted(f.match.domain for f in store.findings())
        assert found == ["bild-news.live", "bildd.lol", "spiegel.ltd"]
        assert sorted(probed) == ["bild-news.live", "bildd.lol", "spiegel.ltd"]
        assert store.cursor(ct.name)["next"] == 2
        lines = (tmp_path / "alerts.jsonl").read_text().splitlines()
        events = sorted((b["domain"], b["event"]) for b in hook.bodies())
        assert events == [
            ("bild-news.live", "flagged"),
            ("bildd.lol", "flagged"),
            ("spiegel.ltd", "flagged"),
            ("spiegel.ltd", "verdict:clone"),
        ]
        assert len(lines) == 4
        body = next(b for b in hook.bodies() if b["event"] == "verdict:clone")
        assert body["text"].startswith("clonewatch: spiegel.ltd is now clone")
        assert body["genuine"] == "spiegel.de" and body["verdict"] == "clone"
        assert hook.received[0].headers["Idempotency-Key"] == hook.received[0].body["idempotency_key"]
        assert store.pending_alerts() == []
        # a second pass reads nothing new, probes nothing (not due yet), sends nothing
        monitor.run_once()
        assert len(probed) == 3 and len(hook.bodies()) == 4


def test_a_feed_that_is_down_does_not_stop_the_others(
    store: Store, news_matcher: Matcher, context: FeedContext, tmp_path: Path
) -> None:
    (tmp_path / "list.txt").write_text("spiegel.ltd\n")
    down = CtLogFeed("http://127.0.3.9:9/log/", context)
    monitor = Monitor(store, [(down, 60.0), (NrdDirectoryFeed(tmp_path), 60.0)], news_matcher, context)
    assert monitor.run_once() == 1
    assert [f.match.domain for f in store.findings()] == ["spiegel.ltd"]
    assert monitor.stats.feed_errors == 1


def test_a_file_alert_already_written_is_not_written_again(
    store: Store, news_matcher: Matcher, context: FeedContext, tmp_path: Path
) -> None:
    """The crash window: the line was fsynced but the alert not yet recorded as sent."""
    (tmp_path / "nrd").mkdir()
    (tmp_path / "nrd" / "a.txt").write_text("spiegel.ltd\n")
    alerts = tmp_path / "alerts.jsonl"
    sink = FileSink(alerts)
    monitor = Monitor(
        store,
        [(NrdDirectoryFeed(tmp_path / "nrd"), 60.0)],
        news_matcher,
        context,
        alert_targets=[sink.target],
        alert_min_score=0.0,
    )
    monitor.run_once()
    (alert,) = store.pending_alerts()
    alerts.write_text(json.dumps(payload(alert, store.finding("spiegel.ltd"))) + "\n" + '{"cut sh')
    Monitor(
        store, [], news_matcher, context, alert_targets=[sink.target], sinks={sink.target: sink}
    ).run_once()
    assert alerts.read_text().count("\n") == 1 and "cut sh" not in alerts.read_text()
    assert store.pending_alerts() == []


def test_run_forever_follows_a_growing_log_until_stopped(
    store: Store, news_matcher: Matcher, certs: CertFactory, context: FeedContext
) -> None:
    with LocalCtLog() as log:
        log.add(certs.x509_entry(["example.org"]))
        feed = CtLogFeed(log.url, context)
        monitor = Monitor(store, [(feed, 0.1)], news_matcher, context)
        thread = threading.Thread(target=monitor.run_forever)
        thread.start()
        try:
            _wait_for(lambda: (store.cursor(feed.name) or {}).get("next") == 1)
            log.add(certs.precert_entry(["spiegel.ltd"]))
            _wait_for(lambda: [f.match.domain for f in store.findings()] == ["spiegel.ltd"])
        finally:
            context.stop.set()
            thread.join(timeout=10)
        assert not thread.is_alive()


def _wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_certificates_that_do_not_parse_cost_only_themselves(
    store: Store, news_matcher: Matcher, certs: CertFactory, context: FeedContext, tmp_path: Path
) -> None:
    """Look-alikes in certificates with DER faults are found, a certificate that cannot be read is
    skipped (counted, the cursor past it), and the feed after the log is read in the same pass."""
    (tmp_path / "nrd").mkdir()
    (tmp_path / "nrd" / "2026-11-24.txt").write_text("blld.live\n")
    duplicated = certs.certificate(["www.example.org", "spiegel.ltd"], common_name="www.example.org")
    negative, _ = certs.precertificate(["bild-news.live"], common_name="example.net")
    explicit = certs.certificate(["example.com", "t-onlinl.life"], common_name="example.com")
    entries = [
        certs.entry_for_certificate(oddcerts.with_tbs(duplicated, duplicate_extension(tbs_of(duplicated)))),
        MALFORMED,
        certs.entry_for_tbs(oddcerts.negative_serial(negative)),
        certs.entry_for_certificate(oddcerts.with_tbs(explicit, oddcerts.explicit_default(tbs_of(explicit)))),
    ]
    with LocalCtLog(entries) as log:
        ct = CtLogFeed(log.url, context)
        feeds = [(ct, 60.0), (NrdDirectoryFeed(tmp_path / "nrd"), 60.0)]
        monitor = Monitor(store, feeds, news_matcher, context, batch_size=2)
        assert monitor.run_once() == 0
        found = sorted(f.match.domain for f in store.findings())
        assert found == ["bild-news.live", "blld.live", "spiegel.ltd", "t-onlinl.life"]
        assert store.cursor(ct.name) == {"next": 4, "malformed": 1, "recent": [1]}
        assert monitor.stats.skipped == 1
        again = Monitor(store, feeds, news_matcher, context, batch_size=2)
        assert again.run_once() == 0 and again.stats.names == again.stats.skipped == 0


def test_lines_with_no_domain_name_are_counted_and_reported_where_they_are(
    store: Store,
    news_matcher: Matcher,
    context: FeedContext,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    (tmp_path / "nrd").mkdir()
    junk = [f"junk line {i}" for i in range(8)]
    path = tmp_path / "nrd" / "2026-11-24.csv"
    path.write_text(
        "\n".join(["domain,created", "spiegel.ltd,2026-11-24", "# a comment", "", *junk, "bildd.lol"])
    )
    monitor = Monitor(store, [(NrdDirectoryFeed(tmp_path / "nrd", settle=0), 60.0)], news_matcher, context)
    with caplog.at_level(logging.WARNING):
        assert monitor.run_once() == 0
    assert sorted(f.match.domain for f in store.findings()) == ["bildd.lol", "spiegel.ltd"]
    assert monitor.stats.skipped == 1 + len(junk) and monitor.stats.names == 3 + len(junk)
    assert f"{path}:1: skipping a line with no domain name: " in caplog.text
    assert f"{path}:5: skipping a line with no domain name: " in caplog.text  # blank and comment: not counted
    assert f"{path}: skipped {len(junk) - 4} more lines with no domain name in lines 1-13" in caplog.text


class _BrokenFeed:
    """A feed with a bug: it raises something no feed should."""

    kind = "file"
    name = "file:broken"

    def batches(self, cursor: object, size: int) -> Iterator[Batch]:
        raise KeyError("a bug")
        yield


def test_a_feed_with_a_bug_does_not_stop_the_others(
    store: Store,
    news_matcher: Matcher,
    context: FeedContext,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    (tmp_path / "list.txt").write_text("spiegel.ltd\n")
    feeds = [(_BrokenFeed(), 60.0), (NrdDirectoryFeed(tmp_path), 60.0)]
    monitor = Monitor(store, feeds, news_matcher, context)
    with caplog.at_level(logging.WARNING):
        assert monitor.run_once() == 1
    assert [f.match.domain for f in store.findings()] == ["spiegel.ltd"]
    assert monitor.stats.feed_errors == 1
    assert "file:broken failed, retrying in 5s: 'a bug'" in caplog.text and "KeyError" in caplog.text
