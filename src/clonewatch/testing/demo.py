"""The quick start's demo: the whole job on bundled data, on loopback, with no network.

Starts the campaign world (two planted operations, their clones, redirectors and traffic hubs,
parked, CDN and hosting neighbours, the genuine outlets) beside the probe lab's suspects of every
kind (NSD behind Unbound and the web sites on loopback addresses), runs ``clonewatch watch
--once`` with probing and screenshots on a day of names (the world's feed mixed with the bundled
sample feed), ``clonewatch cluster --save``, adds a demo account and serves the dashboard until
Ctrl-C. Every step is the real command a user runs.

    python -m clonewatch.testing.demo [--workdir DIR] [--port 8765] [--no-serve]
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from importlib import resources
from pathlib import Path

from clonewatch.testing.campaignlab import RDAP_HOST, RunningWorld, campaign_world
from clonewatch.testing.dns import LocalDns
from clonewatch.testing.probelab import LabHost, probe_world
from clonewatch.testing.web import LocalWeb

NET = "127.42"  # the world's /16 on loopback: apart from the test suite's labs (127.0.x.y)
SUSPECTS = f"{NET}.20.20"  # the probe lab's kinds: parked, defensive, redirect chain, cloaked, ...
SERVE_HOST = "127.0.0.1"
USER = "demo"


@contextmanager
def demo_world(workdir: Path) -> Iterator[tuple[RunningWorld, list[str]]]:
    """The campaign world (two operations and the commons around them) and, beside it, the probe
    lab's suspects of every kind (parked, defensive, a redirect chain, cloaked, unrelated, no
    website, unregistered): their web sites and DNS on loopback, and the suspects' feed names."""
    world = campaign_world(net=NET)
    lab = probe_world(SUSPECTS)
    extra: list[LabHost] = [host for host in lab.hosts if host.name != lab.genuine]  # the world has it
    suspects = [host.name for host in extra if host.expected is not None] + list(lab.missing)
    workdir.mkdir(parents=True, exist_ok=True)
    brands = workdir / "brands.txt"
    brands.write_text(world.brands_text(), encoding="utf-8")
    first, *others = world.addresses()
    with LocalWeb(first, also_on=[*others, SUSPECTS]) as web:
        if (web.http_port, web.https_port) != (80, 443):
            raise SystemExit("demo: the world needs ports 80 and 443 on loopback addresses (run as root)")
        for domain in world.domains:
            web.add(domain.name, domain.site)
        for host in extra:
            web.add(host.name, host.site)
        rdap_url = web.rdap(world.rdap_records(), host=RDAP_HOST)
        zones = world.zones()
        zones = replace(zones, records=[*zones.records, *((host.name, "A", SUSPECTS) for host in extra)])
        with LocalDns(zones, workdir / "dns") as dns:
            yield RunningWorld(world, web, dns, rdap_url, brands), suspects


def day_of_names(running: RunningWorld, suspects: list[str]) -> list[str]:
    """The world's feed and the suspects, with the bundled sample feed's names mixed in."""
    sample = resources.files("clonewatch.data").joinpath("sample_feed.txt").read_text(encoding="utf-8")
    ordinary = [line.strip() for line in sample.splitlines() if line.strip() and not line.startswith("#")]
    names = running.world.feed() + suspects
    step = max(1, len(names) // max(1, len(ordinary)))
    for i, name in enumerate(ordinary):
        names.insert(min(len(names), i * (step + 1)), name)
    return names


def watch_config(running: RunningWorld, workdir: Path, feed: Path, db: str, blobs: Path) -> Path:
    """A ``watch`` configuration: the day's file as feed, probing with screenshots through the world's DNS."""
    config = workdir / "watch.toml"
    quote = json.dumps  # a JSON string is a TOML basic string
    config.write_text(
        f"db = {quote(db)}\nbrands = {quote(str(running.brands))}\nallow_private = true\n"
        f"[[feeds.file]]\nsource = {quote(str(feed))}\n"
        f"[probe]\nresolver = {quote(running.dns.resolver)}\nscreenshots = true\n"
        f"blobs = {quote(str(blobs))}\nconcurrency = 8\n",
        encoding="utf-8",
    )
    return config


def clonewatch(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run one clonewatch command as a user would; its progress goes to the terminal."""
    command = [sys.executable, "-m", "clonewatch", *args]
    result = subprocess.run(command, input=stdin, text=True, stdout=subprocess.PIPE, check=False)
    if result.returncode != 0:
        raise SystemExit(f"demo: clonewatch {args[0]} failed (exit {result.returncode})")
    return result


def say(message: str) -> None:
    print(f"demo: {message}", flush=True)


def wait_for_login(url: str, server: subprocess.Popen[bytes], deadline: float) -> str:
    """The login page's HTML once the dashboard answers (the server still running)."""
    while True:
        if server.poll() is not None:
            raise SystemExit(f"demo: clonewatch serve exited ({server.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/login", timeout=2) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("demo: the dashboard did not answer in 30 s") from None
            time.sleep(0.2)


def run(workdir: Path, port: int, serve: bool) -> int:
    started = time.monotonic()
    db = f"sqlite:///{workdir / 'demo.db'}"
    blobs = workdir / "blobs"
    blobs.mkdir(parents=True, exist_ok=True)
    say(f"starting the demo world on {NET}.0.0/16 (DNS: NSD behind Unbound; web sites on ports 80 and 443)")
    with demo_world(workdir / "world") as (running, suspects):
        names = day_of_names(running, suspects)
        feed = workdir / "day.txt"
        feed.write_text("\n".join(names) + "\n", encoding="utf-8")
        say(f"watching a day of {len(names)} names ({feed}): match, store, probe with screenshots")
        config = watch_config(running, workdir, feed, db, blobs)
        clonewatch("watch", "--config", str(config), "--once", "--alert-file", str(workdir / "alerts.jsonl"))
        say("clustering the findings into campaigns")
        print(clonewatch("cluster", "--db", db, "--save", "--format", "table").stdout, end="", flush=True)
        password = secrets.token_urlsafe(12)
        clonewatch("users", "add", USER, "--role", "admin", "--db", db, stdin=password + "\n")
        url = f"http://{SERVE_HOST}:{port}"
        serve_args = ["serve", "--db", db, "--blobs", str(blobs), "--host", SERVE_HOST, "--port", str(port)]
        server = subprocess.Popen([sys.executable, "-m", "clonewatch", *serve_args])
        try:
            login = wait_for_login(url, server, time.monotonic() + 30)
            title = re.search(r"<title>([^<]*)</title>", login)
            answer = title[1] if title else "?"
            say(f"serving after {time.monotonic() - started:.1f} s; the login page answers: {answer}")
            print(f"\n  Dashboard: {url}/\n  Login:     {USER}\n  Password:  {password}\n", flush=True)
            if serve:
                say("Ctrl-C stops the dashboard and the demo world")
                server.wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clonewatch.testing.demo", description="The demo.")
    parser.add_argument("--workdir", type=Path, help="keep the store, blobs and world here [a temporary one]")
    parser.add_argument("--port", type=int, default=8765, help="the dashboard's port on 127.0.0.1 [8765]")
    parser.add_argument("--no-serve", action="store_true", help="stop once the dashboard answers")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="clonewatch-demo-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        return run(workdir.resolve(), args.port, not args.no_serve)
    except KeyboardInterrupt:
        say("stopped")
        return 130
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
