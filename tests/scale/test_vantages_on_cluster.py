"""Workers as vantage points: a `clonewatch worker --vantage de` visits every site from where it
stands (here: its connections leave from 127.0.7.12, the country a traffic filter targets), and the
evidence keeps what it saw beside the direct visits made by a worker standing for no vantage."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clonewatch.cli import app
from clonewatch.testing.daskcluster import LocalDaskCluster
from clonewatch.testing.dns import LocalDns
from clonewatch.testing.dns import TestZones as Zones
from clonewatch.testing.probelab import UNRELATED, outlet, outlet_page
from clonewatch.testing.sites import by_client
from clonewatch.testing.web import LocalWeb
from tests.lanes import lane

Cli = Callable[..., subprocess.CompletedProcess[str]]
WEB = lane("127.0.7.1")
TARGETED = lane("127.0.7.12")  # where the `de` worker's visits leave from: the targeted country
TDS = "spiegel.ltd"  # the clone for visitors from the targeted country, a garden diary for others


@dataclass
class World:
    dns: LocalDns
    brands: Path
    cluster: LocalDaskCluster


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    workdir = tmp_path_factory.mktemp("worker-vantages")
    brands = workdir / "brands.txt"
    brands.write_text("spiegel.de,Der Spiegel\n")
    genuine = outlet_page("spiegel.de", "Der Spiegel", "Nachrichten", "Nachrichten aus Deutschland.")
    fake = outlet_page(
        "spiegel.de", "Der Spiegel", "Leaked: the war is lost", "Fabricated.", assets_from="spiegel.de"
    )
    zones = Zones(records=[(name, "A", WEB) for name in ("spiegel.de", TDS)])
    home = ["--allow-private"]
    de = ["--allow-private", "--vantage", "de", "--source-address", TARGETED]
    with (
        LocalWeb(WEB) as web,
        LocalDns(zones, workdir / "dns") as dns,
        LocalDaskCluster(workdir / "dask", workers=[home, de], threads=2) as cluster,
    ):
        assert (web.http_port, web.https_port) == (80, 443), "the worker-vantage lab needs ports 80 and 443"
        web.add("spiegel.de", outlet(genuine))
        web.add(TDS, by_client({TARGETED}, fake, UNRELATED.format(domain=TDS)))
        yield World(dns, brands, cluster)


def test_the_clone_shown_only_to_one_country_is_found_by_the_worker_standing_there(
    cli: Cli, world: World
) -> None:
    result = cli(
        "probe", TDS, "--scheduler", world.cluster.address, "--resolver", world.dns.resolver,
        "--allow-private", "--brands", str(world.brands), "--format", "jsonl", "--timeout", "3",
        "--budget", "8", "--no-rdap",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + world.cluster.logs()
    (tds,) = map(json.loads, result.stdout.splitlines())
    assert tds["verdict"] == "cloaked", tds["facts"]
    assert tds["facts"] == [
        "the imitation is shown to visitors from de; visitors from direct are shown another page"
    ]
    assert tds["http"]["social"]["page"]["title"].startswith("Garden notes")  # the home worker's visit
    assert tds["http"]["de:social"]["page"]["title"].startswith("Der Spiegel")
    assert tds["http"]["de:plain"]["visitor"] == "de:plain"
    vantage = tds["vantages"]["de"]
    home, standing = (w.address for w in world.cluster.workers)
    assert vantage["worker"] == standing and vantage["resolved_by"] == "worker"
    assert vantage["comparison"]["structure"] >= 0.6
    assert f"1 task on 1 worker ({home} 1)" in result.stderr  # the probe itself ran at home


def test_watch_probes_on_the_cluster_of_its_config(cli: Cli, world: World, tmp_path: Path) -> None:
    feed = tmp_path / "names.txt"
    feed.write_text(f"{TDS}\nexample.org\n")
    config = tmp_path / "watch.toml"
    config.write_text(f'[probe]\nblobs = "blobs"\n[dask]\nscheduler = "{world.cluster.address}"\n')
    db = f"sqlite:///{tmp_path / 'watch.db'}"
    watched = cli(
        "watch", "--config", str(config), "--feed", str(feed), "--once", "--resolver", world.dns.resolver,
        "--brands", str(world.brands), "--db", db, "--allow-private",
    )  # fmt: skip
    assert watched.returncode == 0, watched.stderr + world.cluster.logs()
    found = cli("findings", "--format", "jsonl", "--db", db)
    assert {row["domain"]: row["verdict"] for row in map(json.loads, found.stdout.splitlines())} == {
        TDS: "cloaked"  # seen through the de worker
    }
    history = cli("history", TDS, "--format", "jsonl", "--db", db)
    evidence = next(
        e["evidence"] for e in map(json.loads, history.stdout.splitlines()) if e["kind"] == "probe"
    )
    body = evidence["http"]["de:social"]["body_sha256"]
    assert (tmp_path / "blobs" / body[:2] / body).is_file()  # written by the worker standing for de
    config.write_text('[dask]\nscheduler = "local:zero"\n')
    refused = CliRunner().invoke(
        app, ["watch", "--config", str(config), "--feed", str(feed), "--once", "--db", db]
    )
    assert refused.exit_code == 2
    assert refused.stderr.strip().splitlines()[-1].endswith("expected local:N, N a number of workers")


def test_a_worker_vantage_may_not_share_a_proxy_vantage_name(cli: Cli, world: World) -> None:
    result = cli(
        "probe", TDS, "--scheduler", world.cluster.address, "--resolver", world.dns.resolver,
        "--allow-private", "--vantage", "de=http://127.0.7.30:3128", "--no-rdap",
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "clonewatch: error: vantage de is both a --vantage proxy and a worker's --vantage"
    ]


def test_a_bad_vantage_name_is_refused_before_the_worker_starts() -> None:
    result = CliRunner().invoke(app, ["worker", "tcp://127.0.0.1:9", "--vantage", "direct"])
    assert result.exit_code == 2
    assert "bad vantage name 'direct'" in result.stderr
