"""One visit in a fresh browser context: every request answered by the fetcher, every hop recorded.

Redirects: Playwright does not route the requests Chromium makes when it follows a 3xx itself, so
Chromium is never shown a 3xx. A main-frame 3xx is answered with an empty 204 (the page stays
where it was), recorded as a hop, and the visit navigates to the target itself, which comes back
through the route and the fetcher like any request. Subresource redirects are followed here, each
hop fetched (and so checked) by the fetcher.

Mechanism of a main-frame navigation: the first is "initial"; one we started for a 3xx is "http";
any other was started by the page: "meta-refresh" when it goes where the previous document's
meta-refresh tag (or Refresh header) pointed, otherwise "javascript". A script that inserts a
refresh tag, or navigates to the same place a refresh tag names, is labelled by that rule.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Executor
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urldefrag, urlsplit

from clonewatch.errors import FetchRefused
from clonewatch.net import join_location
from clonewatch.probe.capture import BrowserCapture, Mechanism, Navigation
from clonewatch.probe.resources import Resource, ResourceFetcher

if TYPE_CHECKING:
    from playwright.async_api import Dialog, Frame, Page, Request, Route, WebSocketRoute

    from clonewatch.probe.browser import BrowserSettings

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_REFUSED = 200
_UNRESPONSIVE = "page did not respond in time (hung script?)"


class _Expired(Exception):
    """The visit's time for this step ran out."""


@dataclass
class Visit:
    """State of one capture; its handlers run on the browser's event loop.

    Not slotted: Playwright keeps bookkeeping attributes on the objects whose methods it calls.
    """

    fetch: ResourceFetcher
    settings: BrowserSettings
    executor: Executor
    start_url: str
    page: Page | None = None
    navigations: list[Navigation] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    title: str | None = None
    html: str | None = None
    png: bytes | None = None
    requests: int = 0
    main_requests: int = 0
    pending: int = 0
    redirect_to: str | None = None
    redirect_referrer: str | None = None
    expected: str | None = None
    refresh_to: str | None = None
    activity: asyncio.Event = field(default_factory=asyncio.Event)
    events: int = 0
    flooded: asyncio.Event = field(default_factory=asyncio.Event)

    def result(self, elapsed: float) -> BrowserCapture:
        """The capture as far as it got (phash is added outside the event loop)."""
        last = self.navigations[-1] if self.navigations else None
        return BrowserCapture(
            start_url=self.start_url,
            final_url=last.url if last else self.start_url,
            navigations=tuple(self.navigations),
            status=last.status if last else None,
            title=self.title,
            html=self.html,
            png=self.png,
            phash=None,
            refused=tuple(self.refused),
            error="; ".join(dict.fromkeys(self.errors)) or None,
            elapsed=elapsed,
        )

    async def run(self, page: Page, *, referrer: str | None, screenshot: bool) -> None:
        """Navigate, let the page's own redirects play out, then read the page; each step bounded."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        navigation_deadline = start + self.settings.page_timeout - self.settings.screenshot_timeout
        self.page = page
        await self._goto(self.start_url, referrer, navigation_deadline)
        await self._settle(navigation_deadline)
        deadline = start + self.settings.page_timeout
        try:
            self.title = await self._within(page.title(), deadline)
            self.html = (await self._within(page.content(), deadline))[: self.settings.max_html]
            if screenshot:
                timeout = max(deadline - loop.time(), 0.001) * 1000
                self.png = await page.screenshot(type="png", full_page=False, timeout=timeout)
        except (_Expired, TimeoutError):
            self.errors.append(_UNRESPONSIVE)
        except Exception as exc:  # a crashed or closed page: keep what was gathered
            self.errors.append(_UNRESPONSIVE if _is_timeout(exc) else _short(exc))

    async def _goto(self, url: str, referrer: str | None, deadline: float) -> None:
        assert self.page is not None
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            self.errors.append("timed out")
            return
        try:
            await self.page.goto(url, referer=referrer, wait_until="load", timeout=remaining * 1000)
        except Exception as exc:
            # A redirect or refusal makes goto fail too; those are recorded where they happen.
            if self.redirect_to is None and "ERR_BLOCKED_BY_CLIENT" not in str(exc):
                self.errors.append("timed out loading the page" if _is_timeout(exc) else _short(exc))

    async def _settle(self, deadline: float) -> None:
        """Wait until no navigation has started for `settings.settle` seconds (or time runs out)."""
        assert self.page is not None
        loop = asyncio.get_running_loop()
        while True:
            if self.redirect_to is not None:
                self.expected, self.redirect_to = self.redirect_to, None
                await self._goto(self.expected, self.redirect_referrer, deadline)
                continue
            remaining = deadline - loop.time()
            if remaining <= 0:
                if self.pending:
                    self.errors.append("timed out waiting for a navigation")
                return
            self.activity.clear()
            try:
                await asyncio.wait_for(self.activity.wait(), min(self.settings.settle, remaining))
            except TimeoutError:
                if not self.pending:
                    return
                continue
            with suppress(Exception):
                await self.page.wait_for_load_state("load", timeout=max(remaining, 0.001) * 1000)

    async def _within(self, awaitable: Awaitable[T], deadline: float) -> T:
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            if asyncio.iscoroutine(awaitable):
                awaitable.close()
            raise _Expired
        return await asyncio.wait_for(awaitable, remaining)

    def on_navigated(self, frame: Frame) -> None:
        """A main-frame document committed (or changed its URL): the page is still moving."""
        self._count()
        if frame.parent_frame is None:
            self.activity.set()

    def on_console(self, message: object) -> None:
        self._count()

    def _count(self) -> None:
        """Pages send a few dozen navigations and console messages; one that sends thousands is
        flooding the browser (and the driver that reports every one of them)."""
        self.events += 1
        if self.events > self.settings.max_events:
            self.flooded.set()

    def on_crash(self, page: Page) -> None:
        """The renderer died: out of memory (past the lane's cap), or killed."""
        self.errors.append("page crashed (out of memory?)")

    async def on_dialog(self, dialog: Dialog) -> None:
        """alert/confirm/prompt/beforeunload: dismissed at once."""
        with suppress(Exception):
            await dialog.dismiss()

    async def on_websocket(self, websocket: WebSocketRoute) -> None:
        """WebSockets are never connected: closed and recorded."""
        self._refuse(websocket.url, "websocket not allowed")
        with suppress(Exception):
            await websocket.close()

    async def on_route(self, route: Route) -> None:
        """Answer one request from the fetcher, or abort it and record why."""
        try:
            reason = self._unfetchable(route.request)
            if reason is not None:
                self._refuse(route.request.url, reason)
                await route.abort("blockedbyclient")
            elif self._is_main(route.request):
                await self._navigate(route)
            else:
                await self._subresource(route)
        except Exception as exc:  # the context closed under us, or Chromium rejected the answer
            log.debug("route for %s failed: %s", route.request.url, exc)
            with suppress(Exception):
                await route.abort("failed")

    def _unfetchable(self, request: Request) -> str | None:
        scheme = urlsplit(request.url).scheme
        if scheme not in ("http", "https"):
            return f"scheme {scheme} not fetched"
        if request.method != "GET":
            return f"method {request.method} not sent"
        try:
            page: Page | None = request.frame.page
        except Exception:  # no frame: a worker, or a popup not yet attached
            page = None
        if page is None or page is not self.page:
            return "not from the captured page (popup or worker)"
        self.requests += 1
        if self.requests > self.settings.max_requests:
            return f"more than {self.settings.max_requests} requests"
        return None

    def _is_main(self, request: Request) -> bool:
        return request.is_navigation_request() and request.frame.parent_frame is None

    async def _navigate(self, route: Route) -> None:
        url = route.request.url
        self.main_requests += 1
        if self.main_requests > self.settings.max_navigations:
            self.errors.append(f"more than {self.settings.max_navigations} navigations")
            self._refuse(url, "navigation cap")
            await route.abort("blockedbyclient")
            return
        mechanism = self._mechanism(url)
        headers = await route.request.all_headers()
        self.pending += 1
        self.activity.set()
        try:
            resource = await self._fetch(url, headers)
        finally:
            self.pending -= 1
            self.activity.set()
        self.navigations.append(Navigation(url, resource.status if resource else None, mechanism))
        if resource is None:
            self.errors.append(f"navigation to {url[:100]} refused")
            await route.abort("blockedbyclient")
            return
        try:
            target = resource.redirect_target(url)
        except ValueError:  # a Location no URL parser accepts: refused below
            target = (resource.header("location") or "").strip()
        if target is not None and join_location(url, target) is None:
            # only http(s) hops are followed: chrome:, data:, file: and malformed targets are refused
            self.navigations.append(Navigation(target[:500], None, "http"))
            self._refuse(target[:500], "redirect to a non-web or malformed URL not followed")
            self.errors.append(f"navigation to {target[:100]} refused")
            await route.fulfill(status=204)
            return
        if target is not None:
            self.redirect_to, self.redirect_referrer = target, headers.get("referer")
            await route.fulfill(status=204)
            return
        self.refresh_to = resource.refresh_target(url)
        await route.fulfill(status=resource.status, headers=resource.fulfil_headers(), body=resource.body)

    def _mechanism(self, url: str) -> Mechanism:
        if not self.navigations:
            return "initial"
        if self.expected == url:
            self.expected = None
            return "http"
        if self.refresh_to is not None and self.refresh_to == urldefrag(url)[0]:
            return "meta-refresh"
        return "javascript"

    async def _subresource(self, route: Route) -> None:
        url = route.request.url
        headers = await route.request.all_headers()
        for _ in range(self.settings.max_redirects + 1):
            resource = await self._fetch(url, headers)
            if resource is None:
                await route.abort("blockedbyclient")
                return
            target = resource.redirect_target(url)
            if target is None:
                await route.fulfill(
                    status=resource.status, headers=resource.fulfil_headers(), body=resource.body
                )
                return
            url = target
            if urlsplit(url).scheme not in ("http", "https"):
                break
        self._refuse(url, "too many redirects")
        await route.abort("blockedbyclient")

    async def _fetch(self, url: str, headers: Mapping[str, str]) -> Resource | None:
        """The fetcher's answer, run in a worker thread; None (and a record) when refused or failed."""
        call: Callable[[], Resource] = lambda: self.fetch(url, dict(headers))  # noqa: E731
        try:
            return await asyncio.get_running_loop().run_in_executor(self.executor, call)
        except FetchRefused as exc:
            self._refuse(url, str(exc) or "refused")
        except Exception as exc:
            self._refuse(url, _short(exc))
        return None

    def _refuse(self, url: str, reason: str) -> None:
        if len(self.refused) < MAX_REFUSED:
            self.refused.append((url, reason))

    def close_popup(self, page: Page) -> None:
        """Any page but ours (window.open, target=_blank) is closed as soon as it appears."""
        if page is not self.page:
            asyncio.get_running_loop().create_task(_close(page))


async def _close(page: Page) -> None:
    with suppress(Exception):
        await page.close()


def _is_timeout(exc: BaseException) -> bool:
    return type(exc).__name__ == "TimeoutError"


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:200]
