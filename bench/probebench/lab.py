"""The probe lab at benchmark scale: ``probe_world`` with enough suspects, served by LocalWeb (ports 80
and 443 on a loopback address the tests do not use) with an RDAP record for every host, and its names in
NSD behind Unbound."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from clonewatch.testing.dns import LocalDns, TestZones
from clonewatch.testing.hostile import BROWSER_ATTACKS
from clonewatch.testing.probelab import KINDS, ProbeWorld, probe_world
from clonewatch.testing.proxies import ConnectProxy, hosts_of
from clonewatch.testing.sites import page, rdap_record
from clonewatch.testing.web import LocalWeb

LAB_ADDRESS = "127.0.3.1"
RDAP_HOST = "rdap-bench.lol"
BRANDS = "spiegel.de,Der Spiegel\n"


class LabError(RuntimeError):
    pass


def per_kind_for(size: int) -> int:
    """Suspects per kind so that the world has at least ``size`` probed suspects."""
    return max(1, math.ceil(size / len(KINDS)))


@dataclass
class Lab:
    world: ProbeWorld
    web: LocalWeb
    dns: LocalDns
    brands: Path
    rdap_url: str
    hostile: list[str]  # names serving pages that attack the browser (BROWSER_ATTACKS, in turn)
    proxies: list[str]  # URLs of HTTP CONNECT proxies on the lab's address, one per vantage point

    def probe_args(self) -> list[str]:
        """``clonewatch probe -`` arguments that point every lookup at the lab (as tests/probe does)."""
        suffixes = sorted({name.rsplit(".", 1)[1] for name, _ in self.world.suspects()} | {"lol"})
        rdap = [arg for suffix in suffixes for arg in ("--rdap-server", f"{suffix}={self.rdap_url}")]
        return [
            "probe", "-", "--resolver", self.dns.resolver, "--allow-private", "--ca-file", self.web.ca_file,
            "--brands", str(self.brands), "--format", "jsonl", *rdap,
        ]  # fmt: skip


@contextmanager
def running_lab(
    work: Path, per_kind: int, address: str = LAB_ADDRESS, hostile: int = 0, vantages: int = 0
) -> Iterator[Lab]:
    world = probe_world(address, per_kind=per_kind)
    kinds = list(BROWSER_ATTACKS)
    attacks = {
        f"attack-{kinds[i % len(kinds)]}-{i}.lol": BROWSER_ATTACKS[kinds[i % len(kinds)]]
        for i in range(hostile)
    }
    work.mkdir(parents=True, exist_ok=True)
    brands = work / "brands.txt"
    brands.write_text(BRANDS, encoding="utf-8")
    with ExitStack() as stack:
        web = stack.enter_context(LocalWeb(address))
        if (web.http_port, web.https_port) != (80, 443):
            raise LabError(
                f"the probe lab needs ports 80 and 443 on {address}, got {web.http_port} and "
                f"{web.https_port} (run as root, or with CAP_NET_BIND_SERVICE)"
            )
        for host in world.hosts:
            web.add(host.name, host.site)
        for name, html in attacks.items():
            web.add(name, page(html))
        records = {host.name: rdap_record(host.name) for host in world.hosts}
        rdap_url = web.rdap(records, host=RDAP_HOST)
        hostile_records = [(name, "A", address) for name in attacks]
        zones = TestZones(records=[*world.records(), *hostile_records, (RDAP_HOST, "A", address)])
        dns = stack.enter_context(LocalDns(zones, work / "dns"))
        proxies = [
            stack.enter_context(ConnectProxy(address, source=address, hosts=hosts_of(zones.records))).url
            for _ in range(vantages)
        ]
        yield Lab(world, web, dns, brands, rdap_url, list(attacks), proxies)
