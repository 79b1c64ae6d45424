"""Each pytest-xdist worker's own loopback block, for the worlds that need ports 80 and 443 on
their addresses: worker ``gwW`` serves them on 127.W.x.y (127.0.x.y without xdist), so two workers
never want the same address and port at once."""

from __future__ import annotations

import os

WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or "0")
NET = f"127.{WORKER}"


def lane(address: str) -> str:
    """``address``, written 127.0.x.y, in this worker's block."""
    if not address.startswith("127.0."):
        raise ValueError(f"{address}: a lane address is written 127.0.x.y")
    return f"{NET}.{address.removeprefix('127.0.')}"
