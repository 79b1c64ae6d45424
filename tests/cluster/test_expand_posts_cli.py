"""`clonewatch cluster --expand` with --posts and --save in the live campaign world: a clone that is
in no feed but was posted by the account that posted a seed is considered by the expansion and
joins its operation's campaign, which lists that account and what else it linked; an expansion
stopped with Ctrl-C prints what it gathered but stores nothing."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from clonewatch.testing.campaignlab import RunningWorld, campaign_world, serve_world
from tests.conftest import CLONEWATCH, run_cli
from tests.lanes import NET

Cli = Callable[..., subprocess.CompletedProcess[str]]
SEEDS = ("spiegel.cfd", "blld.live")  # the blue operation's proven clones


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningWorld]:
    with serve_world(campaign_world(net=NET), tmp_path_factory.mktemp("expand-posts")) as world:
        yield world


def expand(cli: Cli, running: RunningWorld, tmp_path: Path, *extra: str) -> dict[str, Any]:
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("\n".join(SEEDS) + "\n", encoding="utf-8")
    feed = tmp_path / "feed.txt"
    feed.write_text("\n".join(SEEDS) + "\n", encoding="utf-8")  # nothing else: the posts bring the rest
    result = cli(
        "cluster", "--seeds", str(seeds), "--expand", str(feed), "--depth", "1", *running.args(),
        "--format", "jsonl", *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (campaign,) = [json.loads(line) for line in result.stdout.splitlines()]
    return campaign


def test_domains_posted_by_the_seeds_accounts_are_expanded_and_listed(
    cli: Cli, running: RunningWorld, tmp_path: Path
) -> None:
    posts = tmp_path / "posts.csv"
    posts.write_text(
        "account,time,url\n"
        "troll,2026-03-10T08:00:00Z,https://blld.live/politik/1\n"
        "troll,2026-03-10T08:05:00Z,https://zeit-news.sbs/politik/2\n"
        "troll,2026-03-10T09:00:00Z,https://www.spiegel.de/\n"
        "reader,2026-03-10T09:00:00Z,https://welt.pm/x\n",
        encoding="utf-8",
    )
    alone = expand(cli, running, tmp_path)
    assert "zeit-news.sbs" not in {m["domain"] for m in alone["members"]}
    grown = expand(cli, running, tmp_path, "--posts", str(posts))
    members = {m["domain"]: m for m in grown["members"]}
    assert members["zeit-news.sbs"]["role"] == "clone"
    assert "(expanded from " in members["zeit-news.sbs"]["via"]
    assert [(a["account"], a["posts"]) for a in grown["accounts"]] == [("troll", 2)]
    assert [c["domain"] for c in grown["candidates"]] == ["spiegel.de"]  # the genuine site: no member
    assert "welt.pm" not in members  # posted by an account that never posted the campaign


def test_an_interrupted_expansion_is_not_saved(running: RunningWorld, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("\n".join(SEEDS) + "\n", encoding="utf-8")
    feed = tmp_path / "feed.txt"
    feed.write_text("\n".join(running.world.feed()) + "\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'w.db'}"
    process = subprocess.Popen(
        [str(CLONEWATCH), "cluster", "--seeds", str(seeds), "--expand", str(feed), *running.args(),
         "--format", "jsonl", "--db", db, "--save"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stderr is not None
    seen = []
    for line in process.stderr:  # interrupt while the first round is being probed
        seen.append(line)
        if line.startswith("clonewatch: depth 1: "):
            process.send_signal(signal.SIGINT)
            break
    stdout, rest = process.communicate(timeout=60)
    stderr = "".join(seen) + rest
    assert process.returncode == 130, stderr
    assert "interrupted: the campaigns are not saved" in stderr and stdout  # printed, not stored
    assert run_cli("campaigns", "--db", db, "--format", "jsonl").stdout == ""
