"""bench/leases: on a real PostgreSQL (clonewatch.testing.postgres) holding N due domains, the time of
one probe round's store work with leases (claim_for_probe, then release of what was left) against
today's unleased read (due_for_probe), and the time from PostgreSQL accepting connections again after
a restart to the first store call that succeeds (reconnection alone, polled every 10 ms) and to the
monitor's first stored probe (with its backoff)."""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from benchkit.cli import machine_line
from benchkit.report import markdown_table
from clonewatch.errors import StoreUnavailable
from clonewatch.match import Match, Matcher
from clonewatch.store import Store
from clonewatch.testing.postgres import LocalPostgres
from clonewatch.watch.feeds import Batch, FeedContext
from clonewatch.watch.http import HttpClient
from clonewatch.watch.monitor import Monitor
from clonewatch.watch.probing import ProbeOutcome

LEASE = timedelta(minutes=15)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/leases", description=__doc__)
    p.add_argument("--domains", type=int, default=10_000, help="due domains in the store (default 10000)")
    p.add_argument("--batch", type=int, default=50, help="domains per round (default 50)")
    p.add_argument("--rounds", type=int, default=100, help="rounds timed (default 100)")
    p.add_argument("--restarts", type=int, default=5, help="PostgreSQL restarts timed (default 5)")
    return p.parse_args(argv)


def _names(count: int) -> list[str]:
    return [f"lease-bench-{i:06d}.lol" for i in range(count)]


def _fill(store: Store, names: Sequence[str]) -> None:
    for start in range(0, len(names), 1000):
        chunk = names[start : start + 1000]
        store.ingest_batch("bench", start, [Match(n, n, "Bild", "bild.de", 0.9, ("suffix",)) for n in chunk])


def _timed(step: Callable[[], Any], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return times


def rounds(server: LocalPostgres, args: argparse.Namespace) -> list[list[str]]:
    url = server.create_database("lease_rounds")
    rows = []
    with Store.open(url) as store:
        _fill(store, _names(args.domains))
        now = datetime.now(UTC)
        plain = _timed(lambda: store.due_for_probe(now, limit=args.batch), args.rounds)
        whole = _timed(lambda: store.due_for_probe(now)[: args.batch], args.rounds)  # what the monitor did

        def leased() -> None:
            claimed = store.claim_for_probe("bench", limit=args.batch, lease=LEASE, now=now)
            store.release("bench", claimed)

        lease = _timed(leased, args.rounds)
    for name, times in (
        ("due_for_probe, first batch only", plain),
        ("due_for_probe, every due domain read (the monitor before leases)", whole),
        ("claim_for_probe + release", lease),
    ):
        rows.append(
            [
                name,
                f"{statistics.median(times) * 1000:.2f}",
                f"{sorted(times)[int(len(times) * 0.95) - 1] * 1000:.2f}",
            ]
        )
    return rows


class _Feed:
    name = "bench:restart"
    kind = "names"

    def __init__(self) -> None:
        self.names: list[str] = []

    def batches(self, cursor: Any, size: int) -> Iterator[Batch]:
        position = int(cursor or 0)
        while position < len(self.names):
            chunk = self.names[position : position + size]
            position += len(chunk)
            yield Batch(chunk, position)


def restarts(server: LocalPostgres, args: argparse.Namespace) -> tuple[list[float], list[float]]:
    url = server.create_database("lease_restarts")
    reconnect: list[float] = []
    with Store.open(url) as store:
        for _ in range(args.restarts):
            store.cursor("x")
            server.stop_server()
            server.start_server()  # returns once PostgreSQL accepts connections
            back = time.perf_counter()
            while True:
                try:
                    store.cursor("x")
                    break
                except StoreUnavailable:
                    time.sleep(0.01)
            reconnect.append(time.perf_counter() - back)
    resume: list[float] = []
    stop = threading.Event()
    context = FeedContext(HttpClient(True, 5.0), stop)
    feed = _Feed()
    feed.names.extend(f"bild.{suffix}" for suffix in ("ltd", "pm", "lol", "live", "click", "rest"))
    probed = []

    def probe(domains: Sequence[str]) -> Iterator[ProbeOutcome]:
        for domain in domains:
            time.sleep(0.2)
            probed.append(domain)
            yield ProbeOutcome(domain, {}, "unregistered", 0.9)

    with Store.open(url) as store:
        from clonewatch.brands import Brand

        monitor = Monitor(
            store, [(feed, 0.1)], Matcher([Brand("Bild", ("bild.de",))]), context, probe=probe, probe_batch=1
        )
        runner = threading.Thread(target=monitor.run_forever)
        runner.start()
        try:
            for i in range(args.restarts):
                feed.names.extend(f"bild-{i}-{n}.{s}" for n in range(3) for s in ("ltd", "pm"))
                time.sleep(0.5)  # probing under way
                before = monitor.stats.probed
                server.stop_server()
                time.sleep(1.0)
                server.start_server()
                back = time.perf_counter()
                while monitor.stats.probed == before and time.perf_counter() - back < 60:
                    time.sleep(0.005)
                resume.append(time.perf_counter() - back)
                time.sleep(1.0)
        finally:
            stop.set()
            runner.join(timeout=60)
    return reconnect, resume


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(machine_line())
    with LocalPostgres() as server:
        table = rounds(server, args)
        reconnect, resume = restarts(server, args)
    print(f"\nOne round's store work, {args.batch} domains of {args.domains:,} due ({args.rounds} rounds):\n")
    print(markdown_table(["store calls", "median ms", "p95 ms"], table))
    print(f"\nAfter a PostgreSQL restart ({args.restarts} restarts; stop -m fast, start -w):\n")
    print(
        markdown_table(
            ["from PostgreSQL accepting connections to", "median s", "max s"],
            [
                [
                    "a store call that succeeds (polled every 10 ms)",
                    f"{statistics.median(reconnect):.3f}",
                    f"{max(reconnect):.3f}",
                ],
                [
                    "the monitor's first stored probe (its backoff, 1 s down)",
                    f"{statistics.median(resume):.3f}",
                    f"{max(resume):.3f}",
                ],
            ],
        )
    )
    return 0
