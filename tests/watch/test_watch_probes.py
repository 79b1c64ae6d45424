"""The monitor probing what it finds, for real: names from a feed file go through the matcher, the
store, and the probe stage against the probe world (web lab and local DNS), and verdict alerts
come out once."""

from __future__ import annotations

import json
from pathlib import Path

from tests.probe_lab import Cli, Lab


def test_watch_probes_new_lookalikes_and_alerts_on_clones(cli: Cli, lab: Lab, tmp_path: Path) -> None:
    expected = {
        name: kind for name, kind in lab.world.suspects() if kind in ("clone", "parked", "unregistered")
    }
    feed = tmp_path / "names.txt"
    feed.write_text("\n".join([*expected, "example.org", "wikipedia.org"]) + "\n")
    db = f"sqlite:///{tmp_path / 'watch.db'}"
    alerts = tmp_path / "alerts.jsonl"
    common = ["--db", db]
    run = cli(
        "watch", "--feed", str(feed), "--once", "--resolver", lab.dns.resolver, "--allow-private",
        "--alert-file", str(alerts), "--brands", str(lab.brands), *common,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    found = cli("findings", "--format", "jsonl", *common)
    assert found.returncode == 0, found.stderr
    verdicts = {row["domain"]: row["verdict"] for row in map(json.loads, found.stdout.splitlines())}
    assert verdicts == expected
    events = [json.loads(line) for line in alerts.read_text().splitlines()]
    clone = next(name for name, kind in expected.items() if kind == "clone")
    assert [e["event"] for e in events if e["domain"] == clone] == ["flagged", "verdict:clone"]
    assert sorted(e["domain"] for e in events if e["event"] == "flagged") == sorted(expected)
    history = cli("history", clone, "--format", "jsonl", *common)
    kinds = [json.loads(line)["kind"] for line in history.stdout.splitlines()]
    assert kinds[0] == "first_seen" and "probe" in kinds and "verdict" in kinds
