"""`clonewatch probe` on real saved news pages served on loopback (../shared/data/realpages_dev.tar.gz;
skipped without it): clones of an outlet's front page and of another of its pages are clones; a
sister paper on the same publishing system, served on a look-alike name, is not; nor is a saved
error page of a few words, which is unrelated with low confidence, not parked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from clonewatch.testing.dns import LocalDns
from clonewatch.testing.dns import TestZones as Zones
from clonewatch.testing.realpages import Outlet, clone_page, outlets, read_pages
from clonewatch.testing.sites import static
from clonewatch.testing.web import LocalWeb
from tests.lanes import lane
from tests.probe_lab import Cli

ADDRESS = lane("127.0.2.21")
HTML = "text/html"


@dataclass
class World:
    dns: LocalDns
    brands: Path
    expected: dict[str, str]

    def args(self) -> list[str]:
        return [
            "probe", "-", "--resolver", self.dns.resolver, "--allow-private", "--no-rdap",
            "--brands", str(self.brands), "--format", "jsonl", "--timeout", "3", "--budget", "10",
        ]  # fmt: skip


def _outlet(corpus: list[Outlet], domain: str) -> Outlet:
    return next(o for o in corpus if o.domain == domain)


@pytest.fixture(scope="module")
def world(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    corpus = outlets(read_pages(shared_data / "realpages_dev.tar.gz"))
    cleveland, syracuse = _outlet(corpus, "cleveland.com"), _outlet(corpus, "syracuse.com")
    wired, gq, fool = _outlet(corpus, "wired.com"), _outlet(corpus, "gq.com"), _outlet(corpus, "fool.com")
    forbidden = next(p for p in fool.pages if b"Forbidden" in p.html[:2000])
    sites = {
        # the genuine outlets, their front page on the bare and the www name
        **{host: o.pages[0].html for o in (cleveland, syracuse, wired, fool) for host in (o.domain, o.host)},
        "cleveland-news.lol": clone_page(cleveland.pages[0], cleveland.url),  # the front page, a fake story
        "cleveland.lol": clone_page(cleveland.pages[1], cleveland.url),  # another page of the outlet
        "syracuse-news.lol": cleveland.pages[1].html,  # a sister paper on the same CMS, as saved
        "wired-news.lol": gq.pages[0].html,  # another title of the same publisher
        "fool-news.lol": forbidden.html,  # a saved error page: a handful of words
    }
    expected = {
        "cleveland-news.lol": "clone",
        "cleveland.lol": "clone",
        "syracuse-news.lol": "unrelated",
        "wired-news.lol": "unrelated",
        "fool-news.lol": "unrelated",
    }
    workdir = tmp_path_factory.mktemp("real-pages")
    brands = workdir / "brands.txt"
    brands.write_text("cleveland.com\nsyracuse.com\nwired.com\nfool.com\n")
    with LocalWeb(ADDRESS) as web:
        if web.http_port != 80:
            pytest.skip("port 80 is taken on the real-page world's address")
        for host, body in sites.items():
            web.add(host, static(body, HTML))
        zones = Zones(records=[(host, "A", ADDRESS) for host in sites])
        with LocalDns(zones, workdir / "dns") as dns:
            yield World(dns, brands, expected)


def _probe(cli: Cli, world: World) -> dict[str, dict[str, Any]]:
    result = cli(*world.args(), stdin=("\n".join(world.expected) + "\n").encode())
    assert result.returncode == 0, result.stderr
    return {r["domain"]: r for r in map(json.loads, result.stdout.splitlines())}


def test_clones_of_real_pages_are_clones_and_other_outlets_are_not(cli: Cli, world: World) -> None:
    found = _probe(cli, world)
    assert {name: record["verdict"] for name, record in found.items()} == world.expected
    front, other_page = found["cleveland-news.lol"], found["cleveland.lol"]
    for clone in (front, other_page):
        assert clone["genuine"] == "cleveland.com"
        assert any("names itself by the genuine site's address" in fact for fact in clone["facts"])
        assert clone["comparison"]["shared_assets"] >= 3
        # every shared file is on the outlet's own hosts
        hosts = {url.split("/")[2] for url in clone["comparison"]["shared_asset_examples"]}
        assert all(host == "cleveland.com" or host.endswith(".cleveland.com") for host in hosts)
    sister = found["syracuse-news.lol"]
    assert sister["comparison"]["structure"] > 0.6  # the same publishing system ...
    assert sister["comparison"]["shared_assets"] == 0  # ... but none of syracuse.com's own files
    assert sister["comparison"]["same_site_name"] is False
    error_page = found["fool-news.lol"]
    assert error_page["confidence"] <= 0.3 and "little text" in error_page["facts"][0]
