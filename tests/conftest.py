"""Shared fixtures: the real console script, the shared development data, small brand files."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from clonewatch.brands import Brand, load_brands_file
from clonewatch.match import Matcher
from clonewatch.testing.dns import LocalDns, TestZones
from clonewatch.testing.postgres import LocalPostgres
from clonewatch.testing.s3 import LocalS3
from tests.lanes import lane

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["tests.probe_lab"]
SHARED_DATA = ROOT.parent / "shared" / "data"
CLONEWATCH = Path(sys.executable).parent / "clonewatch"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or skip: the real-operation data lives beside the project, not in it."""
    if not (SHARED_DATA / "doppelganger_dev.csv").is_file():
        pytest.skip(f"shared development data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def dev_brands_file(shared_data: Path) -> Path:
    return shared_data / "dev_brands.txt"


@pytest.fixture(scope="session")
def dev_matcher(dev_brands_file: Path) -> Matcher:
    return Matcher(load_brands_file(dev_brands_file))


@pytest.fixture
def brands_file(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str) -> Path:
        path = tmp_path / "brands.txt"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def news_brands() -> list[Brand]:
    """A few real outlets written out in the test, so tests do not depend on the bundled list."""
    return [
        Brand("Der Spiegel", ("spiegel.de",)),
        Brand("Bild", ("bild.de",)),
        Brand("Die Welt", ("welt.de",)),
        Brand("FAZ", ("faz.net",)),
        Brand("Die Zeit", ("zeit.de",)),
        Brand("nd", ("nd-aktuell.de",)),
        Brand("Walla", ("walla.co.il",)),
        Brand("Ukrainska Pravda", ("pravda.com.ua",)),
        Brand("T-Online", ("t-online.de",)),
        Brand("Washington Post", ("washingtonpost.com",)),
        Brand("Fox News", ("foxnews.com",)),
        Brand("Bundesregierung", ("bundesregierung.de", "bund.de")),
        Brand("MFA Ukraine", ("mfa.gov.ua",)),
        Brand("French government", ("gouv.fr",)),
        Brand("PayPal", ("paypal.com",)),
        Brand("Siemens Energy", ("siemens-energy.com",)),
    ]


@pytest.fixture(scope="session")
def news_matcher(news_brands: list[Brand]) -> Matcher:
    return Matcher(news_brands)


def run_cli(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed console script the way a user does (``env`` adds to the environment)."""
    return subprocess.run(
        [str(CLONEWATCH), *args],
        input=stdin.decode("utf-8", "surrogateescape") if stdin is not None else None,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **env} if env else None,
        timeout=300,
        check=False,
    )


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_cli


LIVE_ZONES = TestZones(
    records=[
        ("bildd.lol", "A", "127.0.0.10"),
        ("bildd.lol", "MX", "10 mail.bildd.lol."),
        ("blld.live", "AAAA", "::1"),
        ("spiegel.ltd", "A", "127.0.0.11"),
        ("spiegel.ltd", "AAAA", "::2"),
        ("pravda-ua.rest", "MX", "10 mx.pravda-ua.rest."),
        ("www.fox-news.click", "A", "127.0.0.12"),
        ("fox-news.click", "CNAME", "www.fox-news.click."),
        ("short.click", "A", "127.0.0.1"),
        ("hop.lol", "A", "127.0.0.1"),
        ("spiegel-news.live", "A", "127.0.0.1"),
        ("loop.click", "A", "127.0.0.1"),
        ("rdap.labnic.lol", "A", lane("127.0.2.3")),  # the web lab in tests/probe/test_rdap.py
        ("dangling.lol", "CNAME", "gone.bildd.lol."),  # a CNAME whose target does not exist
    ],
    wildcard_suffixes={"top": "127.0.0.99"},
    only_ns=["washingtonpost.pm"],
    servfail=["bild.cfd"],
    timeouts=["bild.sbs"],
)


@pytest.fixture(scope="session")
def local_dns(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalDns]:
    """NSD (authoritative, root zone included) behind Unbound, on 127.0.1.x; see LIVE_ZONES."""
    with LocalDns(LIVE_ZONES, tmp_path_factory.mktemp("dns")) as server:
        yield server


@pytest.fixture(scope="session")
def postgres() -> Iterator[LocalPostgres]:
    """A real PostgreSQL server on a loopback port for the whole session; tests create their own databases."""
    with LocalPostgres() as server:
        yield server


class _Sites(http.server.BaseHTTPRequestHandler):
    """Virtual hosts: a shortener, an intermediary, a clone, a redirect loop."""

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0]
        port = self.server.server_address[1]
        if host == "short.click":
            self._redirect(302, f"http://hop.lol:{port}/r{self.path[2:]}")
        elif host == "hop.lol":
            self._redirect(301, f"http://spiegel-news.live:{port}/article{self.path[2:]}?utm_source=x")
        elif host == "loop.click":
            self._redirect(302, f"http://loop.click:{port}{self.path}x")
        else:
            body = b"<html><title>Der Spiegel</title></html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def _redirect(self, status: int, location: str) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture(scope="session")
def sites() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Sites)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def s3() -> Iterator[LocalS3]:
    """A real S3-compatible object store (moto's server) on loopback."""
    with LocalS3() as server:
        yield server
