"""`clonewatch match --scheduler`: the same hits as a run here, read by the workers themselves."""

from __future__ import annotations

import gzip
import json
import re
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import fsspec
import pytest
from typer.testing import CliRunner

from clonewatch.cli import app
from clonewatch.testing.daskcluster import LocalDaskCluster
from clonewatch.testing.s3 import LocalS3
from tests.conftest import CLONEWATCH

Cli = Callable[..., subprocess.CompletedProcess[str]]
BRANDS = (
    "spiegel.de,Der Spiegel\nbild.de,Bild\nwashingtonpost.com,Washington Post\n"
    "pravda.com.ua,Ukrainska Pravda\n"
)
LOOKALIKES = [
    "spiegel.ltd",
    "bildd.lol",
    "washingtonpost.pm",
    "pravda-ua.rest",
    "blld.live",
    "spiegel-news.click",
]
SPREAD = re.compile(r"clonewatch: ([\d,]+) tasks? on (\d+) workers? \((.*)\)")


def _feed(path: Path, names: int, *, every: int = 50) -> Path:
    """Filler names with a look-alike every ``every`` lines, and some lines that are no names."""
    lines = []
    for number in range(names):
        if number % every == 0:
            lines.append(LOOKALIKES[(number // every) % len(LOOKALIKES)])
        elif number % 997 == 0:
            lines.append("not a domain!!")
        else:
            lines.append(f"shop{number}-garden.net")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _per_worker(stderr: str) -> dict[str, int]:
    found = SPREAD.search(stderr)
    assert found, stderr
    return {item.rsplit(" ", 1)[0]: int(item.rsplit(" ", 1)[1]) for item in found.group(3).split(", ")}


def _summary(stderr: str) -> str:
    return next(line for line in stderr.splitlines() if line.startswith("clonewatch: read"))


@pytest.fixture
def brands(tmp_path: Path) -> Path:
    path = tmp_path / "brands.txt"
    path.write_text(BRANDS, encoding="utf-8")
    return path


def test_the_cluster_finds_what_a_run_here_finds_in_input_order_when_asked_spread_over_both_workers(
    cli: Cli, dask_cluster: LocalDaskCluster, tmp_path: Path, brands: Path
) -> None:
    feed = _feed(tmp_path / "feed.txt", 6000)
    here = cli("match", str(feed), "--brands", str(brands), "--format", "jsonl")
    assert here.returncode == 0, here.stderr
    before = dask_cluster.executed()
    args = [
        "match",
        str(feed),
        "--brands",
        str(brands),
        "--format",
        "jsonl",
        "--scheduler",
        dask_cluster.address,
    ]
    ordered = cli(*args, "--ordered", "--task-size", "4k")
    assert ordered.returncode == 0, ordered.stderr + dask_cluster.logs()
    assert ordered.stdout == here.stdout  # the same records, in the same order
    assert len(here.stdout.splitlines()) == 120
    assert _summary(ordered.stderr) == _summary(here.stderr)  # counts and skipped lines' numbers too
    after = dask_cluster.executed()
    assert all(after[w.address] > before.get(w.address, 0) for w in dask_cluster.workers), (before, after)
    reported = _per_worker(ordered.stderr)
    assert set(reported) == {w.address for w in dask_cluster.workers}
    assert sum(reported.values()) == -(-feed.stat().st_size // 4096)  # a task per piece of 4 KB
    as_they_come = cli(*args, "--task-size", "16k")
    assert as_they_come.returncode == 0, as_they_come.stderr
    assert sorted(as_they_come.stdout.splitlines()) == sorted(here.stdout.splitlines())


def test_gzip_files_and_standard_input_mix_with_split_files(
    cli: Cli, dask_cluster: LocalDaskCluster, tmp_path: Path, brands: Path
) -> None:
    plain = _feed(tmp_path / "plain.txt", 1200, every=40)
    packed = tmp_path / "packed.gz"
    packed.write_bytes(gzip.compress(_feed(tmp_path / "packed.txt", 700, every=30).read_bytes()))
    piped = _feed(tmp_path / "piped.txt", 500, every=20).read_bytes()
    sources = [str(plain), str(packed), "-", str(plain)]
    common = ["--brands", str(brands), "--format", "jsonl"]
    here = cli("match", *sources, *common, stdin=piped)
    on_cluster = ["--scheduler", dask_cluster.address, "--ordered", "--task-size", "2k"]
    there = cli("match", *sources, *common, *on_cluster, stdin=piped)
    assert there.returncode == 0, there.stderr
    assert there.stdout == here.stdout and here.stdout
    assert _summary(there.stderr) == _summary(here.stderr)
    assert "plain.txt:" in _summary(here.stderr)  # the skipped lines are named by file and line


def test_a_feed_the_workers_cannot_read_is_one_line_and_exit_2(
    cli: Cli, dask_cluster: LocalDaskCluster, tmp_path: Path
) -> None:
    result = cli("match", str(tmp_path / "nowhere.txt"), "--scheduler", dask_cluster.address)
    assert result.returncode == 2
    missing = tmp_path / "nowhere.txt"
    assert result.stderr.strip().splitlines() == [
        f"clonewatch: error: {missing}: no such file (the workers read it: a path they all see)"
    ]


def test_an_unreachable_scheduler_is_one_line_and_exit_2(cli: Cli, tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    feed = _feed(tmp_path / "feed.txt", 10)
    result = cli("match", str(feed), "--scheduler", f"tcp://127.0.0.1:{port}")
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(
        f"clonewatch: error: --scheduler tcp://127.0.0.1:{port}: no Dask scheduler answers"
    )
    bad = CliRunner().invoke(app, ["match", str(feed), "--scheduler", "local:zero"])
    assert bad.exit_code == 2
    assert bad.stderr.strip().splitlines() == [
        "clonewatch: error: --scheduler local:zero: expected local:N, N a number of workers"
    ]


def test_a_worker_killed_mid_run_costs_no_hit(tmp_path: Path, brands: Path) -> None:
    """Plain `dask worker`s this time: a worker killed while it matches loses only its pieces in
    flight, which the survivor reads again."""
    feed = _feed(tmp_path / "feed.txt", 100_000, every=250)
    with (
        LocalDaskCluster(tmp_path / "dask", workers=[[], []], kind="dask") as cluster,
        subprocess.Popen(
            [str(CLONEWATCH), "match", str(feed), "--brands", str(brands), "--format", "jsonl",
             "--scheduler", cluster.address, "--task-size", "32k"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        ) as run,
    ):  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            doomed = None
            while doomed is None:
                assert time.monotonic() < deadline and run.poll() is None, cluster.logs()
                doomed = cluster.busy() if sum(cluster.executed().values()) >= 2 else None
                time.sleep(0.05)
            assert run.poll() is None  # the run is under way: pieces done, and one on the doomed worker
            cluster.kill(doomed)
            out, err = run.communicate(timeout=120)
        finally:
            run.kill()
    assert run.returncode == 0, err
    found = sorted(json.loads(line)["domain"] for line in out.splitlines())
    assert found == sorted(LOOKALIKES[n % len(LOOKALIKES)] for n in range(400))  # each once, none lost
    assert "read 100,000 names" in err
    assert doomed is not None
    assert _per_worker(err)[cluster.workers[1 - doomed].address] > 0  # the survivor did the rest


def test_standard_input_of_many_blocks_keeps_its_order(
    cli: Cli, dask_cluster: LocalDaskCluster, brands: Path
) -> None:
    """Standard input is read as the work goes, a block per task: three megabytes and a file
    behind it give, with --ordered, the hits and line numbers of a run here, in the same order."""
    piped = _feed_lines(170_000, start=0) + "not a domain!!\n"
    feed = _feed(Path(str(brands) + ".feed"), 2_000)
    common = ["--brands", str(brands), "--format", "jsonl"]
    here = cli("match", "-", str(feed), *common, stdin=piped.encode())
    there = cli("match", "-", str(feed), *common, "--scheduler", dask_cluster.address, "--ordered",
                stdin=piped.encode())  # fmt: skip
    assert here.returncode == 0 and there.returncode == 0, there.stderr
    assert len(piped.encode()) > 3 << 20 and there.stdout == here.stdout
    assert len(here.stdout.splitlines()) == 170_000 // 50 + 40
    assert _summary(there.stderr) == _summary(here.stderr)
    assert "-:170001" in _summary(here.stderr)


def _feed_lines(count: int, *, start: int) -> str:
    return "".join(
        f"{LOOKALIKES[(n // 50) % len(LOOKALIKES)]}\n" if n % 50 == 0 else f"shop{n}-garden.net\n"
        for n in range(start, start + count)
    )


def test_a_feed_in_object_storage_is_read_in_ranges_by_the_workers(
    cli: Cli, s3: LocalS3, tmp_path: Path, brands: Path
) -> None:
    """An s3:// feed: the workers (a local cluster here) read their byte ranges from the bucket."""
    feed = _feed(tmp_path / "feed.txt", 30_000)
    bucket = s3.make_bucket()
    with s3.use_env(), fsspec.open(f"s3://{bucket}/feeds/feed.txt", "wb") as out:
        out.write(feed.read_bytes())
    common = ["--brands", str(brands), "--format", "jsonl"]
    here = cli("match", str(feed), *common)
    there = cli(
        "match", f"s3://{bucket}/feeds/feed.txt", *common, "--scheduler", "local:2", "--task-size", "64k",
        "--ordered", env=s3.env,
    )  # fmt: skip
    assert here.returncode == 0 and there.returncode == 0, there.stderr
    assert there.stdout == here.stdout and len(here.stdout.splitlines()) == 600
    read_here = cli("match", f"s3://{bucket}/feeds/feed.txt", *common, env=s3.env)  # no cluster: read here
    assert read_here.returncode == 0 and read_here.stdout == here.stdout, read_here.stderr
    web = cli("match", "https://feeds.example/nrd.txt", *common)
    assert web.returncode == 2 and web.stderr.strip().splitlines() == [
        "clonewatch: error: https://feeds.example/nrd.txt: a web URL; "
        "download it first (or give it to watch as a feed)"
    ]
    spread = SPREAD.search(there.stderr)
    assert spread and int(spread.group(1)) >= 8, there.stderr  # 64k pieces of a 0.5 MB feed
