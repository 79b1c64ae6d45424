"""bench/serve: how fast the dashboard answers over a large store. The real console script
(`clonewatch serve`) runs over a store of 100,000 findings (SQLite file, then a PostgreSQL database);
this process logs in like a browser (CSRF cookie and token, session cookie), takes an API token,
and times each request from sending it to the last byte of the answer, over one kept-alive
connection, one request at a time. Reported per request kind: median and 95th percentile, against
the issue's target (< 200 ms at the 95th percentile for a filtered queue page), and the CPU time the
server side spent per request (clonewatch serve and, on PostgreSQL, the database's backends): on a
shared machine the latencies grow with other people's load, the CPU time much less."""

from __future__ import annotations

import argparse
import http.client
import math
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlencode

from benchkit.cli import PROJECT_ROOT, machine_line, run_info, write_result
from benchkit.load import LoadMeter, titled_cpu_s, tree_cpu_s
from benchkit.log import progress
from benchkit.report import LEFT, RIGHT, markdown_table
from clonewatch.testing.postgres import LocalPostgres
from clonewatch.web import add_user, issue_token
from servebench import world

TARGET_MS = 200.0
PASSWORD = "bench passphrase"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Timing:
    database: str
    kind: str
    path: str
    requests: int
    median_ms: float
    p95_ms: float
    max_ms: float
    status: int
    filtered_page: bool
    other_cores: float
    server_cpu_ms: float

    @property
    def met(self) -> bool:
        return self.p95_ms < TARGET_MS


def requests_to_time(sample: str) -> list[tuple[str, str, bool, bool]]:
    """(kind, path, is an API call, is a filtered queue page) for every request kind timed."""
    brand = world.BRANDS[3][0]
    return [
        ("queue, first page", "/", False, False),
        ("queue, brand + verdict", "/?" + urlencode({"brand": brand, "verdict": "clone"}), False, True),
        (
            "queue, unreviewed parked since a date",
            "/?" + urlencode({"review": "unreviewed", "verdict": "parked", "since": "2026-11-01"}),
            False,
            True,
        ),
        ("queue, feed + name search", "/?" + urlencode({"feed": "nrd", "q": "outlet07-0"}), False, True),
        ("queue, page 200", "/?page=200", False, False),
        ("domain page", f"/domains/{sample}", False, False),
        (
            "API findings, brand + verdict",
            "/api/findings?" + urlencode({"brand": brand, "verdict": "parked", "limit": 50}),
            True,
            True,
        ),
        ("API findings, offset 50,000", "/api/findings?offset=50000&limit=50", True, False),
        ("API domain", f"/api/domains/{sample}", True, False),
    ]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/serve", description=__doc__)
    p.add_argument("--size", type=int, default=100_000, help="findings in the store (default 100000)")
    p.add_argument("--requests", type=int, default=100, help="timed requests per kind (default 100)")
    p.add_argument("--warm-up", type=int, default=5, help="untimed requests per kind first (default 5)")
    p.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    p.add_argument("--clonewatch", default=str(PROJECT_ROOT / ".venv" / "bin" / "clonewatch"))
    p.add_argument("--out-dir", type=Path, default=PROJECT_ROOT / "bench" / "out")
    args = p.parse_args(argv)
    if args.size < 1000 or args.requests < 1:
        p.error("--size must be at least 1000 and --requests positive")
    for name in args.databases.split(","):
        if name not in ("sqlite", "postgresql"):
            p.error(f"unknown database {name!r}")
    return args


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Client:
    """One kept-alive HTTP connection with the cookies the server set."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, path, body=body, headers=sent)
        response = self.connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("set-cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        return response.status, data

    def log_in(self, name: str) -> None:
        status, page = self.request("GET", "/login")
        token = _CSRF.search(page.decode())
        assert status == 200 and token, "no login form"
        form = urlencode({"name": name, "password": PASSWORD, "csrf": token.group(1), "next": "/"})
        status, _ = self.request(
            "POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert status == 303 and "cw_session" in self.cookies, f"login failed ({status})"


def wait_until_up(port: int, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(
                    f"clonewatch serve did not start: {server.stderr.read() if server.stderr else ''}"
                ) from None
            time.sleep(0.2)


def database_cpu(url: str) -> float:
    """CPU seconds of the PostgreSQL backends serving ``url``'s database (0 for SQLite, whose work
    happens inside clonewatch serve)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        return 0.0
    return titled_cpu_s(f"postgres: {parsed.username} {parsed.database} ".encode())


def measure(args: argparse.Namespace, database: str, url: str) -> list[Timing]:
    progress(f"{database}: building {args.size:,} findings")
    started = time.monotonic()
    store = world.build(url, args.size)
    add_user(store, "ana", "analyst", PASSWORD)
    token = issue_token(store, "ana")
    sample = store.queue(limit=1, offset=args.size // 2).items[0].finding.match.domain
    store.close()
    progress(f"{database}: built in {time.monotonic() - started:.0f} s; starting clonewatch serve")
    port = _free_port()
    timings: list[Timing] = []
    server = subprocess.Popen(
        [args.clonewatch, "serve", "--db", url, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_up(port, server)
        browser = Client(port)
        browser.log_in("ana")
        script = Client(port)
        for kind, path, is_api, filtered in requests_to_time(sample):
            client = script if is_api else browser
            headers = {"Authorization": f"Bearer {token}"} if is_api else {}
            status = 0
            for _ in range(args.warm_up):
                status, _ = client.request("GET", path, headers=headers)
            seconds = []

            def server_cpu() -> float:
                return tree_cpu_s(server.pid) + database_cpu(url)

            with LoadMeter(also=lambda: database_cpu(url)) as load:
                cpu_before = server_cpu()
                for _ in range(args.requests):
                    began = time.perf_counter()
                    status, _ = client.request("GET", path, headers=headers)
                    seconds.append(time.perf_counter() - began)
                cpu_ms = (server_cpu() - cpu_before) * 1000 / args.requests
            ms = sorted(s * 1000 for s in seconds)
            p95 = ms[max(0, min(len(ms) - 1, math.ceil(0.95 * len(ms)) - 1))]
            timing = Timing(
                database,
                kind,
                path,
                len(ms),
                statistics.median(ms),
                p95,
                ms[-1],
                status,
                filtered,
                round(load.other_cores, 2),
                round(cpu_ms, 1),
            )
            progress(
                f"  {kind}: median {timing.median_ms:.1f} ms, p95 {timing.p95_ms:.1f} ms, server CPU "
                f"{cpu_ms:.1f} ms a request, other load {load.other_cores:.1f} cores (HTTP {status})"
            )
            timings.append(timing)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return timings


def report(timings: list[Timing]) -> str:
    rows = []
    for t in timings:
        target = ""
        if t.filtered_page:
            target = f"< {TARGET_MS:.0f} ms: {'met' if t.met else 'MISSED'}"
        if t.status != 200:
            target += f" (HTTP {t.status})"
        rows.append(
            [
                t.database, t.kind, f"{t.median_ms:.1f}", f"{t.p95_ms:.1f}", f"{t.server_cpu_ms:.1f}",
                f"{t.other_cores:.1f}", target,
            ]
        )  # fmt: skip
    return markdown_table(
        [
            "database", "request", "median ms", "p95 ms", "server CPU ms/request", "other load (cores)",
            "target (p95, filtered page)",
        ],
        rows,
        align=[LEFT, LEFT, RIGHT, RIGHT, RIGHT, RIGHT, LEFT],
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the servers started are stopped
    work = args.out_dir.resolve() / "serve"
    work.mkdir(parents=True, exist_ok=True)
    progress(machine_line())
    timings: list[Timing] = []
    with ExitStack() as stack:
        for database in args.databases.split(","):
            tag = f"serve_{os.getpid()}_{int(time.time())}"
            if database == "sqlite":
                path = work / f"{tag}.db"
                url = f"sqlite:///{path}"
                stack.callback(
                    lambda p=path: [Path(f"{p}{s}").unlink(missing_ok=True) for s in ("", "-wal", "-shm")]
                )
            else:
                progress("starting PostgreSQL")
                postgres = stack.enter_context(LocalPostgres())
                url = str(postgres.create_database(tag))
            timings += measure(args, database, url)
    table = report(timings)
    write_result(
        args.out_dir.resolve() / "serve-results.json",
        {
            **run_info(),
            "args": {k: str(v) for k, v in vars(args).items()},
            "timings": [asdict(t) for t in timings],
        },
    )
    print(table)
    return 0 if all(t.status == 200 and (t.met or not t.filtered_page) for t in timings) else 1
