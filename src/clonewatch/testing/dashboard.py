"""The dashboard on a loopback port in a thread of this process, and a store world to review:
findings of two brands with evidence (a redirect chain, DNS, RDAP, TLS, fingerprints), screenshots
in a blob store, a campaign, and one user of each role. Hostile strings (markup, a terminal
escape, a ``javascript:`` URL) sit where the adversary writes them: the page title, the RDAP
registrar and a hop's URL."""

from __future__ import annotations

import functools
import io
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from clonewatch.match import Match
from clonewatch.store import BlobStore, CampaignMember, CampaignRecord, CampaignValue, DirectoryBlobs, Store
from clonewatch.web import WebSettings, create_app, hash_password, issue_token

PASSWORD = "correct horse battery"
USERS = {"vera": "viewer", "ana": "analyst", "ada": "admin"}
T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HOSTILE_TITLE = '<script>window.pwned="title"</script>Bild \x1b[31mLIVE\x1b[0m'
HOSTILE_REGISTRAR = '"><img src=x onerror="window.pwned=\'rdap\'">Evil Registrar'
HOSTILE_URL = "http://hop.lol/r?u=\"><script>window.pwned='url'</script>"
HOSTILE_ABUSE = "javascript:window.pwned='abuse'"


def png(colour: tuple[int, int, int], size: tuple[int, int] = (320, 200)) -> bytes:
    """A plain PNG of one colour."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _hop(url: str, status: int, address: str, mechanism: str) -> dict[str, Any]:
    return {"url": url, "status": status, "address": address, "mechanism": mechanism}


def clone_evidence(
    domain: str, screenshot: str, genuine_screenshot: str, vantage_screenshot: str | None = None
) -> dict[str, Any]:
    """Evidence as the probe stores it for a clone reached through a redirector (and, with
    ``vantage_screenshot``, also visited through a vantage point, ``de``)."""
    return {
        "domain": domain,
        "unicode": domain,
        "probed_at": T0.isoformat(),
        "dns": {"exists": True, "error": None, "a": ["203.0.113.7"], "ns": ["ns1.evil-dns.lol."], "mx": []},
        "rdap": {
            "domain": domain,
            "registrar": HOSTILE_REGISTRAR,
            "abuse_email": HOSTILE_ABUSE,
            "created": "2026-11-18T00:00:00Z",
            "nameservers": ["ns1.evil-dns.lol"],
            "status": ["client transfer prohibited"],
        },
        "tls": {"host": domain, "address": "203.0.113.7", "port": 443, "valid": True, "issuer": "R11"},
        "http": {
            "plain": {
                "visitor": "plain",
                "chain": [
                    {"url": HOSTILE_URL, "status": 302, "address": "198.51.100.4", "mechanism": "http"},
                    {
                        "url": "http://tds.lol/go",
                        "status": 200,
                        "address": "198.51.100.5",
                        "mechanism": "javascript",
                    },
                    {
                        "url": f"https://{domain}/",
                        "status": 200,
                        "address": "203.0.113.7",
                        "mechanism": "final",
                    },
                ],
                "final_url": f"https://{domain}/",
                "status": 200,
                "page": {"title": HOSTILE_TITLE},
            }
        },
        "browser": {"title": HOSTILE_TITLE, "final_url": f"https://{domain}/", "navigations": []},
        "screenshot": screenshot,
        "genuine_site": {
            "final_url": "https://www.bild.de/",
            "title": "Bild",
            "screenshot": genuine_screenshot,
        },
        "comparison": {"text": 0.91, "structure": 0.97, "shared_analytics": [], "shared_assets": 12},
        **({"vantages": {"de": _vantage(domain, vantage_screenshot)}} if vantage_screenshot else {}),
    }


def _vantage(domain: str, screenshot: str) -> dict[str, Any]:
    """A vantage point's part of the evidence: its proxy, its browser's visit and screenshot."""
    navigations = [
        {"url": f"http://{domain}/", "status": 200, "mechanism": "initial"},
        {"url": f"https://{domain}/de", "status": 200, "mechanism": "javascript"},
    ]
    return {
        "proxy": "socks5h://192.0.2.80:1080",
        "resolved_by": "proxy",
        "browser": {"title": HOSTILE_TITLE, "final_url": f"https://{domain}/de", "navigations": navigations},
        "screenshot": screenshot,
        "comparison": {"text": 0.93, "structure": 0.97},
    }


@dataclass
class DashboardWorld:
    store: Store
    blobs: BlobStore
    tokens: dict[str, str]
    screenshot: str
    genuine_screenshot: str
    vantage_screenshot: str


def make_world(db_url: str, blob_dir: Path) -> DashboardWorld:
    """Fill the store at ``db_url`` (see the module docstring)."""
    store = Store.open(db_url)
    blobs = DirectoryBlobs(blob_dir)
    shot = blobs.put(png((200, 30, 30)))
    genuine = blobs.put(png((30, 30, 200)))
    through = blobs.put(png((30, 160, 30)))
    bild = [
        Match(n, n, "Bild", "bild.de", s, ("suffix",)) for n, s in (("bildd.lol", 0.9), ("blld.live", 0.8))
    ]
    store.ingest_batch("nrd", {"line": 2}, bild, seen_at=T0)
    spiegel = [Match("spiegel.ltd", "spiegel.ltd", "Der Spiegel", "spiegel.de", 0.95, ("suffix",))]
    store.ingest_batch("ct:argon", 7, spiegel, seen_at=T0 + timedelta(days=1), kind="ct")
    store.add_probe("bildd.lol", clone_evidence("bildd.lol", shot, genuine, through), "clone", 0.92, at=T0)
    store.add_probe("spiegel.ltd", {"domain": "spiegel.ltd", "dns": {"exists": True}}, "parked", 0.8, at=T0)
    members = (
        CampaignMember("bildd.lol", "clone", "Bild", "seed", T0),
        CampaignMember("hop.lol", "redirector", None, "redirect:hop.lol", T0),
    )
    pivots = (CampaignValue("ns", "ns1.evil-dns.lol", 0.8, 2),)
    store.save_campaigns([CampaignRecord("c-1", 0.8, ("Bild",), members, pivots)], at=T0)
    tokens = {}
    for name, role in USERS.items():
        store.add_user(name, role, _password_hash())
        tokens[name] = issue_token(store, name)
    return DashboardWorld(store, blobs, tokens, shot, genuine, through)


@functools.cache
def _password_hash() -> str:
    """PASSWORD hashed once per process (Argon2 is slow on purpose)."""
    return hash_password(PASSWORD)


class LocalDashboard:
    """``create_app`` under uvicorn on 127.0.0.1 (a free port), in a thread; stopped on exit."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port = int(self._socket.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> LocalDashboard:
        import uvicorn

        config = uvicorn.Config(create_app(self.settings), log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name="dashboard", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the dashboard did not start")
            time.sleep(0.02)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._socket.close()
