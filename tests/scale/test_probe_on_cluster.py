"""`clonewatch probe --scheduler`: each domain a task on the workers, against the loopback probe lab."""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
from pathlib import Path
from typing import Any

from clonewatch.net import HttpSettings
from clonewatch.pipeline import PipelineConfig
from clonewatch.probe.browser import BrowserSettings
from clonewatch.probe.collect import ProbeSettings
from clonewatch.scale.probing import worker_config
from clonewatch.scale.worker import WorkerSettings
from clonewatch.testing.daskcluster import LocalDaskCluster
from clonewatch.testing.s3 import LocalS3
from tests.conftest import CLONEWATCH
from tests.probe_lab import HOSTILE, Cli, Lab
from tests.scale.test_match_on_cluster import SPREAD


def _records(stdout: str) -> dict[str, dict[str, Any]]:
    return {record["domain"]: record for record in map(json.loads, stdout.splitlines())}


def test_the_lab_probed_on_two_workers_gets_every_verdict_with_screenshots_in_the_shared_directory(
    cli: Cli, lab: Lab, dask_cluster: LocalDaskCluster, tmp_path: Path
) -> None:
    suspects = lab.world.suspects()
    shots = tmp_path / "shots"
    result = cli(
        *lab.args("--scheduler", dask_cluster.address, "--screenshots", str(shots)),
        stdin=("\n".join(name for name, _ in suspects) + "\n").encode(),
    )
    assert result.returncode == 0, result.stderr + dask_cluster.logs()
    found = _records(result.stdout)
    assert {name: found[name]["verdict"] for name, _ in suspects} == dict(suspects)
    clone = next(found[name] for name, kind in suspects if kind == "clone")
    assert clone["comparison"]["structure"] >= 0.6 and clone["tls"]["valid"] is True
    assert Path(clone["screenshot"]).parent == shots and Path(clone["screenshot"]).stat().st_size > 1000
    spread = SPREAD.search(result.stderr)
    assert spread and int(spread.group(1)) == len(suspects) and spread.group(2) == "2", result.stderr


def test_a_worker_refuses_private_addresses_unless_it_allows_them_itself() -> None:
    config = PipelineConfig(
        ProbeSettings(http=HttpSettings(allow_private=True)), browser_settings=BrowserSettings(pages=4)
    )
    strict = worker_config(
        config, WorkerSettings(allow_private=False, browser_pages=1, resolver="127.0.0.9:53")
    )
    assert strict.settings.http.allow_private is False
    assert strict.browser_settings is not None and strict.browser_settings.pages == 1
    assert strict.settings.resolver is not None and strict.settings.resolver.nameserver == "127.0.0.9"
    assert strict.settings.http.dns == strict.settings.resolver
    assert worker_config(config, WorkerSettings(allow_private=True)).settings.http.allow_private is True
    assert worker_config(config, WorkerSettings()) == config  # a plain dask worker: the job decides


def test_a_worker_killed_mid_run_costs_no_evidence(lab: Lab, tmp_path: Path) -> None:
    """Plain `dask worker`s: the domains the killed one had in hand are probed again elsewhere."""
    names = [name for name, _ in lab.world.suspects()] + ["slow.lol", "hang.lol", "loop.lol"]
    expected = {**dict(lab.world.suspects()), "hang.lol": "no-website"}
    listed = tmp_path / "names.txt"
    listed.write_text("\n".join(names) + "\n")
    with (
        LocalDaskCluster(tmp_path / "dask", workers=[[], []], kind="dask", threads=2) as cluster,
        listed.open() as stdin,
        subprocess.Popen(
            [str(CLONEWATCH), *lab.args("--scheduler", cluster.address, "--no-rdap")],
            stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        ) as run,
    ):  # fmt: skip
        try:
            deadline = time.monotonic() + 90
            doomed = None
            while doomed is None:
                assert time.monotonic() < deadline and run.poll() is None, cluster.logs()
                doomed = cluster.busy() if sum(cluster.executed().values()) >= 1 else None
                time.sleep(0.05)
            assert run.poll() is None  # under way: a domain done, and one in the doomed worker's hands
            cluster.kill(doomed)
            out, err = run.communicate(timeout=180)
        finally:
            run.kill()
    assert run.returncode == 0, err
    found = _records(out)
    assert sorted(found) == sorted(names)  # every domain once
    assert {name: found[name]["verdict"] for name in expected} == expected
    assert found["slow.lol"]["verdict"] is not None and found["loop.lol"]["http"]["plain"]["error"]
    assert set(HOSTILE) >= {"slow.lol", "hang.lol", "loop.lol"}


def test_workers_keep_bodies_and_screenshots_in_object_storage(
    cli: Cli, lab: Lab, s3: LocalS3, tmp_path: Path
) -> None:
    """--blobs s3://…: the workers (a local cluster here) write what they keep straight to the bucket."""
    clone = next(name for name, kind in lab.world.suspects() if kind == "clone")
    bucket = s3.make_bucket()
    result = cli(
        *lab.args("--scheduler", "local:1", "--browser", "--no-rdap", "--blobs", f"s3://{bucket}/run"),
        stdin=f"{clone}\n".encode(),
        env=s3.env,
    )
    assert result.returncode == 0, result.stderr
    record = _records(result.stdout)[clone]
    assert record["verdict"] == "clone"
    stored = s3.objects(bucket)
    shot = stored[f"run/{record['screenshot'][:2]}/{record['screenshot']}"]
    assert shot.startswith(b"\x89PNG") and hashlib.sha256(shot).hexdigest() == record["screenshot"]
    assert all(hashlib.sha256(data).hexdigest() == key.rsplit("/", 1)[1] for key, data in stored.items())
    assert len(stored) >= 2  # the screenshot and at least the page body
