"""`clonewatch cluster --expand` through the real console script, in a live world on loopback
(NSD behind Unbound, HTTP(S) virtual hosts with a test CA, RDAP): two planted operations grown
from two seed clones each, among a CDN, a parking provider and a shared host that join nothing."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from clonewatch.testing.campaignlab import CampaignWorld, RunningWorld, campaign_world, serve_world
from tests.conftest import CLONEWATCH, run_cli
from tests.lanes import NET


@dataclass
class Lab:
    world: CampaignWorld
    running: RunningWorld
    feed: Path
    seeds: Path

    def args(self, *extra: str) -> list[str]:
        return [
            "cluster", "--seeds", str(self.seeds), "--expand", str(self.feed), *self.running.args(),
            "--format", "jsonl", *extra,
        ]  # fmt: skip


@dataclass
class Run:
    campaigns: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    stderr: str

    def holding(self, domain: str) -> dict[str, Any]:
        (campaign,) = [c for c in self.campaigns if any(m["domain"] == domain for m in c["members"])]
        return campaign

    def members(self, domain: str) -> dict[str, dict[str, Any]]:
        return {m["domain"]: m for m in self.holding(domain)["members"]}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    world = campaign_world(net=NET)
    workdir = tmp_path_factory.mktemp("campaign-world")
    feed = workdir / "world-names.txt"
    feed.write_text("\n".join(world.feed()) + "\n", encoding="utf-8")
    seeds = workdir / "seeds.txt"
    seeds.write_text("".join(f"{seed}\n" for op in world.operations() for seed in world.seeds[op]), "utf-8")
    with serve_world(world, workdir / "world") as running:
        yield Lab(world, running, feed, seeds)


def expand(lab: Lab, tmp_path: Path, *extra: str) -> Run:
    out = tmp_path / f"evidence-{len(list(tmp_path.iterdir()))}.jsonl"
    result = run_cli(*lab.args("--evidence-out", str(out), *extra))
    assert result.returncode == 0, result.stderr
    return _run(result.stdout, out, result.stderr)


def _run(stdout: str, evidence: Path, stderr: str) -> Run:
    campaigns = [json.loads(line) for line in stdout.splitlines()]
    lines = evidence.read_text("utf-8").splitlines() if evidence.exists() else []
    records = [json.loads(line) for line in lines]
    return Run(campaigns, records, stderr)


@pytest.fixture(scope="module")
def expanded(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return expand(lab, tmp_path_factory.mktemp("expanded"))


def test_both_operations_are_found_whole_and_apart_with_every_role(lab: Lab, expanded: Run) -> None:
    assert len(expanded.campaigns) == 2
    for operation in lab.world.operations():
        truth = lab.world.members(operation)
        first, second = lab.world.seeds[operation]
        assert expanded.holding(first) is expanded.holding(second)
        found = expanded.members(first)
        assert set(found) == set(truth), operation
        roles = {name: (member["role"], member["brand"]) for name, member in found.items()}
        assert roles == {name: (item.role, item.brand) for name, item in truth.items()}, operation
        assert {item.brand for item in truth.values() if item.brand} == set(expanded.holding(first)["brands"])


def test_the_commons_were_probed_and_joined_nothing(lab: Lab, expanded: Run) -> None:
    commons = lab.world.commons()
    members = {m["domain"] for c in expanded.campaigns for m in c["members"]}
    assert not members & set(commons)
    probed = {record["domain"] for record in expanded.evidence}
    for kind in ("cdn", "parking", "hosting"):  # the expansion reached them: they had their chance to join
        assert {name for name, item in commons.items() if item.common == kind} <= probed, kind
    assert not probed & {name for name, item in commons.items() if item.common == "filler"}
    values = {p["value"] for c in expanded.campaigns for p in c["pivots"]}
    assert not values & {f"{NET}.7.80", "ns1.parkingcorp.example", "ns1.hostco.example"}


def test_every_expanded_member_says_which_value_brought_it_in(lab: Lab, expanded: Run) -> None:
    red = expanded.members("spiegel.ltd")
    assert red["welt.pm"]["via"] == "ns:ns1.redhost.net (expanded from bildd.lol, depth 1)"
    assert red["wahrheit-heute.com"]["via"] == f"address:{NET}.5.10 (expanded from spiegel.ltd, depth 1)"
    assert red["trk-hub.xyz"]["via"].startswith("hop:trk-hub.xyz (expanded from ")
    blue = expanded.members("spiegel.cfd")
    redirector = next(name for name, item in lab.world.members("blue").items() if item.role == "redirector")
    assert blue[redirector]["via"] == "ns:ns1.bluedns.org (expanded from blld.live, depth 1)"
    hidden = blue["faz.rest"]["via"]  # in no feed: only a redirect chain leads there
    assert hidden.startswith("hop:faz.rest (expanded from ") and hidden.endswith(", depth 2)")
    for domain in ("spiegel.ltd", "bildd.lol", "spiegel.cfd", "blld.live"):  # seeds: what joined them
        assert "expanded from" not in expanded.members(domain)[domain]["via"]


def test_the_work_is_shown_and_the_evidence_kept(lab: Lab, expanded: Run) -> None:
    lines = expanded.stderr.splitlines()
    feed = len(lab.world.feed())
    assert f"clonewatch: resolved {feed}/{feed} feed names" in lines
    assert "clonewatch: probing 4 seeds without evidence" in lines
    assert any(line.startswith("clonewatch: depth 2: ") and "kept 33 candidates" in line for line in lines)
    assert lines[-1].startswith("clonewatch: read 0 evidence records: 2 campaigns")
    seeds = {seed for op in lab.world.operations() for seed in lab.world.seeds[op]}
    probed = [record["domain"] for record in expanded.evidence]
    assert seeds <= set(probed) and len(probed) == len(set(probed))
    assert f"{len(probed)} probed to depth 2" in expanded.stderr


def test_on_a_dask_cluster_the_same_campaigns_come_back(lab: Lab, expanded: Run, tmp_path: Path) -> None:
    """--scheduler: the feed is resolved and the candidates probed as tasks on two local workers."""
    spread = expand(lab, tmp_path, "--scheduler", "local:2")

    def roles(run: Run) -> list[dict[str, tuple[str, str | None]]]:
        found = [{m["domain"]: (m["role"], m.get("via")) for m in c["members"]} for c in run.campaigns]
        return sorted(found, key=lambda members: sorted(members))

    assert roles(spread) == roles(expanded)
    assert {r["domain"] for r in spread.evidence} == {r["domain"] for r in expanded.evidence}
    assert "tasks on 2 workers" in spread.stderr


def test_depth_and_max_probes_bound_the_work(lab: Lab, tmp_path: Path) -> None:
    shallow = expand(lab, tmp_path, "--depth", "1")
    blue = shallow.members("spiegel.cfd")
    assert "faz.rest" not in blue and "zeit-news.sbs" in blue  # two rounds away; one round away
    assert "go-lnk.top" in blue  # the redirectors' shared hop is in their evidence already
    small = expand(lab, tmp_path, "--max-probes", "10")
    assert len(small.evidence) == 10
    assert "candidates left unprobed (--max-probes)" in small.stderr


def test_evidence_given_is_not_probed_again(lab: Lab, expanded: Run, tmp_path: Path) -> None:
    known = tmp_path / "known.jsonl"
    known.write_text("".join(json.dumps(record) + "\n" for record in expanded.evidence), encoding="utf-8")
    again = expand(lab, tmp_path, str(known))
    assert again.evidence == [] and "probing" not in again.stderr
    assert sorted(c["id"] for c in again.campaigns) == sorted(c["id"] for c in expanded.campaigns)


def test_ctrl_c_stops_with_what_was_gathered(lab: Lab, tmp_path: Path) -> None:
    out = tmp_path / "partial.jsonl"
    with subprocess.Popen(
        [str(CLONEWATCH), *lab.args("--evidence-out", str(out))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stderr is not None
        seen = []
        for line in process.stderr:  # interrupt while the first round is being probed
            seen.append(line)
            if line.startswith("clonewatch: depth 1: "):
                process.send_signal(signal.SIGINT)
                break
        try:
            stdout, rest = process.communicate(timeout=120)
        finally:
            process.kill()
    stderr = "".join(seen) + rest
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted, clustered what was gathered" in stderr
    partial = _run(stdout, out, stderr)
    assert 4 <= len(partial.evidence) < 99
    assert "bildd.lol" in partial.members("spiegel.ltd")  # the seeds' campaign, as far as it got


def test_bad_usage_is_exit_2_with_one_line(lab: Lab, tmp_path: Path) -> None:
    no_seeds = run_cli("cluster", "--expand", str(lab.feed))
    assert no_seeds.returncode == 2 and "--seeds" in no_seeds.stderr and no_seeds.stderr.count("\n") == 1
    both = run_cli("cluster", "-", "--seeds", str(lab.seeds), "--expand", "-")
    assert both.returncode == 2 and "not both" in both.stderr
    missing = run_cli(*lab.args()[:4], str(tmp_path / "nothing.txt"))
    assert missing.returncode == 2 and "nothing.txt: no such file" in missing.stderr
