"""The dashboard on a loopback port over a filled store, and real Chromium (Debian's) to use it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from clonewatch.probe.browser import CHROMIUM
from clonewatch.probe.lane import HEADLESS_ARGS
from clonewatch.testing.dashboard import PASSWORD, DashboardWorld, LocalDashboard, make_world
from clonewatch.web import WebSettings

CHROMIUM_ARGS = list(HEADLESS_ARGS)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[DashboardWorld]:
    made = make_world(f"sqlite:///{tmp_path / 'store.db'}", tmp_path / "blobs")
    yield made
    made.store.close()


@pytest.fixture
def dashboard(world: DashboardWorld) -> Iterator[LocalDashboard]:
    with LocalDashboard(WebSettings(store=world.store, blobs=world.blobs)) as server:
        yield server


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs Debian's chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


def log_in(page: Any, base: str, name: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/")
    assert page.url.startswith(f"{base}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
Api = Callable[..., tuple[int, Any]]


def api_caller(base: str) -> Api:
    """Call the API at ``base``: (status, decoded JSON body)."""

    def call(
        path: str, token: str | None = None, *, body: Any = None, method: str | None = None
    ) -> tuple[int, Any]:
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = token if " " in token else f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(base + path, data=data, headers=headers, method=method)
        try:
            with NO_PROXY.open(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    return call


@pytest.fixture
def api(dashboard: LocalDashboard) -> Api:
    return api_caller(dashboard.url)
