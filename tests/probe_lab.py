"""The probe world as a pytest fixture: the web lab (HTTP and HTTPS virtual hosts, a test CA, an
RDAP server) and NSD behind Unbound for every name, started once per test session."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from clonewatch.testing.dns import LocalDns
from clonewatch.testing.dns import TestZones as Zones
from clonewatch.testing.hostile import BROWSER_ATTACKS
from clonewatch.testing.probelab import ProbeWorld, probe_world
from clonewatch.testing.sites import big_body, gzip_bomb, hang, loop, page, rdap_record, redirect, slow_body
from clonewatch.testing.web import LocalWeb
from tests.lanes import lane

Cli = Callable[..., subprocess.CompletedProcess[str]]
LAB = lane("127.0.2.20")
RDAP_HOST = "rdap-lab.lol"
HOSTILE = {
    "bomb.lol": gzip_bomb(200),
    "slow.lol": slow_body(20),
    "huge.lol": big_body(50),
    "loop.lol": loop(),
    "hang.lol": hang(),
    "to-loopback.lol": redirect("http://127.0.0.1:9/"),
    "to-metadata.lol": redirect("http://169.254.169.254/latest/meta-data/"),
    "via-name.lol": redirect("http://metadata-name.lol/latest/"),
    "to-mapped.lol": redirect("http://[::ffff:169.254.169.254]/latest/"),
    "bad-port.lol": redirect("http://bad-port.lol:99999/"),
    "escape.lol": redirect("http://escape.lol/\x1b[2J\x1b]0;verdict: defensive\x07\x9b31m/next"),
    "self-refresh.lol": page(
        '<html><head><meta http-equiv="refresh" content="5"><title>Live ticker</title></head>'
        "<body><h1>Scores</h1><p>Scores of every match played today update here every few seconds, with "
        "the goals, the cards and the substitutions as they happen in the stadiums across the league.</p>"
        "</body></html>"
    ),
}

# Pages that attack the browser, not the HTTP client: a history flood and a memory hog.
BROWSER_HOSTILE = {f"{kind}.lol": page(BROWSER_ATTACKS[kind]) for kind in ("flood", "hog")}


@dataclass
class Lab:
    world: ProbeWorld
    web: LocalWeb
    dns: LocalDns
    brands: Path
    rdap_url: str

    def rdap_args(self) -> list[str]:
        """--rdap-server for every suffix of the lab's names: its own RDAP server."""
        suffixes = sorted({name.rsplit(".", 1)[1] for name, _ in self.world.suspects()} | {"lol"})
        return [arg for suffix in suffixes for arg in ("--rdap-server", f"{suffix}={self.rdap_url}")]

    def args(self, *extra: str) -> list[str]:
        rdap = self.rdap_args()
        return [
            "probe", "-", "--resolver", self.dns.resolver, "--allow-private", "--ca-file", self.web.ca_file,
            "--brands", str(self.brands), "--format", "jsonl", "--timeout", "3", "--budget", "8",
            *rdap, *extra,
        ]  # fmt: skip


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    world = probe_world(LAB)
    workdir = tmp_path_factory.mktemp("probe-lab")
    brands = workdir / "brands.txt"
    brands.write_text("spiegel.de,Der Spiegel\n")
    with LocalWeb(LAB) as web:
        assert (web.http_port, web.https_port) == (80, 443), "the probe lab needs ports 80 and 443"
        for host in world.hosts:
            web.add(host.name, host.site)
        for name, site in {**HOSTILE, **BROWSER_HOSTILE}.items():
            web.add(name, site)
        records = {host.name: rdap_record(host.name) for host in world.hosts}
        rdap_url = web.rdap(records, host=RDAP_HOST)
        zones = Zones(
            records=[
                *world.records(),
                *((name, "A", LAB) for name in [*HOSTILE, *BROWSER_HOSTILE]),
                (RDAP_HOST, "A", LAB),
                ("metadata-name.lol", "A", "169.254.169.254"),
                ("loopback-name.lol", "A", "127.0.0.1"),
            ]
        )
        with LocalDns(zones, workdir / "dns") as dns:
            yield Lab(world, web, dns, brands, rdap_url)
