"""Headless Chromium for `clonewatch probe`: where a URL really ends up, its rendered page, a screenshot.

    with Browser(fetch=my_fetcher) as browser:
        capture = browser.capture("http://spiegel.ltd/")

One Chromium (Debian's, at `settings.executable`) runs with an asyncio loop in a dedicated thread;
`capture()` may be called from any number of threads and runs up to `settings.pages` visits at
once, each in a fresh browser context (no cookies or storage shared between sites).

Network isolation: Chromium never connects anywhere. Every request is intercepted and answered
from the caller's `ResourceFetcher` (see `visit.py` for redirects); WebSockets are closed. As a
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

Lifetime: the profile is a fresh temporary directory, removed at close. Playwright's driver is a
child of this process and kills Chromium when this process exits or is killed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import os
import shlex
import shutil
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from clonewatch.errors import BrowserError
from clonewatch.probe.capture import BrowserCapture, perceptual_hash
from clonewatch.probe.resources import ResourceFetcher
from clonewatch.probe.visit import Visit

if TYPE_CHECKING:
    from playwright.async_api import Browser as PlaywrightBrowser
    from playwright.async_api import BrowserContext, Playwright

log = logging.getLogger(__name__)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
)
_GRACE = 5.0
# Without a network namespace, pages lose the constructors that send STUN/TURN datagrams.
NO_WEBRTC = """
for (const name of ["RTCPeerConnection", "webkitRTCPeerConnection", "RTCDataChannel",
                    "RTCIceCandidate", "RTCSessionDescription", "RTCRtpSender", "RTCRtpReceiver"]) {
  try { Object.defineProperty(window, name, {value: undefined, configurable: false}); } catch (e) {}
}
"""


@functools.cache
def _can_unshare(unshare: str, flags: tuple[str, ...]) -> bool:
    """Whether this process may start a program in a network namespace of its own."""
    try:
        done = subprocess.run([unshare, *flags, "--", "true"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


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

    def __post_init__(self) -> None:
        if self.pages < 1 or self.fetch_threads < 1:
            raise ValueError("pages and fetch_threads must be at least 1")
        if not 0 < self.screenshot_timeout < self.page_timeout:
            raise ValueError("screenshot_timeout must be positive and less than page_timeout")
        if self.settle <= 0:
            raise ValueError("settle must be positive")


class Browser:
    """One headless Chromium serving `capture()` calls from any thread; a context manager."""

    def __init__(self, *, fetch: ResourceFetcher, settings: BrowserSettings | None = None) -> None:
        self.fetch = fetch
        self.settings = settings or BrowserSettings()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._profile: Path | None = None
        self._playwright: Playwright | None = None
        self._browser: PlaywrightBrowser | None = None
        self._persistent: BrowserContext | None = None
        self._slots: asyncio.Semaphore | None = None
        self._user_agent = ""
        self._launch_script: Path | None = None
        self.isolated = False

    def _launcher(self) -> str:
        """Chromium's executable, wrapped to start in a network namespace of its own when one
        can be made here (``isolated`` says whether it was)."""
        assert self._profile is not None
        unshare = shutil.which("unshare")
        flags = ["--net"] if os.geteuid() == 0 else ["--user", "--map-root-user", "--net"]
        if not self.settings.isolate or unshare is None or not _can_unshare(unshare, tuple(flags)):
            self.isolated = False
            return self.settings.executable
        script = self._profile.parent / f"{self._profile.name}-launch"
        command = " ".join(shlex.quote(part) for part in (unshare, *flags, "--", self.settings.executable))
        script.write_text(f'#!/bin/sh\nexec {command} "$@"\n', encoding="utf-8")
        script.chmod(0o700)
        self._launch_script = script
        self.isolated = True
        return str(script)

    @property
    def profile_dir(self) -> Path | None:
        """Chromium's temporary profile (its `--user-data-dir`) while the browser runs."""
        return self._profile

    def __enter__(self) -> Browser:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def start(self) -> None:
        """Launch Chromium; BrowserError when it cannot be started."""
        if self._loop is not None:
            raise BrowserError("browser already started")
        if not os.access(self.settings.executable, os.X_OK):
            raise BrowserError(
                f"cannot start Chromium at {self.settings.executable}: not found "
                "(on Debian: apt-get install chromium)"
            )
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="clonewatch-browser", daemon=True)
        self._thread.start()
        self._executor = ThreadPoolExecutor(
            self.settings.fetch_threads, thread_name_prefix="clonewatch-fetch"
        )
        self._profile = Path(tempfile.mkdtemp(prefix="clonewatch-chromium-"))
        try:
            launch = asyncio.run_coroutine_threadsafe(self._launch(), self._loop)
            launch.result(timeout=self.settings.launch_timeout)
        except Exception as exc:
            self.close()
            raise BrowserError(f"cannot start Chromium at {self.settings.executable}: {exc}") from exc

    async def _launch(self) -> None:
        from playwright.async_api import async_playwright  # Playwright loads only when a browser starts

        assert self._profile is not None
        self._playwright = await async_playwright().start()
        self._persistent = await self._playwright.chromium.launch_persistent_context(
            self._profile,
            executable_path=self._launcher(),
            headless=True,
            args=list(CHROMIUM_ARGS),
            accept_downloads=False,
            service_workers="block",
        )
        await self._persistent.route("**/*", lambda route: route.abort("blockedbyclient"))
        if not self.isolated:
            log.warning("Chromium runs without a network namespace of its own: pages lose WebRTC instead")
        self._browser = self._persistent.browser
        if self._browser is None:
            raise BrowserError("Playwright gave no browser for the persistent context")
        major = self._browser.version.split(".")[0]
        self._user_agent = (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{major}.0.0.0 Safari/537.36"
        )
        self._slots = asyncio.Semaphore(self.settings.pages)

    def capture(
        self, url: str, *, user_agent: str | None = None, referrer: str | None = None, screenshot: bool = True
    ) -> BrowserCapture:
        """Visit `url` and return what was seen; a hostile page costs its time budget, never more.

        `user_agent` defaults to desktop Chrome's (not "HeadlessChrome"). Page failures come back
        in `BrowserCapture.error`; BrowserError only when the browser is not running.
        """
        loop = self._loop
        if loop is None or self._browser is None or not loop.is_running():
            raise BrowserError("browser is not running (use it as a context manager, or call start())")
        future = asyncio.run_coroutine_threadsafe(self._visit(url, user_agent, referrer, screenshot), loop)
        capture = future.result()
        if capture.png is None:
            return capture
        try:
            return dataclasses.replace(capture, phash=perceptual_hash(capture.png))
        except Exception as exc:  # an undecodable screenshot is evidence of a broken capture, not a crash
            return dataclasses.replace(capture, error=capture.error or f"screenshot unreadable: {exc}")

    async def _visit(
        self, url: str, user_agent: str | None, referrer: str | None, screenshot: bool
    ) -> BrowserCapture:
        assert self._slots is not None and self._browser is not None and self._executor is not None
        async with self._slots:
            started = time.monotonic()
            visit = Visit(self.fetch, self.settings, self._executor, url)
            context: BrowserContext | None = None
            try:
                async with asyncio.timeout(self.settings.page_timeout + _GRACE):
                    width, height = self.settings.viewport
                    context = await self._browser.new_context(
                        viewport={"width": width, "height": height},
                        user_agent=user_agent or self._user_agent,
                        accept_downloads=False,
                        service_workers="block",
                    )
                    if not self.isolated:
                        await context.add_init_script(NO_WEBRTC)
                    await context.route("**/*", visit.on_route)
                    await context.route_web_socket("**/*", visit.on_websocket)
                    page = await context.new_page()
                    context.on("page", visit.close_popup)
                    page.on("dialog", visit.on_dialog)
                    page.on("framenavigated", visit.on_navigated)
                    await visit.run(page, referrer=referrer, screenshot=screenshot)
            except TimeoutError:
                visit.errors.append("visit overran its time budget")
            except Exception as exc:
                visit.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
            finally:
                if context is not None:
                    with suppress(Exception):
                        await asyncio.wait_for(context.close(), _GRACE)
            return visit.result(time.monotonic() - started)

    def close(self) -> None:
        """Stop Chromium and the loop, remove the profile; safe to call twice."""
        loop, self._loop = self._loop, None
        if loop is not None:
            if loop.is_running():
                with suppress(Exception):
                    asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=15)
                loop.call_soon_threadsafe(loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=10)
            if not loop.is_running():
                loop.close()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None
        if self._launch_script is not None:
            self._launch_script.unlink(missing_ok=True)
            self._launch_script = None

    async def _shutdown(self) -> None:
        if self._persistent is not None:
            with suppress(Exception):
                await self._persistent.close()
        if self._playwright is not None:
            with suppress(Exception):
                await self._playwright.stop()
        self._browser = self._persistent = self._playwright = None
