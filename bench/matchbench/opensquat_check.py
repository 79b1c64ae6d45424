"""Run inside openSquat's sandbox by ``benchkit/netprobe.py --extra``: time openSquat's own version check,
which every openSquat run ends with and no flag turns off. With the block active it fails in milliseconds.
Only the standard library and openSquat are imported here."""

from __future__ import annotations

import time
from typing import Any


def check() -> dict[str, Any] | None:
    try:
        from opensquat import check_update  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    t0 = time.perf_counter()
    newer = check_update.CheckUpdate().check()
    return {"returned": newer, "seconds": round(time.perf_counter() - t0, 4)}
