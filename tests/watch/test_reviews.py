"""Review decisions feed back into the watch loop: a re-probe request is probed in the next round,
and a domain called a false alarm raises no alert again, whatever its next verdict."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

from clonewatch.match import Matcher
from clonewatch.store import Store
from clonewatch.watch.alerts import FileSink
from clonewatch.watch.feeds import FeedContext
from clonewatch.watch.monitor import Monitor
from clonewatch.watch.nrd import NrdDirectoryFeed
from clonewatch.watch.probing import ProbeOutcome


def test_reprobe_requests_and_false_alarms_reach_the_watch(
    store: Store, news_matcher: Matcher, context: FeedContext, tmp_path: Path
) -> None:
    nrd = tmp_path / "nrd"
    nrd.mkdir()
    (nrd / "2026-11-24.txt").write_text("bildd.lol\nspiegel.ltd\n")
    verdicts = {"bildd.lol": "parked", "spiegel.ltd": "clone"}
    probed: list[str] = []

    def probe(domains: Sequence[str]) -> Iterator[ProbeOutcome]:
        for domain in domains:
            probed.append(domain)
            yield ProbeOutcome(domain, {"dns": {"a": []}}, verdicts[domain], 0.9)

    sink = FileSink(tmp_path / "alerts.jsonl")
    monitor = Monitor(
        store,
        [(NrdDirectoryFeed(nrd), 60.0)],
        news_matcher,
        context,
        alert_targets=[sink.target],
        alert_min_score=0.0,  # flags alert too, so that a false alarm's silence shows on both kinds
        sinks={sink.target: sink},
        probe=probe,
    )

    def alerts() -> list[tuple[str, str]]:
        lines = (tmp_path / "alerts.jsonl").read_text().splitlines()
        return sorted((json.loads(line)["domain"], json.loads(line)["event"]) for line in lines)

    monitor.run_once()
    assert sorted(probed) == ["bildd.lol", "spiegel.ltd"]
    before = alerts()
    assert before == [("bildd.lol", "flagged"), ("spiegel.ltd", "flagged"), ("spiegel.ltd", "verdict:clone")]

    store.record_decision("bildd.lol", "false-alarm", who="ana", comment="the outlet's own")
    store.record_decision("bildd.lol", "reprobe", who="ana")
    verdicts["bildd.lol"] = "clone"  # what a later probe says changes nothing for a false alarm
    monitor.run_once()
    assert probed[2:] == ["bildd.lol"]  # the request, though its last probe is fresh
    assert store.finding("bildd.lol").verdict == "clone"  # type: ignore[union-attr]
    assert alerts() == before
    monitor.run_once()
    assert len(probed) == 3  # the request is done
