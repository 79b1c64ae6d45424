"""The expansion library with its probe seam answered from hand-built evidence: hop hosts become
candidates, the budget holds, Ctrl-C keeps what was gathered, feeds are read as `match` reads them."""

from __future__ import annotations

import gzip
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from clonewatch.cluster.expand import ExpandSettings, expand, feed_names
from clonewatch.match import FeedStats
from tests.cluster.world import operation

RED = {item["domain"]: item for item in operation("red", "10.1.1", ["Spiegel", "Bild"], day="2026-11-02")}


class Answers:
    """A probe that answers from RED, and remembers what it was asked."""

    def __init__(self, *, stop_after: int | None = None) -> None:
        self.asked: list[str] = []
        self.stop_after = stop_after

    def __call__(self, names: Sequence[str]) -> Iterator[Mapping[str, Any]]:
        for name in names:
            if self.stop_after is not None and len(self.asked) >= self.stop_after:
                raise KeyboardInterrupt
            self.asked.append(name)
            yield RED.get(name) or {"domain": name, "verdict": "no-website"}


def test_seeds_are_probed_and_redirect_chains_lead_to_the_rest() -> None:
    redirectors = [item for item in RED.values() if item["verdict"] == "redirector"]
    probe = Answers()
    found = expand(redirectors[:2], seeds=["spiegel-red.ltd"], names=[], probe=probe)
    assert probe.asked[0] == "spiegel-red.ltd"
    assert set(probe.asked[1:]) == {"tds-red.top"}  # the hop both given redirectors pass through
    (campaign,) = found.campaigns
    members = {m.domain: m for m in campaign.members}
    assert members["tds-red.top"].via == "hop:tds-red.top (expanded from xred00q.click, depth 1)"
    assert members["spiegel-red.ltd"].role == "clone" and found.depth == 1 and not found.interrupted
    assert [record["domain"] for record in found.evidence] == probe.asked


def test_the_budget_and_ctrl_c_keep_what_was_gathered() -> None:
    redirectors = [item for item in RED.values() if item["verdict"] == "redirector"]
    probe = Answers()
    found = expand(
        redirectors, seeds=["spiegel-red.ltd"], names=[], probe=probe, settings=ExpandSettings(max_probes=2)
    )
    assert len(probe.asked) == 2 and found.unprobed >= 1  # the seed, then the rarest lead of many
    stopped = Answers(stop_after=1)
    partial = expand(redirectors, seeds=["spiegel-red.ltd", "bild-red.ltd"], names=[], probe=stopped)
    assert partial.interrupted and [r["domain"] for r in partial.evidence] == ["spiegel-red.ltd"]
    assert any(m.domain == "spiegel-red.ltd" for c in partial.campaigns for m in c.members)


def test_feeds_are_read_like_match_reads_them(tmp_path: Path) -> None:
    plain = tmp_path / "names.txt"
    plain.write_text(
        "# new today\nwww.spiegel.ltd\nhxxps://bild[.]lol/x\nnot a name!!\nspiegel.ltd\n", "utf-8"
    )
    packed = tmp_path / "more.gz"
    packed.write_bytes(gzip.compress(b"welt.pm\n"))
    stats = FeedStats()
    assert feed_names([str(plain), str(packed)], stats) == ["spiegel.ltd", "bild.lol", "welt.pm"]
    assert stats.read == 5 and stats.skipped == 1 and stats.examples[0].lineno == 4
