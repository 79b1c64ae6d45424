"""`clonewatch cluster --scheduler`: the workers read and take the facts of the evidence files;
the campaigns are those of a run here."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from clonewatch.cli import app
from clonewatch.testing.daskcluster import LocalDaskCluster
from tests.cluster.world import write_world
from tests.scale.test_match_on_cluster import SPREAD

Cli = Callable[..., subprocess.CompletedProcess[str]]


def test_the_campaigns_and_the_skipped_lines_are_those_of_a_run_here(
    cli: Cli, dask_cluster: LocalDaskCluster, tmp_path: Path
) -> None:
    path = tmp_path / "evidence.jsonl"
    planted = write_world(path)
    lines = path.read_text().splitlines(keepends=True)
    middle = len(lines) // 2
    path.write_text("".join([*lines[:middle], "not json\n", *lines[middle:], "[1, 2]\n"]))
    second = tmp_path / "more.jsonl"
    second.write_text("".join(lines[:40]))  # the same domains again: the later record wins
    here = cli("cluster", str(path), str(second), "--format", "jsonl")
    there = cli(
        "cluster", str(path), str(second), "--format", "jsonl", "--scheduler", dask_cluster.address,
        "--task-size", "8k",
    )  # fmt: skip
    assert there.returncode == 0, there.stderr + dask_cluster.logs()
    assert there.stdout == here.stdout
    campaigns = [json.loads(line) for line in there.stdout.splitlines()]
    members = {m["domain"] for c in campaigns for m in c["members"]}
    assert {item["domain"] for item in planted["red"] + planted["blue"]} <= members
    assert there.stderr.splitlines()[-1] == here.stderr.splitlines()[-1]  # skipped lines and where
    assert f"{path}:{middle + 1}: not JSON" in there.stderr
    spread = SPREAD.search(there.stderr)
    assert spread and int(spread.group(1)) == -(-path.stat().st_size // 8192) + -(
        -second.stat().st_size // 8192
    )


def test_standard_input_cannot_be_read_by_the_workers() -> None:
    result = CliRunner().invoke(app, ["cluster", "-", "--scheduler", "local:1"], input="")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "clonewatch: error: --scheduler reads EVIDENCE files on the workers: give files (not - or the store)"
    )
