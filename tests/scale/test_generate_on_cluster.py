"""`clonewatch generate --registered --scheduler`: the DNS checks as tasks, the same rows as here."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

from typer.testing import CliRunner

from clonewatch.cli import app
from clonewatch.testing.daskcluster import LocalDaskCluster
from clonewatch.testing.dns import LocalDns
from tests.scale.test_match_on_cluster import SPREAD

Cli = Callable[..., subprocess.CompletedProcess[str]]


def test_the_dns_checks_run_on_the_workers_with_the_rows_of_a_run_here(
    cli: Cli, local_dns: LocalDns, dask_cluster: LocalDaskCluster
) -> None:
    args = ["generate", "bild.de", "--limit", "2500", "--registered", "--resolver", local_dns.resolver,
            "--dns-timeout", "0.5", "--format", "jsonl"]  # fmt: skip
    here = cli(*args)
    there = cli(*args, "--scheduler", dask_cluster.address)
    assert there.returncode == 0, there.stderr + dask_cluster.logs()
    assert sorted(there.stdout.splitlines()) == sorted(here.stdout.splitlines())
    registered = [line for line in there.stdout.splitlines() if '"status": "registered"' in line]
    assert len(registered) == 2 and '"domain": "bildd.lol"' in registered[0] + registered[1]
    spread = SPREAD.search(there.stderr)
    assert spread and spread.group(1) == "5", there.stderr  # 2,500 names, 500 a task
    assert there.stderr.splitlines()[-1] == here.stderr.splitlines()[-1]  # the same counts by status


def test_scheduler_without_registered_is_refused() -> None:
    result = CliRunner().invoke(app, ["generate", "bild.de", "--scheduler", "local:1"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "clonewatch: error: --scheduler runs the DNS checks of --registered: give --registered too"
    )
