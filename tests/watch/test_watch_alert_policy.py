"""`clonewatch watch`'s alert policy, as a user runs it: every flag goes to the store (the review
queue); an alert fires on a probed verdict (clone, redirector, cloaked), and on a flag alone only
when --alert-min-score asks for it and the match scores that much."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from clonewatch.testing.dns import LocalDns
from clonewatch.testing.dns import TestZones as Zones
from clonewatch.testing.probelab import UNRELATED, outlet, outlet_page
from clonewatch.testing.sites import page
from clonewatch.testing.web import LocalWeb
from tests.lanes import lane
from tests.probe_lab import Cli

ADDRESS = lane("127.0.2.22")
GENUINE = "spiegel.de"
CLONE = "spiegel.lol"  # the brand's label on another suffix: the top score
OTHER = "spiegel-news.lol"  # a live site of its own
GONE = "spiegel-online.lol"  # registered nowhere


@dataclass
class World:
    dns: LocalDns
    brands: Path
    feed: Path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    workdir = tmp_path_factory.mktemp("alert-policy")
    brands = workdir / "brands.txt"
    brands.write_text(f"{GENUINE},Der Spiegel\n")
    feed = workdir / "names.txt"
    feed.write_text(f"{CLONE}\n{OTHER}\n{GONE}\nexample.org\n")
    story = "Exclusive: minister admits sanctions failed"
    sites = {
        GENUINE: outlet(
            outlet_page(GENUINE, "Der Spiegel", "Wahl in Berlin", "Nachrichten aus Deutschland.")
        ),
        CLONE: outlet(outlet_page(GENUINE, "Der Spiegel", story, "Fabricated.", assets_from=GENUINE)),
        OTHER: page(UNRELATED.format(domain=OTHER)),
    }
    with LocalWeb(ADDRESS) as web:
        if web.http_port != 80:
            pytest.skip("port 80 is taken on the alert-policy world's address")
        for host, site in sites.items():
            web.add(host, site)
        with LocalDns(Zones(records=[(host, "A", ADDRESS) for host in sites]), workdir / "dns") as dns:
            yield World(dns, brands, feed)


def _watch(
    cli: Cli, world: World, tmp_path: Path, *extra: str
) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Alerts (domain, event) and the store's verdicts after one pass over the feed."""
    db = f"sqlite:///{tmp_path / 'watch.db'}"
    alerts = tmp_path / "alerts.jsonl"
    run = cli(
        "watch", "--feed", str(world.feed), "--once", "--resolver", world.dns.resolver, "--allow-private",
        "--alert-file", str(alerts), "--brands", str(world.brands), "--db", db, *extra,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    found = cli("findings", "--format", "jsonl", "--db", db)
    assert found.returncode == 0, found.stderr
    verdicts = {row["domain"]: row["verdict"] for row in map(json.loads, found.stdout.splitlines())}
    sent = [json.loads(line) for line in alerts.read_text().splitlines()] if alerts.exists() else []
    return sorted((a["domain"], a["event"]) for a in sent), verdicts


def test_flags_go_to_the_queue_and_only_probed_verdicts_alert(cli: Cli, world: World, tmp_path: Path) -> None:
    alerts, verdicts = _watch(cli, world, tmp_path)
    assert verdicts == {CLONE: "clone", OTHER: "unrelated", GONE: "unregistered"}  # all in the queue
    assert alerts == [(CLONE, "verdict:clone")]


def test_alert_min_score_also_alerts_on_strong_flags(cli: Cli, world: World, tmp_path: Path) -> None:
    matched = cli("match", str(world.feed), "--brands", str(world.brands), "--format", "jsonl")
    assert matched.returncode == 0, matched.stderr
    scores = {row["domain"]: row["score"] for row in map(json.loads, matched.stdout.splitlines())}
    assert scores[CLONE] > max(scores[OTHER], scores[GONE])  # the exact label outranks the affixed ones
    alerts, _ = _watch(cli, world, tmp_path, "--alert-min-score", str(scores[CLONE]))
    assert alerts == [(CLONE, "flagged"), (CLONE, "verdict:clone")]
    (tmp_path / "all").mkdir()
    everything, _ = _watch(cli, world, tmp_path / "all", "--alert-min-score", "0")
    assert [domain for domain, event in everything if event == "flagged"] == sorted([CLONE, OTHER, GONE])


def test_alert_min_score_is_a_match_score(cli: Cli, world: World, tmp_path: Path) -> None:
    run = cli("watch", "--feed", str(world.feed), "--once", "--no-probe", "--alert-min-score", "1.5")
    assert run.returncode == 2 and "--alert-min-score" in run.stderr
    config = tmp_path / "watch.toml"
    config.write_text(f'[[feeds.file]]\nsource = "{world.feed}"\n[alerts]\nmin_score = "high"\n')
    run = cli("watch", "--config", str(config), "--check-config")
    assert run.returncode == 2 and "alerts.min_score: not a match score from 0 to 1" in run.stderr
