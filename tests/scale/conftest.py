"""A real Dask cluster on loopback for the scale tests: a scheduler and two `clonewatch worker`s."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from clonewatch.testing.daskcluster import LocalDaskCluster


@pytest.fixture(scope="package")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalDaskCluster]:
    """Shared by the tests that leave it as they found it (none kills its workers)."""
    with LocalDaskCluster(tmp_path_factory.mktemp("dask"), workers=[[], []], threads=2) as cluster:
        yield cluster
