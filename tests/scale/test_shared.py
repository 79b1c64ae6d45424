"""What a run shares with all its tasks (its brands and settings) outlives the workers holding it."""

from __future__ import annotations

from pathlib import Path

from distributed import Client

from clonewatch.scale.connect import shared
from clonewatch.testing.daskcluster import LocalDaskCluster


def test_a_shared_job_is_made_again_when_every_worker_holding_it_dies(tmp_path: Path) -> None:
    with (
        LocalDaskCluster(tmp_path / "dask", workers=[[], []], kind="dask") as cluster,
        Client(cluster.address, timeout=10, set_as_default=False) as client,
    ):
        job = shared(client, ("spiegel.de", "zdf.de"))
        assert client.submit(len, job, pure=False).result(timeout=60) == 2
        holders = set(client.who_has([job])[job.key])
        standing = [n for n, worker in enumerate(cluster.workers) if worker.address not in holders]
        assert holders and standing, (holders, cluster.logs())
        for number, worker in enumerate(cluster.workers):
            if worker.address in holders:
                cluster.kill(number)
        assert client.submit(len, job, pure=False).result(timeout=60) == 2
        assert client.submit(sorted, job, pure=False).result(timeout=60) == ["spiegel.de", "zdf.de"]
