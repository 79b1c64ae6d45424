"""Pages that attack the browser rather than the HTTP client, for tests and bench/probe: each one
tries to starve the pages probed beside it or to take the machine's memory."""

from __future__ import annotations

BROWSER_ATTACKS = {
    # a million same-document navigations: an event for every one, in Chromium and in Playwright
    "flood": (
        "<title>flood</title><script>"
        "for (let i = 0; i < 1e6; i++) history.pushState({}, '', '/p' + i)</script>"
    ),
    # a million console messages
    "console": "<title>console</title><script>for (let i = 0; i < 1e6; i++) console.log('x' + i)</script>",
    # JavaScript objects until the heap gives out
    "hog": (
        "<title>hog</title><script>const a = []; for (;;) a.push(new Array(1e6).fill(Math.random()))</script>"
    ),
    # 50 MB buffers outside the JavaScript heap, allocation failures ignored
    "buffers": (
        "<title>buffers</title><script>const a = [];"
        "for (let i = 0; i < 1e4; i++) { try { a.push(new Uint8Array(5e7).fill(1)) } catch (e) {} }</script>"
    ),
}
