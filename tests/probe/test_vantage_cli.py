"""`clonewatch probe --vantage` against traffic filters that decide by the client address they see
(and by Referer and user agent): tinyproxy (HTTP CONNECT) and microsocks (SOCKS5) on loopback, each
connecting out from its own 127.0.6.x address (a country), the web lab and NSD behind Unbound for
every name, and real Chromium visiting through each vantage."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from clonewatch.testing.dns import LocalDns
from clonewatch.testing.dns import TestZones as Zones
from clonewatch.testing.probelab import UNRELATED, outlet, outlet_page
from clonewatch.testing.proxies import ConnectProxy, SocksProxy, hosts_of
from clonewatch.testing.sites import (
    Request,
    Response,
    Site,
    by_client,
    looks_like_social_browser,
    page,
    redirect,
    scripted,
)
from clonewatch.testing.web import LocalWeb
from tests.lanes import lane
from tests.probe_lab import Cli

WEB = lane("127.0.6.1")
PROXIES = lane("127.0.6.10")
HTTP_EXIT = lane("127.0.6.12")  # where the HTTP proxy's connections come from: the targeted country
SOCKS_EXIT = lane("127.0.6.13")
TDS = "spiegel.ltd"  # the clone for visitors from the targeted country, a garden diary for others
GEO = "spiegel.pm"  # sends the targeted country on to a clone site, others to the genuine one
CLONE_SITE = "spiegel-artikel.click"
SCRIPTED = "spiegel.click"  # the clone only for a browser from X in the HTTP proxy's country, built by script
METADATA = "http://169.254.169.254/latest/meta-data/"


@dataclass
class World:
    web: LocalWeb
    dns: LocalDns
    connect: ConnectProxy
    socks: SocksProxy
    brands: Path

    def args(self, *extra: str) -> list[str]:
        return [
            "probe", "-", "--resolver", self.dns.resolver, "--allow-private", "--brands", str(self.brands),
            "--format", "jsonl", "--timeout", "3", "--budget", "8", "--no-rdap", *extra,
        ]  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    workdir = tmp_path_factory.mktemp("vantage-lab")
    brands = workdir / "brands.txt"
    brands.write_text("spiegel.de,Der Spiegel\n")
    genuine = outlet_page("spiegel.de", "Der Spiegel", "Nachrichten", "Nachrichten aus Deutschland.")
    fake = outlet_page(
        "spiegel.de", "Der Spiegel", "Leaked: the war is lost", "Fabricated.", assets_from="spiegel.de"
    )
    targeted = {HTTP_EXIT, SOCKS_EXIT}
    names = ["spiegel.de", TDS, GEO, CLONE_SITE, SCRIPTED]
    zones = Zones(records=[(name, "A", WEB) for name in names])
    with LocalWeb(WEB) as web, LocalDns(zones, workdir / "dns") as dns:
        assert (web.http_port, web.https_port) == (80, 443), "the vantage lab needs ports 80 and 443"
        web.add("spiegel.de", outlet(genuine))
        tds_other = UNRELATED.format(domain=TDS)
        web.add(TDS, by_client(targeted, fake, tds_other))
        geo_clone, geo_home = redirect(f"http://{CLONE_SITE}/a"), redirect("https://spiegel.de/")
        web.add(GEO, lambda request: (geo_clone if request.client in targeted else geo_home)(request))
        web.add(CLONE_SITE, outlet(fake))
        web.add(SCRIPTED, _scripted_filter({HTTP_EXIT}, fake, UNRELATED.format(domain=SCRIPTED)))
        hosts = hosts_of(zones.records)  # what the proxies' own resolvers know
        with (
            ConnectProxy(PROXIES, source=HTTP_EXIT, hosts=hosts) as connect,
            SocksProxy(PROXIES, source=SOCKS_EXIT, hosts=hosts) as socks,
        ):
            yield World(web, dns, connect, socks, brands)


def _scripted_filter(targeted: set[str], clone: str, other: str) -> Site:
    """A filter whose clone a plain fetch never sees: a browser arriving from X from the targeted
    addresses gets a page whose script fetches the article (served to those addresses only) and
    an image from the metadata service; everyone else gets ``other``."""
    shell = scripted("/article", extra=f'<img src="{METADATA}" alt="">')
    article = by_client(targeted, clone, other)
    elsewhere = page(other)

    def site(request: Request) -> Response | None:
        if request.path.startswith("/article"):
            return article(request)
        if request.client in targeted and looks_like_social_browser(request):
            return shell(request)
        return elsewhere(request)

    return site


def _probe(cli: Cli, world: World, names: list[str], *extra: str) -> dict[str, dict[str, Any]]:
    result = cli(*world.args(*extra), stdin=("\n".join(names) + "\n").encode())
    assert result.returncode == 0, result.stderr
    return {r["domain"]: r for r in map(json.loads, result.stdout.splitlines())}


def test_the_clone_shown_only_to_one_country_is_cloaked_only_with_its_vantage(cli: Cli, world: World) -> None:
    direct = _probe(cli, world, [TDS, GEO])
    assert direct[TDS]["verdict"] == "unrelated"
    assert direct[GEO]["verdict"] == "defensive"
    assert "vantages" not in direct[TDS]

    found = _probe(cli, world, [TDS, GEO], "--vantage", f"de={world.connect.url}")
    tds = found[TDS]
    assert tds["verdict"] == "cloaked", (tds["facts"], tds["error"])
    assert tds["facts"] == [
        "the imitation is shown to visitors from de; visitors from direct are shown another page"
    ]
    # today's keys stay the direct visits; the vantage's sit beside them
    assert tds["http"]["social"]["page"]["title"].startswith("Garden notes")
    assert tds["http"]["de:social"]["page"]["title"].startswith("Der Spiegel")
    assert tds["http"]["de:plain"]["visitor"] == "de:plain"
    assert tds["http"]["de:plain"]["chain"][0]["address"] is None  # resolved by the proxy, not here
    assert tds["http"]["plain"]["chain"][0]["address"] == WEB
    vantage = tds["vantages"]["de"]
    assert vantage["proxy"] == world.connect.url and vantage["resolved_by"] == "proxy"
    assert vantage["comparison"]["structure"] >= 0.6
    assert f"{TDS}:80" in world.connect.targets  # the proxy was handed the name

    geo = found[GEO]
    assert geo["verdict"] == "cloaked"
    assert f"de:social -> {CLONE_SITE}" in geo["facts"][0] and "social -> spiegel.de" in geo["facts"][0]


def test_socks5_vantages_resolve_at_the_proxy_or_here(cli: Cli, world: World) -> None:
    remote = world.socks.url  # socks5h://
    local = remote.replace("socks5h://", "socks5://")
    found = _probe(cli, world, [TDS], "--vantage", f"ru={remote}", "--vantage", f"ua={local}")
    tds = found[TDS]
    assert tds["verdict"] == "cloaked"
    assert "visitors from ru, ua" in tds["facts"][0]
    assert tds["vantages"]["ru"]["resolved_by"] == "proxy"
    assert tds["vantages"]["ua"]["resolved_by"] == "client"
    assert tds["http"]["ua:social"]["chain"][0]["address"] == WEB
    assert f"{TDS}:80" in world.socks.targets and f"{WEB}:80" in world.socks.targets


def test_the_browser_through_each_vantage_finds_the_clone_only_its_scripts_show(
    cli: Cli, world: World, tmp_path: Path
) -> None:
    vantages = ("--vantage", f"de={world.connect.url}", "--vantage", f"ru={world.socks.url}")
    unrendered = _probe(cli, world, [SCRIPTED], *vantages)[SCRIPTED]
    # HTTP alone sees no clone anywhere
    assert unrendered["verdict"] == "unrelated", (unrendered["facts"], unrendered["error"])
    assert unrendered["vantages"]["de"]["browser"] is None

    shots = tmp_path / "shots"
    asked = len(world.connect.targets), len(world.socks.targets)
    found = _probe(cli, world, [SCRIPTED], *vantages, "--screenshots", str(shots), "--browser-pages", "2")
    record = found[SCRIPTED]
    assert record["verdict"] == "cloaked", (record["facts"], record["error"])
    assert record["facts"] == [
        "the imitation is shown to visitors from de; visitors from direct, ru are shown another page"
    ]
    # the HTTP visit from de as a visitor from X read only the script; the browser through de ran it
    assert record["http"]["de:social"]["page"]["title"] == "Loading"
    de = record["vantages"]["de"]
    assert de["browser"]["title"].startswith("Der Spiegel")
    assert de["browser"]["navigations"][0] == {
        "url": f"http://{SCRIPTED}/",
        "status": 200,
        "mechanism": "initial",
    }
    assert de["browser"]["final_url"] == f"http://{SCRIPTED}/" and de["browser"]["error"] is None
    assert de["comparison"]["structure"] >= 0.6
    ru = record["vantages"]["ru"]
    assert ru["browser"]["title"].startswith("Garden notes")
    assert record["browser"]["title"].startswith("Garden notes")  # the direct browser's
    # each vantage's screenshot is kept: de's shows the clone, not what the direct browser saw
    assert de["screenshot"] != record["screenshot"]
    for shot in (de["screenshot"], ru["screenshot"], record["screenshot"]):
        assert Path(shot).parent == shots and Path(shot).read_bytes().startswith(b"\x89PNG")
    assert Path(de["screenshot"]).stem == de["browser"]["png_sha256"]
    # the browser's requests went through the vantage's proxy, the page's files too ...
    through_de = world.connect.targets[asked[0] :]
    assert through_de.count(f"{SCRIPTED}:80") >= 3  # HTTP visits, the page and its script's fetch
    assert "spiegel.de:443" in through_de  # the clone's files, loaded by the browser from de
    assert f"{SCRIPTED}:80" in world.socks.targets[asked[1] :]
    # ... under the address policy: the metadata service was refused here, never asked of the proxy
    assert [r for r in de["browser"]["refused"] if r["url"] == METADATA]
    assert not [t for t in world.connect.targets + world.socks.targets if t.startswith("169.254.")]


def test_a_vantage_that_cannot_be_reached_costs_only_its_own_visits(cli: Cli, world: World) -> None:
    found = _probe(cli, world, [TDS], "--vantage", f"gone=http://{PROXIES}:9")
    tds = found[TDS]
    assert tds["verdict"] == "unrelated"
    assert "ConnectionRefusedError" in tds["http"]["gone:social"]["error"]
    assert tds["http"]["social"]["error"] is None


@pytest.mark.parametrize(
    ("vantage", "message"),
    [
        ("de", "expected NAME=PROXY_URL"),
        ("de=ftp://127.0.6.10:21", "the scheme must be one of http, socks5, socks5h"),
        ("de=http://127.0.6.10", "no port"),
        ("de=socks5://127.0.6.10:99999", "bad proxy URL"),
        ("direct=http://127.0.6.10:3128", "bad vantage name"),
    ],
)
def test_a_malformed_vantage_is_one_line_and_exit_2(
    cli: Cli, world: World, vantage: str, message: str
) -> None:
    result = cli(*world.args("--vantage", vantage), stdin=f"{TDS}\n".encode())
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_a_proxy_on_a_private_address_needs_allow_private(cli: Cli, world: World) -> None:
    args = [arg for arg in world.args("--vantage", f"de={world.connect.url}") if arg != "--allow-private"]
    result = cli(*args, stdin=f"{TDS}\n".encode())
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"vantage de: proxy refused: {PROXIES} resolves to {PROXIES}" in lines[0]
    assert "--allow-private" in lines[0]
    assert result.stdout == ""


def test_watch_probes_through_the_vantages_of_its_config(cli: Cli, world: World, tmp_path: Path) -> None:
    feed = tmp_path / "names.txt"
    feed.write_text(f"{TDS}\n{SCRIPTED}\nexample.org\n")
    config = tmp_path / "watch.toml"
    config.write_text(
        f'[probe]\nblobs = "blobs"\nscreenshots = true\n[probe.vantages]\nde = "{world.connect.url}"\n'
    )
    db = f"sqlite:///{tmp_path / 'watch.db'}"
    run = [
        "watch", "--config", str(config), "--feed", str(feed), "--once", "--resolver", world.dns.resolver,
        "--brands", str(world.brands), "--db", db,
    ]  # fmt: skip
    refused = cli(*run)
    assert refused.returncode == 2
    assert "vantage de: proxy refused" in refused.stderr.strip().splitlines()[-1]
    watched = cli(*run, "--allow-private")
    assert watched.returncode == 0, watched.stderr
    found = cli("findings", "--format", "jsonl", "--db", db)
    assert found.returncode == 0, found.stderr
    assert {row["domain"]: row["verdict"] for row in map(json.loads, found.stdout.splitlines())} == {
        TDS: "cloaked",
        SCRIPTED: "cloaked",
    }
    history = cli("history", SCRIPTED, "--format", "jsonl", "--db", db)
    assert history.returncode == 0, history.stderr
    events = [json.loads(line) for line in history.stdout.splitlines()]
    evidence = next(e["evidence"] for e in events if e["kind"] == "probe")
    de = evidence["vantages"]["de"]
    assert de["browser"]["title"].startswith("Der Spiegel")
    # the screenshot through de is a blob of its own, beside the direct one
    assert de["screenshot"] == de["browser"]["png_sha256"] != evidence["screenshot"]
    blob = tmp_path / "blobs" / de["screenshot"][:2] / de["screenshot"]
    assert blob.read_bytes().startswith(b"\x89PNG")
