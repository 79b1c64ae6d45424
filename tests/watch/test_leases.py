"""Several monitors on one real PostgreSQL: probe leases (FOR UPDATE SKIP LOCKED, expiry), and a
PostgreSQL stopped and restarted under a running monitor, which pauses and resumes from its cursors."""

from __future__ import annotations

import re
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from clonewatch.match import Match, Matcher
from clonewatch.names import DomainName, default_psl, parse_host
from clonewatch.store import Store
from clonewatch.store.models import DomainRow, MatchRow, ProbeRow
from clonewatch.testing.dns import LocalDns
from clonewatch.testing.dns import TestZones as Zones
from clonewatch.testing.postgres import LocalPostgres
from clonewatch.testing.sites import Request, Response
from clonewatch.testing.web import LocalWeb
from clonewatch.watch.feeds import Batch, FeedContext
from clonewatch.watch.monitor import Monitor
from clonewatch.watch.probing import ProbeOutcome
from tests.conftest import CLONEWATCH
from tests.lanes import lane

SLOW_WEB = lane("127.0.6.41")
PROBED = re.compile(r"(\d+) probed")
T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
BRAND_NAMES = ("spiegel", "bild", "welt", "zeit")
SUFFIXES = ("ltd", "pm", "lol", "live", "click", "rest", "cfd", "sbs", "icu", "online")


def lookalikes(count: int, start: int = 0) -> list[str]:
    """``count`` look-alike names the news watchlist flags (brand label on another suffix)."""
    names = [f"{brand}.{suffix}" for suffix in SUFFIXES for brand in BRAND_NAMES]
    names += [f"{brand}-news.{suffix}" for suffix in SUFFIXES for brand in BRAND_NAMES]
    return names[start : start + count]


def flagged(matcher: Matcher, names: list[str]) -> list[str]:
    """The names the matcher flags (the test's names are look-alikes; the matcher decides)."""
    psl = default_psl()
    return [n for n in names if isinstance(host := parse_host(n, psl), DomainName) and matcher.match(host)]


def _match(domain: str) -> Match:
    return Match(domain, domain, "Bild", "bild.de", 0.9, ("suffix",))


class GrowingFeed:
    """A feed of names the test appends to; its cursor is how many names were read."""

    def __init__(self, name: str = "test:growing") -> None:
        self.names: list[str] = []
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def kind(self) -> str:
        return "names"

    def batches(self, cursor: Any, size: int) -> Iterator[Batch]:
        position = int(cursor or 0)
        while position < len(self.names):
            chunk = self.names[position : position + size]
            position += len(chunk)
            yield Batch(chunk, position)


class SlowProbe:
    """A probe that takes ``seconds`` per domain and records who probed what, and when."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.calls: list[tuple[str, str, float, float]] = []
        self._lock = threading.Lock()

    def for_monitor(self, who: str) -> Any:
        def probe(domains: Sequence[str]) -> Iterator[ProbeOutcome]:
            for domain in domains:
                started = time.monotonic()
                time.sleep(self.seconds)
                with self._lock:
                    self.calls.append((who, domain, started, time.monotonic()))
                yield ProbeOutcome(domain, {"dns": {"a": []}}, "unregistered", 0.9)

        return probe


@pytest.fixture
def pg_url(postgres: LocalPostgres, request: pytest.FixtureRequest) -> str:
    return postgres.create_database(f"lease_{abs(hash(request.node.name)) % 10**8}")


def test_claims_never_overlap_and_a_lapsed_lease_is_taken_again(pg_url: str) -> None:
    with Store.open(pg_url) as one, Store.open(pg_url) as two:
        assert one.leases
        one.ingest_batch("f", 1, [_match(d) for d in lookalikes(10)], seen_at=T0)
        first = one.claim_for_probe("a", limit=4, lease=HOUR, now=T0)
        second = two.claim_for_probe("b", limit=4, lease=HOUR, now=T0)
        rest = two.claim_for_probe("c", limit=10, lease=HOUR, now=T0)
        assert len(first) == len(second) == 4 and len(rest) == 2
        assert not set(first) & set(second) and set(first) | set(second) | set(rest) == set(lookalikes(10))
        assert two.claim_for_probe("e", limit=10, lease=HOUR, now=T0 + HOUR / 2) == []
        # a holder resuming takes its own leases again; storing a probe ends the lease
        assert one.claim_for_probe("a", limit=10, lease=HOUR, now=T0 + HOUR / 2) == first
        one.add_probe(first[0], {}, "unregistered", 0.9, at=T0 + HOUR / 2)
        # "a" and "b" crashed: their leases lapse after an hour and "c" takes them (not the probed one)
        lapsed = two.claim_for_probe("c", limit=10, lease=HOUR, now=T0 + 2 * HOUR)
        assert sorted(lapsed) == sorted(set(lookalikes(10)) - {first[0]})
        assert two.release("c", first[1:]) == 3
        assert sorted(two.claim_for_probe("d", limit=10, lease=HOUR, now=T0 + 2 * HOUR)) == sorted(first[1:])


def test_a_claim_skips_rows_another_transaction_is_claiming(pg_url: str) -> None:
    with Store.open(pg_url) as store:
        store.ingest_batch("f", 1, [_match(d) for d in lookalikes(3)], seen_at=T0)
        with store.engine.connect() as other, other.begin():
            locked = other.execute(
                select(DomainRow.name).order_by(DomainRow.id).limit(1).with_for_update()
            ).scalar_one()
            claimed = store.claim_for_probe("a", limit=3, lease=HOUR, now=T0)
        assert locked not in claimed and len(claimed) == 2


def test_sqlite_keeps_one_monitor_taking_what_is_due(tmp_path: Any) -> None:
    with Store.open(f"sqlite:///{tmp_path / 'w.db'}") as store:
        assert not store.leases


def test_two_monitors_on_one_postgresql_never_probe_a_domain_twice(
    pg_url: str, news_matcher: Matcher, context: FeedContext
) -> None:
    names = flagged(news_matcher, lookalikes(24))
    with Store.open(pg_url) as store:
        store.ingest_batch("f", 1, [_match(d) for d in names])
    probe = SlowProbe(0.05)
    monitors = []
    for who in ("one", "two"):
        store = Store.open(pg_url)
        monitor = Monitor(store, [], news_matcher, context, probe=probe.for_monitor(who), probe_batch=2)
        monitors.append(monitor)
    threads = [threading.Thread(target=monitor.run_once) for monitor in monitors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for monitor in monitors:
        monitor.store.close()
    probed = [domain for _, domain, _, _ in probe.calls]
    assert sorted(probed) == sorted(names)  # each once
    by = {who for who, _, _, _ in probe.calls}
    assert by == {"one", "two"}  # the work was shared
    assert sum(m.stats.probed for m in monitors) == len(names)


def test_a_postgresql_restart_pauses_the_monitor_which_resumes_losing_and_doubling_nothing(
    news_matcher: Matcher, context: FeedContext
) -> None:
    names = flagged(news_matcher, lookalikes(40))
    half = len(names) // 2
    with LocalPostgres() as server:
        feed = GrowingFeed()
        feed.names.extend(names[:half])
        probe = SlowProbe(0.05)
        store = Store.open(server.url)
        monitor = Monitor(
            store, [(feed, 0.2)], news_matcher, context, probe=probe.for_monitor("one"), probe_batch=4
        )
        runner = threading.Thread(target=monitor.run_forever)
        runner.start()
        try:
            _wait(lambda: monitor.stats.probed >= 6, "the first probes")
            server.stop_server()
            feed.names.extend(names[half:])  # names arrive while the database is down
            time.sleep(2.0)
            assert monitor.stats.store_outages == 1
            before = monitor.stats.probed
            server.start_server()
            back = time.monotonic()
            _wait(lambda: monitor.stats.probed > before, "the first probe after the restart")
            resumed = time.monotonic() - back
            _wait(lambda: monitor.stats.probed >= len(names), "every probe")
        finally:
            context.stop.set()
            runner.join(timeout=60)
        with store.engine.connect() as connection:
            domains = connection.execute(select(func.count()).select_from(DomainRow)).scalar_one()
            matches = connection.execute(select(func.count()).select_from(MatchRow)).scalar_one()
            per_domain = connection.execute(
                select(func.count()).select_from(ProbeRow).group_by(ProbeRow.domain_id)
            ).scalars()
            leased = connection.execute(text("select count(*) from domains where lease_holder is not null"))
            assert (domains, matches) == (len(names), len(names))
            assert set(per_domain) == {1}  # each domain's evidence stored once
            assert leased.scalar_one() == 0
        assert store.cursor(feed.name) == len(names)
        assert monitor.stats.probed == len(names)
        store.close()
        print(f"resumed {resumed:.2f}s after PostgreSQL was back")  # read with -s
        assert resumed < 30


def _wait(done: Any, what: str, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def test_two_watch_processes_on_one_postgresql_share_the_probes(
    postgres: LocalPostgres, news_matcher: Matcher, tmp_path: Path
) -> None:
    """The real console script, twice at once, probing slow sites in the web lab: each domain's
    evidence is stored once, and both processes did some of the probing."""
    names = flagged(news_matcher, lookalikes(10))
    url = postgres.create_database("lease_processes")
    feed = tmp_path / "names.txt"
    feed.write_text("\n".join(names) + "\n")
    brands = tmp_path / "brands.txt"
    brands.write_text("spiegel.de\nbild.de\nwelt.de\nzeit.de\n")
    config = tmp_path / "watch.toml"
    config.write_text("[probe]\nbatch = 1\nconcurrency = 1\n")

    def slow(request: Request) -> Response:
        time.sleep(0.2)
        return Response(200, (("Content-Type", "text/html"),), b"<title>slow</title><p>a slow site</p>")

    zones = Zones(records=[(name, "A", SLOW_WEB) for name in names])
    with LocalWeb(SLOW_WEB) as web, LocalDns(zones, tmp_path / "dns") as dns:
        assert web.http_port == 80, "the lease lab needs port 80"
        for name in names:
            web.add(name, slow)
        args = [
            "watch", "--config", str(config), "--feed", str(feed), "--once", "--db", url,
            "--brands", str(brands), "--resolver", dns.resolver, "--allow-private",
        ]  # fmt: skip
        runs = [
            subprocess.Popen([str(CLONEWATCH), *args], stderr=subprocess.PIPE, text=True) for _ in range(2)
        ]
        errors = [run.communicate(timeout=240)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    probed = [int(PROBED.findall(text)[-1]) for text in errors]
    assert sum(probed) == len(names) and min(probed) > 0, probed
    with Store.open(url) as store, store.engine.connect() as connection:
        per_domain = connection.execute(
            select(DomainRow.name, func.count(ProbeRow.id)).join(ProbeRow).group_by(DomainRow.name)
        ).all()
    assert sorted(per_domain) == sorted((name, 1) for name in names)
