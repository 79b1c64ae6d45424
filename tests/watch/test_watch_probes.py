"""The monitor probing what it finds, for real: names from a feed file go through the matcher, the
store, and the probe stage against the probe world (web lab and local DNS), and verdict alerts
come out once."""

from __future__ import annotations

import json
from pathlib import Path

from clonewatch.testing.s3 import LocalS3
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
    config = tmp_path / "watch.toml"
    config.write_text('[probe]\nblobs = "blobs"\nscreenshots = true\n')
    run = cli(
        "watch", "--config", str(config), "--feed", str(feed), "--once", "--resolver", lab.dns.resolver,
        "--allow-private", "--alert-file", str(alerts), "--brands", str(lab.brands), "--alert-min-score", "0",
        *common, *lab.rdap_args(), "--ca-file", lab.web.ca_file,
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
    events = [json.loads(line) for line in history.stdout.splitlines()]
    assert events[0]["kind"] == "first_seen" and "verdict" in [e["kind"] for e in events]
    evidence = next(e for e in events if e["kind"] == "probe")["evidence"]
    assert evidence["rdap"]["registrar"] == "Lab Registrar GmbH", evidence["rdap"]  # asked of --rdap-server
    assert evidence["tls"]["valid"] is True  # the lab's certificates, from --ca-file
    body = evidence["http"]["plain"]["body_sha256"]
    blobs = tmp_path / "blobs"
    assert b"Der Spiegel" in (blobs / body[:2] / body).read_bytes()
    shot = evidence["screenshot"]
    assert (blobs / shot[:2] / shot).read_bytes().startswith(b"\x89PNG")


def test_watch_with_a_bucket_it_cannot_use_stops_at_once(
    cli: Cli, lab: Lab, s3: LocalS3, tmp_path: Path
) -> None:
    feed = tmp_path / "names.txt"
    feed.write_text("spiegel.ltd\n")
    config = tmp_path / "watch.toml"
    config.write_text('[probe]\nblobs = "s3://no-such-bucket/evidence"\n')
    run = cli(
        "watch", "--config", str(config), "--feed", str(feed), "--once", "--resolver", lab.dns.resolver,
        "--allow-private", "--brands", str(lab.brands), "--db", f"sqlite:///{tmp_path / 'watch.db'}",
        env=s3.env,
    )  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip().splitlines()[-1].startswith(
        "clonewatch: error: blob store s3://no-such-bucket/evidence: "
    )
