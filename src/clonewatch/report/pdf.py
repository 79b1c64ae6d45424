"""PDF from a dossier's HTML, printed by headless Chromium (Debian's, isolated as the probe runs it).

The document is handed over as content, never loaded from a URL; JavaScript is off and every
request is refused, so the PDF shows only what the HTML carries (its screenshots are ``data:`` URIs).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from clonewatch.errors import FetchRefused
from clonewatch.probe.browser import Browser, BrowserSettings
from clonewatch.probe.resources import Resource


def _refuse(url: str, headers: Mapping[str, str]) -> Resource:
    raise FetchRefused(f"a dossier fetches nothing: {url[:200]}")


@contextmanager
def pdf_printer(settings: BrowserSettings | None = None) -> Iterator[Browser]:
    """A running Chromium to print with (``print_pdf``), closed on the way out; BrowserError
    when it cannot start."""
    with Browser(fetch=_refuse, settings=settings) as browser:
        yield browser
