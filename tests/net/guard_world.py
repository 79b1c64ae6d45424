"""A world with forbidden addresses that answer, run inside a network namespace of its own.

Started by ``test_guard.py`` as ``unshare --net python guard_world.py REPORT``: the namespace has
only a loopback link, on which this script puts every cloud metadata address (and every IPv6
embedding of it and of loopback) with a canary HTTP server that records any request, a hostile
server on a public address (1.2.3.4) that redirects to them, and NSD+Unbound for its names. Then
it runs the clonewatch commands that fetch (probe with RDAP, social links --resolve, watch feeds
and webhooks) and writes what they printed and what the canaries saw to REPORT as JSON.
"""

from __future__ import annotations

import http.client
import http.server
import json
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, ClassVar

from clonewatch.testing.dns import LocalDns, TestZones

HOSTILE = "1.2.3.4"  # a public address, inside this namespace only
METADATA_V4 = ["169.254.169.254", "169.254.170.23", "168.63.129.16", "100.100.100.200", "192.0.0.192"]
METADATA_V6 = [
    "::a9fe:a9fe",  # IPv4-compatible 169.254.169.254
    "64:ff9b::a9fe:a9fe",  # NAT64 well-known prefix
    "64:ff9b:1:a9fe:a9:fe00::",  # NAT64 local-use prefix, /48 layout
    "2002:a9fe:a9fe::1",  # 6to4
    "2001:0:102:304::5601:5601",  # Teredo, client 169.254.169.254
    "fd00:ec2::254",  # AWS IMDS over IPv6
    "fd00:ec2::23",  # EKS Pod Identity
]
LOOPBACK_V6 = ["::7f00:1", "64:ff9b::7f00:1", "2002:7f00:1::1", "2001:0:102:304::80ff:fffe"]
METADATA_URLS = [f"http://{a}/latest/" for a in METADATA_V4] + [
    "http://[::ffff:169.254.169.254]/latest/",  # IPv4-mapped: reaches the IPv4 canary
    *(f"http://[{a}]/latest/" for a in METADATA_V6),
]
LOOPBACK_URLS = ["http://[::ffff:127.0.0.1]/x", *(f"http://[{a}]/x" for a in LOOPBACK_V6)]
MALFORMED = ["http://x:99999/", "http://[::1/", "chrome://version/", "data:text/html,<b>hi</b>", "file:///etc/passwd"]
CLONEWATCH = str(Path(sys.executable).parent / "clonewatch")


class Canary(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self._hit()

    def do_POST(self) -> None:
        self._hit()

    def _hit(self) -> None:
        Canary.hits.append(f"{self.server.server_address[0]} {self.command} {self.path}")
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"secret-token")

    def log_message(self, *args: Any) -> None:
        pass


class Hostile(http.server.BaseHTTPRequestHandler):
    """/r/N and host tN.lol redirect to TARGETS[N]; /rdap/domain/tN.lol too."""

    targets: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0]
        key = self.path.rsplit("/", 1)[-1] if self.path.startswith(("/r/", "/rdap/")) else host
        number = key.removeprefix("t").split(".")[0]
        if not number.isdigit() or int(number) >= len(self.targets):
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(302)
        self.send_header("Location", self.targets[int(number)])
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


class V6Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6


def serve(address: str, handler: type[http.server.BaseHTTPRequestHandler]) -> None:
    kind = V6Server if ":" in address else http.server.ThreadingHTTPServer
    server = kind((address, 80), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True)


def run(*args: str) -> dict[str, Any]:
    done = subprocess.run([CLONEWATCH, *args], capture_output=True, text=True, timeout=300)
    return {"args": list(args), "rc": done.returncode, "stdout": done.stdout, "stderr": done.stderr}


def self_check(addresses: list[str]) -> list[str]:
    """Each canary asked directly: proves a request that got past the guard would be recorded."""
    for address in addresses:
        connection = http.client.HTTPConnection(address, 80, timeout=5)
        connection.request("GET", "/self-check")
        connection.getresponse().read()
        connection.close()
    seen = list(Canary.hits)
    Canary.hits.clear()
    return seen


def posts_file(path: Path, count: int) -> Path:
    """One post per hostile name tN.lol (whose site redirects to target N)."""
    rows = [f"acct{n},2026-12-01T10:00:{n % 60:02d}Z,http://t{n}.lol/" for n in range(count)]
    path.write_text("account,time,url\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def watch_args(feed: Path, urls: list[str], db: Path) -> list[str]:
    """One pass of watch with every URL as an NRD feed, a CT log and a webhook."""
    args = ["watch", "--once", "--no-probe", "--feed", str(feed), "--poll", "1h", "--db", f"sqlite:///{db}"]
    for url in urls:
        args += ["--nrd", url, "--ct", url, "--alert-webhook", url]
    return args


def main(report: Path) -> None:
    ip("link", "set", "lo", "up")
    for address in [HOSTILE, *METADATA_V4]:
        ip("addr", "add", f"{address}/32", "dev", "lo")
    for address in [*METADATA_V6, *LOOPBACK_V6]:
        ip("-6", "addr", "add", f"{address}/128", "dev", "lo", "nodad")
    canaries = ["127.0.0.1", *METADATA_V4, *METADATA_V6, *LOOPBACK_V6]
    for address in canaries:
        serve(address, Canary)
    checked = self_check(canaries)
    targets = [*METADATA_URLS, *LOOPBACK_URLS, *MALFORMED]
    Hostile.targets = targets
    serve(HOSTILE, Hostile)
    names = [f"t{n}.lol" for n in range(len(targets))]
    work = Path(tempfile.mkdtemp())
    zones = TestZones(records=[(name, "A", HOSTILE) for name in names])
    results: dict[str, Any] = {}
    with LocalDns(zones, work / "dns") as dns:
        common = ["--resolver", dns.resolver, "--format", "jsonl", "--concurrency", "8", "--timeout", "2"]
        rdap = ["--rdap-server", f"lol=http://{HOSTILE}/rdap/"]
        results["probe"] = run("probe", *names, *common, *rdap)
        metadata_names = names[: len(METADATA_URLS)]
        results["probe_allow_private"] = run("probe", *metadata_names, *common, *rdap, "--allow-private")
        links = ["social", "links", "--resolve", "--resolver", dns.resolver, "--format", "jsonl"]
        every = posts_file(work / "posts.csv", len(targets))
        results["social"] = run(*links, str(every))
        metadata_only = posts_file(work / "metadata-posts.csv", len(METADATA_URLS))
        results["social_allow_private"] = run(*links, str(metadata_only), "--allow-private")
    feed = work / "names.txt"
    feed.write_text("spiegel.ltd\n", encoding="utf-8")
    results["watch"] = run(*watch_args(feed, [*METADATA_URLS, *LOOPBACK_URLS], work / "w.db"))
    results["watch_allow_private"] = run(*watch_args(feed, METADATA_URLS, work / "w2.db"), "--allow-private")
    document = {
        "targets": targets,
        "metadata_urls": METADATA_URLS,
        "loopback_urls": LOOPBACK_URLS,
        "malformed": MALFORMED,
        "canaries": canaries,
        "self_check": checked,
        "hits": list(Canary.hits),
        "results": results,
    }
    report.write_text(json.dumps(document), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
