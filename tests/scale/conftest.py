"""A real Dask cluster on loopback for the scale tests: a scheduler and two `clonewatch worker`s."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from clonewatch.testing.daskcluster import LocalDaskCluster


@pytest.fixture(scope="package")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalDaskCluster]:
    """Shared by the tests that leave it as they found it (none kills its workers). The workers
    may reach loopback (the probe lab) and run one browser page each."""
    worker = ["--allow-private", "--browser-pages", "1"]
    with LocalDaskCluster(tmp_path_factory.mktemp("dask"), workers=[worker, worker], threads=2) as cluster:
        yield cluster
