"""Headless Chromium for `clonewatch probe`: where a URL really ends up, its rendered page, a screenshot.

    with Browser(fetch=my_fetcher) as browser:
        capture = browser.capture("http://spiegel.ltd/")

`capture()` may be called from any number of threads and runs up to `settings.pages` visits at
once, each in a lane of its own (see `lane.py`): one Chromium with its own Playwright driver and
event loop, one visit at a time, each visit in a fresh browser context (no cookies or storage
shared between sites). A page that floods its lane with events, hangs it or eats its memory
costs only that lane, which is killed and started afresh; the visits beside it go on.

Network isolation: Chromium never connects anywhere. Every request is intercepted and answered
from the caller's `ResourceFetcher` (see `visit.py` for redirects); WebSockets are closed. A visit
may bring its own fetcher (a vantage point's, whose connections go through a proxy): Chromium
itself is never given a proxy, so the address policy still sees every request. As a
second wall, Chromium is started with a dead proxy for everything (`--proxy-server=127.0.0.1:9`,
loopback included) and a resolver that answers nothing (`--host-resolver-rules=MAP * ~NOTFOUND`),
and WebRTC may not send UDP outside the proxy, so anything that escaped interception fails.
Intercepted requests are answered before they reach Chromium's network stack, so the dead proxy
does not affect them. WebRTC sends STUN and TURN datagrams past all of that (no flag stops it), so
Chromium runs in a network namespace of its own, with no interface but a loopback that is down
(`unshare --net`; unprivileged users get a user namespace too): nothing it sends can reach this
host, its network or a metadata service. Playwright talks to it over a pipe, which needs no
network. Where namespaces cannot be made, pages lose the WebRTC constructors instead (an init
script in every frame), and a warning says so.

Lifetime: everything Chromium writes (profiles, temporary files) is in one run directory named
with this process's id, removed at close; a run directory whose process is gone (killed with
SIGKILL) is removed when the next browser starts. Playwright's drivers are children of this
process and kill Chromium when this process exits or is killed.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import queue
import re
import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from clonewatch.errors import BrowserError
from clonewatch.probe.capture import BrowserCapture, perceptual_hash
from clonewatch.probe.lane import Lane
from clonewatch.probe.resources import ResourceFetcher

log = logging.getLogger(__name__)

CHROMIUM = "/usr/bin/chromium"
RUN_PREFIX = "clonewatch-chromium-"
_RUN_NAME = re.compile(r"clonewatch-chromium-(\d+)-")


@dataclass(frozen=True, slots=True)
class BrowserSettings:
    """Limits for every visit. `page_timeout` bounds a whole visit, of which the last
    `screenshot_timeout` seconds are kept for reading the page and taking its screenshot."""

    executable: str = CHROMIUM
    pages: int = 4
    page_timeout: float = 15.0
    screenshot_timeout: float = 5.0
    settle: float = 2.0
    max_navigations: int = 10
    max_redirects: int = 10
    max_requests: int = 500
    max_html: int = 2_000_000
    viewport: tuple[int, int] = (1280, 800)
    fetch_threads: int = 32
    launch_timeout: float = 30.0
    isolate: bool = True  # False: Chromium shares this host's network namespace (pages lose WebRTC)
    max_memory: int = 1 << 30  # per Chromium process (data segment); V8's heap gets half of it
    max_events: int = 2_000  # navigations and console messages of one page before it counts as a flood
    hung_after: float = 5.0  # seconds a page's scripts may keep it from answering before the visit ends

    def __post_init__(self) -> None:
        if self.pages < 1 or self.fetch_threads < 1:
            raise ValueError("pages and fetch_threads must be at least 1")
        if not 0 < self.screenshot_timeout < self.page_timeout:
            raise ValueError("screenshot_timeout must be positive and less than page_timeout")
        if self.settle <= 0:
            raise ValueError("settle must be positive")
        if self.hung_after <= 0:
            raise ValueError("hung_after must be positive")
        if self.max_memory < 256 << 20:
            raise ValueError("max_memory must be at least 256 MiB")


class Browser:
    """Headless Chromium lanes serving `capture()` calls from any thread; a context manager."""

    def __init__(self, *, fetch: ResourceFetcher, settings: BrowserSettings | None = None) -> None:
        self.fetch = fetch
        self.settings = settings or BrowserSettings()
        self._run: Path | None = None
        self._lanes: list[Lane] = []
        self._free: queue.Queue[Lane] = queue.Queue()
        self._executor: ThreadPoolExecutor | None = None
        self._closing = threading.Event()
        self._renewing: list[threading.Thread] = []
        self.isolated = False

    @property
    def profile_dir(self) -> Path | None:
        """The directory of every Chromium profile and temporary file while the browser runs."""
        return self._run

    def __enter__(self) -> Browser:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def start(self) -> None:
        """Launch Chromium's lanes; BrowserError when they cannot be started."""
        if self._run is not None:
            raise BrowserError("browser already started")
        if not os.access(self.settings.executable, os.X_OK):
            raise BrowserError(
                f"cannot start Chromium at {self.settings.executable}: not found "
                "(on Debian: apt-get install chromium)"
            )
        sweep_stale_runs(Path(tempfile.gettempdir()))
        self._closing.clear()
        self._run = Path(tempfile.mkdtemp(prefix=f"{RUN_PREFIX}{os.getpid()}-"))
        self._executor = ThreadPoolExecutor(
            self.settings.fetch_threads, thread_name_prefix="clonewatch-fetch"
        )
        self._lanes = [
            Lane(
                fetch=self.fetch,
                settings=self.settings,
                executor=self._executor,
                home=self._run / f"l{i}",
            )
            for i in range(self.settings.pages)
        ]
        try:
            with ThreadPoolExecutor(len(self._lanes), thread_name_prefix="clonewatch-launch") as launcher:
                for started in [launcher.submit(lane.start) for lane in self._lanes]:
                    started.result()
        except Exception as exc:
            self.close()
            raise BrowserError(f"cannot start Chromium at {self.settings.executable}: {exc}") from exc
        self.isolated = all(lane.isolated for lane in self._lanes)
        if not self.isolated:
            log.warning("Chromium runs without a network namespace of its own: pages lose WebRTC instead")
        for lane in self._lanes:
            self._free.put(lane)

    def _borrow(self) -> Lane:
        while True:
            if self._run is None or self._closing.is_set():
                raise BrowserError("browser is not running (use it as a context manager, or call start())")
            try:
                return self._free.get(timeout=0.5)
            except queue.Empty:
                continue

    def _give_back(self, lane: Lane) -> None:
        """A lane a page spoiled gets a fresh Chromium (in the background, so the visit that spoiled
        it costs its caller no more than its budget) before it serves again."""
        if not lane.spoiled or self._closing.is_set():
            self._free.put(lane)
            return
        renewal = threading.Thread(target=self._renew, args=(lane,), name="clonewatch-renew", daemon=True)
        self._renewing = [thread for thread in self._renewing if thread.is_alive()]
        self._renewing.append(renewal)
        renewal.start()

    def _renew(self, lane: Lane) -> None:
        try:
            lane.restart()
        except Exception as exc:
            log.warning("a browser lane could not be restarted: %s", exc)
        self._free.put(lane)

    def capture(
        self,
        url: str,
        *,
        user_agent: str | None = None,
        referrer: str | None = None,
        screenshot: bool = True,
        fetch: ResourceFetcher | None = None,
    ) -> BrowserCapture:
        """Visit `url` and return what was seen; a hostile page costs its time budget, never more.

        `user_agent` defaults to desktop Chrome's (not "HeadlessChrome"). `fetch` answers this
        visit's requests instead of the browser's own fetcher (a vantage point's: the same lanes,
        a fresh context). Page failures come back in `BrowserCapture.error`; BrowserError only
        when the browser is not running.
        """
        lane = self._borrow()
        try:
            if not lane.running:  # its restart failed: try again once this visit is answered
                lane.spoiled = True
                return BrowserCapture.failed(
                    url, "browser lane is not running (Chromium could not be restarted)"
                )
            capture = lane.capture(url, user_agent, referrer, screenshot, fetch)
        finally:
            self._give_back(lane)
        if capture.png is None:
            return capture
        try:
            return dataclasses.replace(capture, phash=perceptual_hash(capture.png))
        except Exception as exc:  # an undecodable screenshot is evidence of a broken capture, not a crash
            return dataclasses.replace(capture, error=capture.error or f"screenshot unreadable: {exc}")

    def print_pdf(self, html: str, *, timeout: float = 60.0) -> bytes:
        """Print an HTML document to PDF (A4) in a fresh context with JavaScript off, where every
        request the document makes is refused: it shows only what it carries (``data:`` images).

        BrowserError when the browser is not running or printing fails or overruns ``timeout``."""
        lane = self._borrow()
        try:
            return lane.print_pdf(html, timeout)
        except TimeoutError:
            raise BrowserError(f"printing to PDF took longer than {timeout:g} s") from None
        except BrowserError:
            raise
        except Exception as exc:
            reason = str(exc).splitlines()[0] if str(exc) else repr(exc)
            raise BrowserError(f"printing to PDF failed: {reason}") from exc
        finally:
            self._give_back(lane)

    def close(self) -> None:
        """Stop every lane's Chromium, remove the run directory; safe to call twice."""
        self._closing.set()
        for renewal in self._renewing:
            renewal.join()
        self._renewing = []
        lanes, self._lanes = self._lanes, []
        if lanes:
            try:
                with ThreadPoolExecutor(len(lanes), thread_name_prefix="clonewatch-close") as closer:
                    list(closer.map(Lane.close, lanes))
            except RuntimeError:  # at interpreter shutdown (an atexit close) no pool starts: one by one
                for lane in lanes:
                    lane.close()
        self._free = queue.Queue()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        if self._run is not None:
            shutil.rmtree(self._run, ignore_errors=True)
            self._run = None


def sweep_stale_runs(directory: Path) -> list[Path]:
    """Remove the run directories of browsers whose process is gone (it was killed before it
    could clean up); returns what was removed."""
    removed = []
    for path in directory.glob(f"{RUN_PREFIX}*"):
        found = _RUN_NAME.match(path.name)
        if found is None or not path.is_dir() or _alive(int(found.group(1))):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
