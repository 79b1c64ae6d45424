"""The export world: a genuine outlet and its look-alikes (a clone whose registrar, abuse contact
and page title are hostile, a clone cloaked from all but visitors from X in one country, a
redirector through meta-refresh and JavaScript hops, a parked name) served on loopback (HTTP and
HTTPS with a test CA, RDAP, NSD behind Unbound), probed once per session by the real pipeline with
Chromium screenshots into a blob store, the cloaked clone also through the vantage point ``de`` (a
real tinyproxy whose connections come from that country's address); each test gets a store
(SQLite or PostgreSQL) filled with those records the way the watch loop stores them."""

from __future__ import annotations

import itertools
import re
import socket
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from clonewatch.brands import Brand
from clonewatch.match import Match
from clonewatch.net import HttpSettings, ResolverSettings
from clonewatch.pipeline import Pipeline
from clonewatch.probe.collect import ProbeSettings
from clonewatch.probe.vantage import vantage
from clonewatch.store import DirectoryBlobs, Store
from clonewatch.testing.dns import LocalDns
from clonewatch.testing.dns import TestZones as Zones
from clonewatch.testing.probelab import STORIES, UNRELATED, outlet, outlet_page
from clonewatch.testing.proxies import ConnectProxy, hosts_of
from clonewatch.testing.sites import (
    Request,
    Response,
    Site,
    by_client,
    looks_like_social_browser,
    meta_refresh,
    page,
    rdap_record,
    redirect,
)
from clonewatch.testing.web import LocalWeb
from tests.conftest import run_cli
from tests.lanes import lane

Cli = Callable[..., subprocess.CompletedProcess[str]]
ADDRESSES = tuple(lane(f"127.0.2.{n}") for n in range(60, 80))  # the first with port 80 free (parallel runs)
RDAP_HOST = "rdap-export.lol"
GENUINE = "spiegel.de"
NAME = "Der Spiegel"
CLONE = "spiegel.ltd"  # hostile registrar, abuse contact and title
CLOAKED = "spiegel.pm"  # the article only for visitors from X in de, through a TDS hop
TDS_HOP = "tds-export.xyz"
VANTAGE = "de"
VANTAGE_EXIT = lane("127.0.8.1")  # where the de proxy's connections come from
REDIRECTOR = "spiegel.click"
PARKED = "spiegel.lol"
HOP = "hop-export.xyz"
TARGET = "spiegel-news.info"
HOSTILE_REGISTRAR = 'Evil <script>alert("registrar")</script>\x1b[31m Registrar'
HOSTILE_ABUSE = 'abuse@evil.test"><img src=x onerror=alert(1)>'
FORMULA_REGISTRAR = '=HYPERLINK("http://evil.test/","Registrar")'
HOSTILE_TITLE = 'Der Spiegel <script>alert("title")</script>"><img src=x onerror=alert(2)>\x1b]0;pwned\x07'
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
_databases = itertools.count()


@dataclass
class World:
    """The probed records (``Probed.to_dict()`` by domain), the verdict of each, and the blob store."""

    evidence: dict[str, dict[str, Any]]
    blobs: Path
    brands: Path
    address: str

    def fill(self, url: str) -> None:
        """Store every record as the watch loop does (the match first, then the probe and verdict),
        then the campaigns ``clonewatch cluster --save`` finds in them."""
        with Store.open(url) as store:
            for index, (domain, record) in enumerate(sorted(self.evidence.items())):
                match = Match(
                    domain, record["unicode"], record["brand"], record["genuine"], record["score"],
                    tuple(record["reasons"]),
                )  # fmt: skip
                seen = T0 + timedelta(hours=index)
                store.ingest_batch("nrd", {"line": index + 1}, [match], seen_at=seen)
                store.add_probe(
                    domain, record, record["verdict"], record["confidence"], at=seen + timedelta(minutes=5)
                )
        saved = run_cli("cluster", "--db", url, "--save", "--format", "jsonl")
        assert saved.returncode == 0, saved.stderr


def _clone_page(title: str) -> str:
    html = outlet_page(
        GENUINE, NAME, "Exclusive: minister admits sanctions failed", "Documents.", assets_from=GENUINE
    )
    return re.sub(r"<title>.*?</title>", lambda _: f"<title>{title}</title>", html, count=1)


def _by_place(fake: str, other: str) -> Site:
    """A traffic filter: visitors from X coming from VANTAGE_EXIT are sent through TDS_HOP to the
    fabricated article (served to that address only); everyone else sees ``other``."""
    article, home = by_client({VANTAGE_EXIT}, fake, other), page(other)
    onward = redirect(f"http://{TDS_HOP}/r/9f2kQ?cid=7", 302)

    def site(request: Request) -> Response | None:
        if request.path.startswith("/article"):
            return article(request)
        if request.client == VANTAGE_EXIT and looks_like_social_browser(request):
            return onward(request)
        return home(request)

    return site


def _free_address() -> str:
    """The first of ADDRESSES where ports 80 and 443 can be bound (another run may hold one)."""
    for address in ADDRESSES:
        try:
            for port in (80, 443):
                with socket.socket() as probe:
                    probe.bind((address, port))
        except OSError:
            continue
        return address
    pytest.fail(f"ports 80 and 443 are taken on every address of {ADDRESSES[0]}-{ADDRESSES[-1]}")


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    workdir = tmp_path_factory.mktemp("export-world")
    brands = workdir / "brands.txt"
    brands.write_text(f"{GENUINE},{NAME}\n", encoding="utf-8")
    sites = {
        GENUINE: outlet(outlet_page(GENUINE, NAME, STORIES[0], "Nachrichten aus Deutschland.")),
        CLONE: outlet(_clone_page(HOSTILE_TITLE)),
        CLOAKED: _by_place(
            outlet_page(GENUINE, NAME, "Leaked: the war is lost", "Fabricated.", assets_from=GENUINE),
            UNRELATED.format(domain=CLOAKED),
        ),
        TDS_HOP: redirect(f"http://{CLOAKED}/article", 302),
        REDIRECTOR: redirect(f"http://{HOP}/go", 302),
        HOP: meta_refresh(f"http://{TARGET}/next"),
        TARGET: outlet(_clone_page(f"{NAME} - Nachrichten")),
        PARKED: page(
            f"<html><head><title>{PARKED}</title></head><body>This domain may be for sale!</body></html>"
        ),
    }
    rdap = {name: rdap_record(name) for name in sites}
    rdap[CLONE] = rdap_record(CLONE, registrar=HOSTILE_REGISTRAR, abuse_email=HOSTILE_ABUSE)
    rdap[CLOAKED] = rdap_record(CLOAKED, registrar=FORMULA_REGISTRAR)
    address = _free_address()
    with LocalWeb(address) as web:
        assert web.http_port == 80, "the export world needs port 80"
        for name, site in sites.items():
            web.add(name, site)
        rdap_url = web.rdap(rdap, host=RDAP_HOST)
        zones = Zones(records=[*((name, "A", address) for name in sites), (RDAP_HOST, "A", address)])
        with LocalDns(zones, workdir / "dns") as dns:
            blobs = workdir / "blobs"
            resolver = ResolverSettings.parse(dns.resolver, timeout=3)
            http = HttpSettings(allow_private=True, timeout=3, budget=8, ca_file=web.ca_file, dns=resolver)
            settings = ProbeSettings(http=http, resolver=resolver, keep=DirectoryBlobs(blobs).put)
            suffixes = {name.rsplit(".", 1)[1] for name in sites}
            servers = {suffix: rdap_url for suffix in suffixes}
            watched = [Brand(NAME, (GENUINE,))]
            with Pipeline(settings, watched, rdap_servers=servers, browser=True) as pipeline:
                probed = {p.domain: p.to_dict() for p in pipeline.run([CLONE, REDIRECTOR, PARKED])}
            with ConnectProxy(address, source=VANTAGE_EXIT, hosts=hosts_of(zones.records)) as proxy:
                abroad = replace(settings, vantages=(vantage(VANTAGE, proxy.url),))
                with Pipeline(abroad, watched, rdap_servers=servers, browser=True) as pipeline:
                    probed.update((p.domain, p.to_dict()) for p in pipeline.run([CLOAKED]))
            yield World(probed, blobs, brands, address)


def _filled(request: pytest.FixtureRequest, directory: Path, world: World) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{directory / 'export.db'}"
    else:
        url = str(request.getfixturevalue("postgres").create_database(f"export_{next(_databases)}"))
    world.fill(url)
    return url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, world: World) -> str:
    """A store filled with the world's records, on SQLite and on the real PostgreSQL; shared by
    the tests of a module, which only read it."""
    return _filled(request, tmp_path_factory.mktemp("store"), world)


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_db(request: pytest.FixtureRequest, tmp_path: Path, world: World) -> str:
    """A store of the test's own (for tests that write to it), filled like ``db``."""
    return _filled(request, tmp_path, world)


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory, world: World) -> str:
    """The filled store on SQLite only (read-only, shared by a module's tests)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'export.db'}"
    world.fill(url)
    return url
