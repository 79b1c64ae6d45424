"""One Chromium with its own Playwright driver and event loop: a lane of the probe's browser.

A lane visits one page at a time, so what a page does to its Chromium (a flood of history or
console events that keeps the driver busy, a renderer that eats memory, a hung close) stays in
its lane: the other lanes' drivers, loops and processes never see it. A lane that a page spoiled
(its visit overran, or its context would not close) is killed and started afresh.

Every Chromium process starts with a cap on its data segment (``ulimit -d``, inherited by each
renderer) and V8's old generation capped at half of it: a page that allocates past the cap
crashes its own renderer and its visit ends with an error. Chromium's temporary files go to the
lane's own directory, removed with it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import shlex
import shutil
import signal
import subprocess
import threading
import time
from concurrent.futures import Executor
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from clonewatch.errors import BrowserError
from clonewatch.probe.capture import BrowserCapture
from clonewatch.probe.resources import ResourceFetcher
from clonewatch.probe.visit import Visit

if TYPE_CHECKING:
    from playwright.async_api import Browser as PlaywrightBrowser
    from playwright.async_api import BrowserContext, Page, Playwright

    from clonewatch.probe.browser import BrowserSettings

log = logging.getLogger(__name__)

# Headless, quiet Chromium (design.md); the probe adds the walls below, a browser for our own pages does not.
HEADLESS_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
CHROMIUM_ARGS = (
    *HEADLESS_ARGS,
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
)
GRACE = 5.0
HEARTBEAT = 1.0  # seconds between checks that a page still answers
CUT_CLOSE = 1.0  # seconds to close the context of a visit cut short before its Chromium is killed
# Without a network namespace, pages lose the constructors that send STUN/TURN datagrams.
NO_WEBRTC = """
for (const name of ["RTCPeerConnection", "webkitRTCPeerConnection", "RTCDataChannel",
                    "RTCIceCandidate", "RTCSessionDescription", "RTCRtpSender", "RTCRtpReceiver"]) {
  try { Object.defineProperty(window, name, {value: undefined, configurable: false}); } catch (e) {}
}
"""


def _retrieved(task: asyncio.Future[None]) -> None:
    """A visit cut short ends with whatever its page's closing raised; nobody wants it."""
    if not task.cancelled():
        task.exception()


async def _hangs(page: Page, seconds: float) -> None:
    """Returns once the page has not answered a trivial script for ``seconds``: its main thread is
    stuck (a script that never yields). Navigation errors are answers: the page is moving."""
    while True:
        try:
            await asyncio.wait_for(page.evaluate("0"), seconds)
        except TimeoutError:
            return
        except Exception:
            if page.is_closed():
                await asyncio.Event().wait()  # a closed page cannot hang; the visit ends on its own
        await asyncio.sleep(HEARTBEAT)


@functools.cache
def can_unshare(unshare: str, flags: tuple[str, ...]) -> bool:
    """Whether this process may start a program in a network namespace of its own."""
    try:
        done = subprocess.run([unshare, *flags, "--", "true"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


class Lane:
    """One Chromium serving one visit at a time; ``capture`` blocks the calling thread."""

    def __init__(
        self, *, fetch: ResourceFetcher, settings: BrowserSettings, executor: Executor, home: Path
    ) -> None:
        self.fetch = fetch
        self.settings = settings
        self.executor = executor
        self.home = home
        self.isolated = False
        self.spoiled = False
        self.user_agent = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._playwright: Playwright | None = None
        self._browser: PlaywrightBrowser | None = None
        self._persistent: BrowserContext | None = None

    @property
    def running(self) -> bool:
        browser = self._browser
        return (
            self._loop is not None
            and self._loop.is_running()
            and browser is not None
            and browser.is_connected()
        )

    def start(self) -> None:
        """Launch this lane's Chromium; any exception means it did not start (call close)."""
        for part in ("profile", "t"):
            (self.home / part).mkdir(parents=True, exist_ok=True)
        self.spoiled = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="clonewatch-browser", daemon=True)
        self._thread.start()
        launch = asyncio.run_coroutine_threadsafe(self._launch(), self._loop)
        launch.result(timeout=self.settings.launch_timeout)

    def _launcher(self) -> str:
        """A script that records Chromium's process id, caps its memory, and starts it in a
        network namespace of its own when one can be made here (``isolated`` says whether)."""
        unshare = shutil.which("unshare")
        flags = ["--net"] if os.geteuid() == 0 else ["--user", "--map-root-user", "--net"]
        self.isolated = bool(self.settings.isolate and unshare and can_unshare(unshare, tuple(flags)))
        command = [*([unshare, *flags, "--"] if self.isolated and unshare else []), self.settings.executable]
        script = self.home / "launch"
        script.write_text(
            "#!/bin/sh\n"
            f"echo $$ > {shlex.quote(str(self.home / 'pid'))}\n"
            f"ulimit -d {self.settings.max_memory // 1024} 2>/dev/null\n"
            f'exec {" ".join(shlex.quote(part) for part in command)} "$@"\n',
            encoding="utf-8",
        )
        script.chmod(0o700)
        return str(script)

    async def _launch(self) -> None:
        from playwright.async_api import async_playwright  # Playwright loads only when a browser starts

        heap = max(self.settings.max_memory // 2 >> 20, 64)
        self._playwright = await async_playwright().start()
        self._persistent = await self._playwright.chromium.launch_persistent_context(
            self.home / "profile",
            executable_path=self._launcher(),
            headless=True,
            args=[*CHROMIUM_ARGS, f"--js-flags=--max-old-space-size={heap}"],
            accept_downloads=False,
            service_workers="block",
            env={**os.environ, "TMPDIR": str(self.home / "t")},  # short: Chromium puts sockets there
        )
        await self._persistent.route("**/*", lambda route: route.abort("blockedbyclient"))
        self._browser = self._persistent.browser
        if self._browser is None:
            raise BrowserError("Playwright gave no browser for the persistent context")
        major = self._browser.version.split(".")[0]
        self.user_agent = (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{major}.0.0.0 Safari/537.36"
        )

    def capture(
        self,
        url: str,
        user_agent: str | None,
        referrer: str | None,
        screenshot: bool,
        fetch: ResourceFetcher | None = None,
    ) -> BrowserCapture:
        """One visit; its requests go to ``fetch`` when given (a vantage's), else the lane's fetcher."""
        if self._loop is None or not self.running:
            raise BrowserError("browser lane is not running")
        started = time.monotonic()
        future = asyncio.run_coroutine_threadsafe(
            self._visit(url, user_agent, referrer, screenshot, fetch or self.fetch), self._loop
        )
        try:
            return future.result(timeout=self.settings.page_timeout + GRACE)
        except TimeoutError:
            # The loop is too busy (a page flooding it with events) to end the visit on time:
            # killing Chromium ends the flood, and the visit returns what it had.
            self.spoiled = True
            self.kill()
        try:
            return future.result(timeout=GRACE)
        except TimeoutError:
            future.cancel()
            return BrowserCapture.failed(url, "visit overran its time budget", time.monotonic() - started)

    async def _visit(
        self, url: str, user_agent: str | None, referrer: str | None, screenshot: bool, fetch: ResourceFetcher
    ) -> BrowserCapture:
        assert self._browser is not None
        started = time.monotonic()
        visit = Visit(fetch, self.settings, self.executor, url)
        context: BrowserContext | None = None
        cut = False
        try:
            async with asyncio.timeout(self.settings.page_timeout + GRACE):
                width, height = self.settings.viewport
                context = await self._browser.new_context(
                    viewport={"width": width, "height": height},
                    user_agent=user_agent or self.user_agent,
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
                page.on("crash", visit.on_crash)
                page.on("console", visit.on_console)
                cut = await self._watched(visit, page, referrer, screenshot)
        except TimeoutError:
            visit.errors.append("visit overran its time budget")
            self.spoiled = True
        except Exception as exc:
            visit.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        finally:
            if context is not None and not self.spoiled:
                try:  # a page cut short may keep its Chromium too busy to close it: then it is killed
                    await asyncio.wait_for(context.close(), CUT_CLOSE if cut else GRACE)
                except Exception:
                    self.spoiled = True
            if not self._browser.is_connected():  # Chromium itself died (its own memory cap, a crash)
                self.spoiled = True
        return visit.result(time.monotonic() - started)

    async def _watched(self, visit: Visit, page: Page, referrer: str | None, screenshot: bool) -> bool:
        """The visit, cut short when its page floods the browser with events (the lane's driver is
        then backlogged, so the lane is spoiled and gets a fresh Chromium), or when its scripts
        keep the page from answering for ``hung_after`` seconds (it will show nothing more, and
        spins a processor core meanwhile; closing its context ends the renderer). True when cut."""
        run = asyncio.ensure_future(visit.run(page, referrer=referrer, screenshot=screenshot))
        flood = asyncio.ensure_future(visit.flooded.wait())
        hung = asyncio.ensure_future(_hangs(page, self.settings.hung_after))
        try:
            await asyncio.wait({run, flood, hung}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for watcher in (flood, hung):
                watcher.cancel()
            if not run.done():  # not waited for: closing the context (next) ends the renderer at once
                run.cancel()
                run.add_done_callback(_retrieved)
        if run.done() and not run.cancelled():
            run.result()
            return False
        if flood.done() and not flood.cancelled():
            visit.errors.append(f"page flooded the browser (more than {self.settings.max_events:,} events)")
            self.spoiled = True
        else:
            visit.errors.append(f"page did not respond for {self.settings.hung_after:g} s (hung script?)")
        return True

    def print_pdf(self, html: str, timeout: float) -> bytes:
        """``html`` printed to an A4 PDF in a fresh context with JavaScript off and every request refused."""
        if self._loop is None or not self.running:
            raise BrowserError("browser lane is not running")
        future = asyncio.run_coroutine_threadsafe(self._print(html), self._loop)
        try:
            return future.result(timeout=timeout)
        except TimeoutError:
            future.cancel()
            self.spoiled = True
            raise

    async def _print(self, html: str) -> bytes:
        assert self._browser is not None
        context = await self._browser.new_context(java_script_enabled=False, accept_downloads=False)
        try:
            if not self.isolated:
                await context.add_init_script(NO_WEBRTC)
            await context.route("**/*", lambda route: route.abort("blockedbyclient"))
            page = await context.new_page()
            await page.set_content(html, wait_until="load")
            return await page.pdf(format="A4", print_background=True)
        finally:
            with suppress(Exception):
                await asyncio.wait_for(context.close(), GRACE)

    def kill(self) -> None:
        """SIGKILL this lane's Chromium and every process of its group (renderers, zygote), if it
        is still this lane's (its command line names the lane's directory)."""
        with suppress(OSError, ValueError):
            pid = int((self.home / "pid").read_text(encoding="ascii").strip())
            if str(self.home).encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.killpg(pid, signal.SIGKILL)

    def close(self) -> None:
        """Stop Chromium (killed outright when spoiled), the driver and the loop; remove the lane's
        directory. Safe to call twice."""
        loop, self._loop = self._loop, None
        if self.spoiled:
            self.kill()
        if loop is not None:
            if loop.is_running():
                with suppress(Exception):
                    asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=15)
                loop.call_soon_threadsafe(loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=10)
            if not loop.is_running():
                loop.close()
        self.kill()
        shutil.rmtree(self.home, ignore_errors=True)

    async def _shutdown(self) -> None:
        if self._persistent is not None:
            with suppress(Exception):
                await asyncio.wait_for(self._persistent.close(), GRACE)
        if self._playwright is not None:
            with suppress(Exception):
                await asyncio.wait_for(self._playwright.stop(), GRACE)
        self._browser = self._persistent = self._playwright = None

    def restart(self) -> None:
        """Kill a spoiled Chromium and start a fresh one in the same place."""
        self.close()
        self.start()
