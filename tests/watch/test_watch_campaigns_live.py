"""Campaigns in the watch loop, for real: `clonewatch watch` probes look-alikes of the live campaign
world (NSD behind Unbound, web sites on loopback), `clonewatch cluster --save` stores the
campaigns their evidence forms, and a later `watch` puts each newly probed clone into its
operation's campaign with one alert, shown by `campaigns show` and `history`."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from clonewatch.testing.campaignlab import RunningWorld, campaign_world, serve_world
from tests.lanes import NET

Cli = Callable[..., subprocess.CompletedProcess[str]]
FIRST = ("spiegel.ltd", "bildd.lol", "spiegel.cfd", "blld.live")  # two clones of each operation
LATER = {"welt.pm": "red", "zeit-news.sbs": "blue"}  # one more clone of each, seen a day later


@dataclass
class Watching:
    running: RunningWorld
    db: str
    alerts: Path
    workdir: Path

    def watch(self, cli: Cli, names: list[str], feed: str) -> subprocess.CompletedProcess[str]:
        path = self.workdir / feed
        path.write_text("\n".join(names) + "\n", encoding="utf-8")
        world = self.running
        result = cli(
            "watch", "--feed", str(path), "--once", "--resolver", world.dns.resolver, "--allow-private",
            "--brands", str(world.brands), "--alert-file", str(self.alerts), "--db", self.db,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result

    def alerted(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.alerts.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def watching(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Watching]:
    workdir = tmp_path_factory.mktemp("watch-campaigns")
    with serve_world(campaign_world(net=NET), workdir / "world") as running:
        yield Watching(running, f"sqlite:///{workdir / 'w.db'}", workdir / "alerts.jsonl", workdir)


def jsonl(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_watch_puts_new_clones_into_their_operations_campaigns(cli: Cli, watching: Watching) -> None:
    world = watching.running.world
    watching.watch(cli, list(FIRST), "day1.txt")
    saved = cli("cluster", "--db", watching.db, "--save", "--format", "jsonl")
    found = jsonl(saved)
    campaign_of = {}
    for operation in ("red", "blue"):
        first = next(name for name in FIRST if name in world.members(operation))
        (holding,) = [c for c in found if first in {m["domain"] for m in c["members"]}]
        assert {m["domain"] for m in holding["members"]} == {
            n for n in FIRST if n in world.members(operation)
        }
        campaign_of[operation] = holding["id"]
    assert "2 new" in saved.stderr
    watching.watch(cli, list(LATER), "day2.txt")
    joined = {a["domain"]: a for a in watching.alerted() if a["event"].startswith("campaign:")}
    assert set(joined) == set(LATER)
    for domain, operation in LATER.items():
        alert = joined[domain]
        assert alert["event"] == f"campaign:{campaign_of[operation]}"
        assert alert["text"].startswith(
            f"clonewatch: new member of campaign {campaign_of[operation]}: {domain}"
        )
        assert alert["campaign"]["role"] == "clone" and alert["campaign"]["via"]
        (shown,) = jsonl(
            cli("campaigns", "show", campaign_of[operation], "--db", watching.db, "--format", "jsonl")
        )
        member = next(m for m in shown["members"] if m["domain"] == domain)
        assert (
            member["role"] == "clone"
            and member["via"] == alert["campaign"]["via"]
            and member["left_at"] is None
        )
        history = jsonl(cli("history", domain, "--db", watching.db, "--format", "jsonl"))
        assert [(e["campaign"], e["change"]) for e in history if e["kind"] == "campaign"] == [
            (campaign_of[operation], "joined")
        ]
    # another pass over the same feed: nothing new, nothing sent again
    watching.watch(cli, list(LATER), "day2.txt")
    assert len([a for a in watching.alerted() if a["event"].startswith("campaign:")]) == len(LATER)
