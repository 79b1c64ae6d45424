"""Real headless Chromium against a real HTTP server on loopback, every request through a real fetcher.

The fetcher sends every host to the one local server (virtual hosts by Host header) and refuses
hosts named private.*, as the real fetcher refuses private addresses.
"""

from __future__ import annotations

import http.client
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field, replace
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from clonewatch.errors import BrowserError, FetchRefused
from clonewatch.probe.browser import Browser, BrowserSettings
from clonewatch.probe.capture import save_png
from clonewatch.probe.lane import GRACE
from clonewatch.probe.resources import Resource
from clonewatch.testing.hostile import BROWSER_ATTACKS
from clonewatch.testing.proctree import TreeMemory

pytestmark = pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium at /usr/bin/chromium"
)

SETTINGS = BrowserSettings(page_timeout=4.0, screenshot_timeout=1.5, settle=0.5, pages=4)
BUDGET = SETTINGS.page_timeout + 3.0  # a visit's budget plus context set-up and close
HTML = {"content-type": "text/html; charset=utf-8"}
VIA_FETCHER = "x-test-fetcher"

PAGES: dict[tuple[str, str], tuple[int, dict[str, str], str]] = {
    ("red.test", "/"): (
        200, HTML, "<title>Der Spiegel</title><body style='margin:0;background:#ff0000'><h1>Der Spiegel</h1>"
    ),
    ("b.test", "/"): (200, HTML, "<title>Landed</title><p>b</p>"),
    ("js.test", "/"): (
        200, HTML, "<title>wait</title><script>setTimeout(()=>location.href='http://b.test/', 100)</script>"
    ),
    ("meta.test", "/"): (200, HTML, "<meta http-equiv='refresh' content='0; url=http://b.test/'>moving"),
    ("chain.test", "/1"): (302, {"location": "/2"}, ""),
    ("chain.test", "/2"): (301, {"location": "http://hop.test/3"}, ""),
    ("hop.test", "/3"): (302, {"location": "http://b.test/"}, ""),
    ("img.test", "/"): (
        200, HTML, "<title>Bild</title><img src='http://private.test/pixel.png'><img src='/ok.png'>"
    ),
    ("img.test", "/ok.png"): (302, {"location": "http://b.test/"}, ""),
    ("spin.test", "/"): (200, HTML, "<title>spin</title><script>while (true) {}</script>"),
    ("alert.test", "/"): (200, HTML, "<title>alert</title><script>for (;;) alert('you won')</script>"),
    ("loop.test", "/"): (200, HTML, "<script>location.href = '/?' + Math.random()</script>"),
    ("popup.test", "/"): (
        200, HTML,
        "<title>popup</title><script>window.open('http://b.test/');"
        "new WebSocket('ws://socket.test/');</script>",
    ),
    ("private-nav.test", "/"): (302, {"location": "http://private.test/"}, ""),
    ("chrome-nav.test", "/"): (302, {"location": "chrome://version/"}, ""),
    ("data-nav.test", "/"): (302, {"location": "data:text/html,<title>attacker</title>planted"}, ""),
    ("file-nav.test", "/"): (302, {"location": "file:///etc/passwd"}, ""),
    ("bad-nav.test", "/"): (302, {"location": "http://[::1/"}, ""),
}  # fmt: skip
PAGES.update({(f"{kind}.test", "/"): (200, HTML, html) for kind, html in BROWSER_ATTACKS.items()})


@dataclass
class Sites:
    """A threaded HTTP server with virtual hosts; `hang.test` never answers until the server stops."""

    port: int
    seen: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def hosts_seen(self) -> set[str]:
        return {host for host, _, _ in self.seen}


@pytest.fixture(scope="module")
def sites() -> Iterator[Sites]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            host = (self.headers.get("Host") or "").split(":")[0]
            state.seen.append((host, self.path, {key.lower(): value for key, value in self.headers.items()}))
            if host == "hang.test":
                state.release.wait(30)
                return
            path = self.path.split("?")[0]
            status, headers, body = PAGES.get((host, path), (404, HTML, "<title>nothing here</title>"))
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            data = body.encode()
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state = Sites(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


@dataclass
class LoopbackFetcher:
    """Fetches any http(s) URL from the local server (by Host header); refuses private.* hosts."""

    port: int

    def __call__(self, url: str, headers: Mapping[str, str]) -> Resource:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if host.startswith("private."):
            raise FetchRefused(f"{host} resolves to 10.0.0.7")
        kept = ("user-agent", "referer", "cookie")
        sent = {key: value for key, value in headers.items() if key.lower() in kept}
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", path, headers={**sent, "Host": host, VIA_FETCHER: "1"})
            response = connection.getresponse()
            return Resource(response.status, tuple(response.getheaders()), response.read(5_000_000))
        finally:
            connection.close()


@pytest.fixture(scope="module")
def browser(sites: Sites) -> Iterator[Browser]:
    with Browser(fetch=LoopbackFetcher(sites.port), settings=SETTINGS) as shared:
        profile = shared.profile_dir
        yield shared
    assert profile is not None and not profile.exists()
    assert wait_until_gone(profile)


def chromium_processes(profile: Path) -> list[int]:
    """Processes whose command line names this profile directory (Chromium and its helpers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if str(profile).encode() in command:
                found.append(int(entry.name))
    return found


def wait_until_gone(profile: Path, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while chromium_processes(profile):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_red_page_is_rendered_and_photographed(browser: Browser, tmp_path: Path) -> None:
    from PIL import Image

    capture = browser.capture("http://red.test/")
    assert capture.error is None
    assert (capture.final_url, capture.status, capture.title) == ("http://red.test/", 200, "Der Spiegel")
    assert capture.html is not None and "<h1>Der Spiegel</h1>" in capture.html
    assert capture.png is not None
    with Image.open(BytesIO(capture.png)) as image:
        assert image.format == "PNG" and image.size == SETTINGS.viewport
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None
    red = sum(count for count, (r, g, b) in colours if r > 200 and g < 60 and b < 60)
    assert red > 0.9 * SETTINGS.viewport[0] * SETTINGS.viewport[1]
    assert capture.phash is not None and len(capture.phash) == 16
    int(capture.phash, 16)
    saved = save_png(capture, tmp_path)
    assert saved is not None and saved.read_bytes() == capture.png
    assert saved.stem == capture.to_dict()["png_sha256"]


def test_javascript_redirect_is_followed_and_named(browser: Browser) -> None:
    capture = browser.capture("http://js.test/")
    assert capture.error is None
    assert capture.final_url == "http://b.test/" and capture.title == "Landed"
    assert [(hop.url, hop.status, hop.mechanism) for hop in capture.navigations] == [
        ("http://js.test/", 200, "initial"),
        ("http://b.test/", 200, "javascript"),
    ]


def test_meta_refresh_is_followed_and_named(browser: Browser) -> None:
    capture = browser.capture("http://meta.test/")
    assert capture.final_url == "http://b.test/"
    assert [hop.mechanism for hop in capture.navigations] == ["initial", "meta-refresh"]


def test_http_redirect_chain_is_recorded_hop_by_hop(browser: Browser, sites: Sites) -> None:
    capture = browser.capture("http://chain.test/1", referrer="https://t.co/x")
    assert capture.error is None
    assert [(hop.url, hop.status, hop.mechanism) for hop in capture.navigations] == [
        ("http://chain.test/1", 302, "initial"),
        ("http://chain.test/2", 301, "http"),
        ("http://hop.test/3", 302, "http"),
        ("http://b.test/", 200, "http"),
    ]
    assert (capture.final_url, capture.status, capture.title) == ("http://b.test/", 200, "Landed")
    first = next(headers for host, path, headers in sites.seen if (host, path) == ("chain.test", "/1"))
    assert first["referer"] == "https://t.co/x"
    assert "HeadlessChrome" not in first["user-agent"] and "Chrome/" in first["user-agent"]


def test_refused_resource_is_recorded_and_the_page_still_captured(browser: Browser, sites: Sites) -> None:
    capture = browser.capture("http://img.test/", user_agent="Mozilla/5.0 test-agent")
    assert capture.error is None and capture.title == "Bild" and capture.png is not None
    assert ("http://private.test/pixel.png", "private.test resolves to 10.0.0.7") in capture.refused
    assert "private.test" not in sites.hosts_seen()
    redirected = [headers for host, path, headers in sites.seen if (host, path) == ("img.test", "/ok.png")]
    assert redirected and redirected[-1]["user-agent"] == "Mozilla/5.0 test-agent"


def test_refused_navigation_ends_the_chain_with_an_error(browser: Browser) -> None:
    capture = browser.capture("http://private-nav.test/")
    assert [(hop.url, hop.status) for hop in capture.navigations] == [
        ("http://private-nav.test/", 302),
        ("http://private.test/", None),
    ]
    assert capture.final_url == "http://private.test/" and capture.status is None
    assert capture.error is not None and "refused" in capture.error
    assert ("http://private.test/", "private.test resolves to 10.0.0.7") in capture.refused


@pytest.mark.parametrize(
    ("host", "target"),
    [
        ("chrome-nav.test", "chrome://version/"),
        ("data-nav.test", "data:text/html,<title>attacker</title>planted"),
        ("file-nav.test", "file:///etc/passwd"),
        ("bad-nav.test", "http://[::1/"),
    ],
)
def test_a_redirect_to_a_non_web_or_malformed_url_is_a_refused_hop(
    browser: Browser, host: str, target: str
) -> None:
    capture = browser.capture(f"http://{host}/")
    hops = [(hop.url, hop.status) for hop in capture.navigations]
    assert hops == [(f"http://{host}/", 302), (target, None)]
    assert capture.title not in ("About Version", "attacker")
    assert "planted" not in (capture.html or "") and "Command Line" not in (capture.html or "")
    assert capture.error is not None and "refused" in capture.error
    assert any(url == target for url, _ in capture.refused)


def test_popups_and_websockets_are_refused(browser: Browser, sites: Sites) -> None:
    capture = browser.capture("http://popup.test/")
    assert capture.title == "popup"
    reasons = dict(capture.refused)
    assert reasons["ws://socket.test/"] == "websocket not allowed"
    assert reasons["http://b.test/"] == "not from the captured page (popup or worker)"
    assert [hop.url for hop in capture.navigations] == ["http://popup.test/"]


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://spin.test/", "did not respond"),
        ("http://alert.test/", "timed out"),
        ("http://loop.test/", "more than 10 navigations"),
        ("http://hang.test/", "timed out"),
    ],
)
def test_hostile_page_costs_only_its_budget(browser: Browser, url: str, error: str) -> None:
    started = time.monotonic()
    capture = browser.capture(url)
    assert time.monotonic() - started < BUDGET
    assert capture.error is not None and error in capture.error
    assert capture.elapsed < BUDGET
    after = browser.capture("http://b.test/")
    assert (after.error, after.title) == (None, "Landed")


def test_every_request_the_server_saw_came_through_the_fetcher(browser: Browser, sites: Sites) -> None:
    browser.capture("http://img.test/")
    assert sites.seen and all(headers.get(VIA_FETCHER) == "1" for _, _, headers in sites.seen)


def test_captures_from_many_threads_run_side_by_side(browser: Browser) -> None:
    urls = ["http://red.test/", "http://b.test/", "http://js.test/", "http://meta.test/"] * 2
    with ThreadPoolExecutor(len(urls)) as pool:
        captures = list(pool.map(browser.capture, urls))
    assert [capture.final_url for capture in captures] == [
        "http://red.test/", "http://b.test/", "http://b.test/", "http://b.test/"
    ] * 2  # fmt: skip
    assert all(capture.error is None for capture in captures)


def test_closed_browser_leaves_no_process_and_refuses_work(sites: Sites) -> None:
    own = Browser(fetch=LoopbackFetcher(sites.port), settings=SETTINGS)
    with own:
        profile = own.profile_dir
        assert profile is not None and chromium_processes(profile)
        assert own.capture("http://b.test/", screenshot=False).png is None
    assert not profile.exists() and wait_until_gone(profile)
    with pytest.raises(BrowserError):
        own.capture("http://b.test/")


def test_a_killed_probe_leaves_no_process_and_its_files_go_at_the_next_start() -> None:
    """SIGKILL of the Python process: Chromium dies with it; its run directory (profiles,
    Chromium's temporary files) is removed by the next browser to start, which itself leaves
    nothing in the temporary directory."""
    script = (
        "import sys, time\n"
        "from clonewatch.probe.browser import Browser\n"
        "from clonewatch.probe.resources import Resource\n"
        "browser = Browser(fetch=lambda url, headers: Resource(200, (), b'<title>ok</title>'))\n"
        "browser.start()\n"
        "assert browser.capture('http://b.test/').title == 'ok'\n"
        "print(browser.profile_dir, flush=True)\n"
        "if sys.argv[1] == 'close':\n"
        "    browser.close()\n"
        "else:\n"
        "    time.sleep(60)\n"
    )
    # Chromium's sockets go under TMPDIR, whose path must stay short (108 bytes in all)
    temporary = Path(tempfile.mkdtemp(prefix="cw-"))
    env = {**os.environ, "TMPDIR": str(temporary)}
    command = [sys.executable, "-c", script]
    with subprocess.Popen([*command, "sleep"], stdout=subprocess.PIPE, text=True, env=env) as child:
        try:
            assert child.stdout is not None
            profile = Path(child.stdout.readline().strip())
            assert profile.parent == temporary and chromium_processes(profile)
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
    assert wait_until_gone(profile)
    assert profile.exists()
    again = subprocess.run([*command, "close"], capture_output=True, text=True, env=env, timeout=120)
    assert again.returncode == 0, again.stderr
    assert list(temporary.iterdir()) == []
    temporary.rmdir()


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="screenshot_timeout"):
        BrowserSettings(page_timeout=2, screenshot_timeout=3)
    with pytest.raises(ValueError, match="pages"):
        BrowserSettings(pages=0)


def test_missing_executable_is_a_browser_error() -> None:
    with pytest.raises(BrowserError, match="cannot start Chromium"):
        settings = BrowserSettings(executable="/nonexistent/chromium")
        Browser(fetch=LoopbackFetcher(9), settings=settings).start()


@pytest.fixture(scope="module")
def shared_network_browser(sites: Sites) -> Iterator[Browser]:
    """A browser told not to run in a network namespace of its own: pages lose WebRTC instead."""
    with Browser(fetch=LoopbackFetcher(sites.port), settings=replace(SETTINGS, isolate=False)) as shared:
        yield shared


def test_chromium_runs_in_a_network_namespace_of_its_own(browser: Browser) -> None:
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare (util-linux) to make a network namespace")
    assert browser.isolated and browser.profile_dir is not None
    ours = os.readlink("/proc/self/ns/net")
    theirs = {os.readlink(f"/proc/{pid}/ns/net") for pid in chromium_processes(browser.profile_dir)}
    assert theirs and ours not in theirs


@pytest.mark.parametrize("shared_network", [False, True])
def test_webrtc_reaches_no_stun_or_turn_server(
    browser: Browser, shared_network_browser: Browser, shared_network: bool
) -> None:
    """A page asking ICE servers on loopback for candidates (an oracle for internal services and
    the probe host's own address) gets nothing out: no datagram reaches a listening canary."""
    canary = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    canary.bind(("127.0.0.1", 0))
    canary.settimeout(0.2)
    port = canary.getsockname()[1]
    script = (
        "<title>rtc</title><script>"
        f"const pc = new RTCPeerConnection({{iceServers: [{{urls: 'stun:127.0.0.1:{port}'}},"
        f" {{urls: 'turn:127.0.0.1:{port}', username: 'u', credential: 'p'}}]}});"
        "pc.createDataChannel('x'); pc.createOffer().then(o => pc.setLocalDescription(o));"
        "</script>"
    )
    PAGES[("webrtc.test", "/")] = (200, HTML, script)
    try:
        capture = (shared_network_browser if shared_network else browser).capture("http://webrtc.test/")
        assert capture.title == "rtc"
        time.sleep(1.0)
        received = []
        with suppress(TimeoutError):
            while True:
                received.append(canary.recvfrom(2048))
        assert received == []
    finally:
        canary.close()
        PAGES.pop(("webrtc.test", "/"), None)


LANES = BrowserSettings(page_timeout=8.0, screenshot_timeout=2.0, settle=0.5, pages=3, max_memory=512 << 20)
# What three visits may add to the process tree (this process, Playwright's drivers, Chromium's
# processes): one renderer at its cap and two ordinary pages. Without the cap a hog adds 2 GB in 8 s.
GROWTH_CAP = LANES.max_memory + (512 << 20)


@pytest.fixture
def lanes(sites: Sites) -> Iterator[Browser]:
    with Browser(fetch=LoopbackFetcher(sites.port), settings=LANES) as own:
        yield own


# A flood (time) and a hog (memory) here; every attack in BROWSER_ATTACKS runs in bench/probe --hostile.
@pytest.mark.parametrize("hostile", ["flood.test", "hog.test"])
def test_a_hostile_page_neither_starves_nor_outgrows_the_pages_beside_it(
    lanes: Browser, hostile: str
) -> None:
    """An event flood or a memory hog in one lane: the ordinary pages probed beside it keep their
    capture, and the memory of the whole process tree stays under the stated cap."""
    urls = [f"http://{hostile}/", "http://red.test/", "http://b.test/"]
    with TreeMemory() as memory, ThreadPoolExecutor(len(urls)) as pool:
        at_rest = memory.sample()
        bad, red, landed = pool.map(lanes.capture, urls)
    assert (red.error, red.title, landed.error, landed.title) == (None, "Der Spiegel", None, "Landed")
    assert red.png is not None and landed.png is not None
    print(f"{hostile}: {at_rest >> 20} MB at rest, {(memory.peak - at_rest) >> 20} MB more at the peak;")
    print(f"{bad.elapsed:.1f} s: {bad.error}")
    assert memory.samples >= 3 and memory.peak - at_rest < GROWTH_CAP
    assert bad.elapsed < LANES.page_timeout + 2 * GRACE + 1
    assert bad.error is not None
    if hostile in ("flood.test", "console.test", "buffers.test"):  # cut before its time budget
        # or, on a loaded machine, the flood took its own lane's Chromium down before the watch fired
        ended = ("flooded the browser", "did not respond", "has been closed")
        assert any(reason in bad.error for reason in ended), bad.error
    if hostile == "hog.test":
        assert "crashed" in bad.error
    after = lanes.capture("http://b.test/")
    assert (after.error, after.title) == (None, "Landed")


def test_a_spoiled_lane_is_replaced_and_serves_again(lanes: Browser) -> None:
    flooded = lanes.capture("http://flood.test/")
    assert flooded.error is not None
    captures = [lanes.capture("http://b.test/") for _ in range(LANES.pages + 1)]
    seen = [(capture.error, capture.title) for capture in captures]
    assert seen == [(None, "Landed")] * (LANES.pages + 1)
