"""Prove that the network block is active, in the main process and in worker processes.

Run with the rival's interpreter and the same environment as the rival run (PYTHONPATH pointing at
bench/netblock). Prints one JSON object on stdout. Only stdlib plus (optionally) openSquat itself.
A refused attempt is refused by the patch before any system call is made, so nothing leaves the machine.
"""

from __future__ import annotations

import concurrent.futures
import json
import multiprocessing
import os
import socket
import sys
import time
from typing import Any

MARKER = "_bench_netblock"
# TEST-NET-1 (RFC 5737) address and openSquat's version-check host: only ever tried when the block is
# confirmed active, so the attempt is refused in Python before reaching the kernel.
PROBE_ADDR = ("192.0.2.1", 443)
PROBE_HOST = "feeds.opensquat.com"


def check() -> dict[str, Any]:
    patched = all(
        getattr(fn, MARKER, False)
        for fn in (
            socket.socket.connect,
            socket.socket.connect_ex,
            socket.create_connection,
            socket.getaddrinfo,
        )
    )
    report: dict[str, Any] = {
        "pid": os.getpid(),
        "patched": patched,
        "sitecustomize": "sitecustomize" in sys.modules,
    }
    if not patched:
        return report
    try:
        socket.create_connection(PROBE_ADDR, timeout=1)
        report["connect"] = "CONNECTED"
    except OSError as exc:
        report["connect"] = f"refused: {exc.__class__.__name__}"
    try:
        socket.getaddrinfo(PROBE_HOST, 443)
        report["resolve"] = "RESOLVED"
    except OSError as exc:
        report["resolve"] = f"refused: {exc.__class__.__name__}"
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        report["connect_ex"] = sock.connect_ex(PROBE_ADDR)
    finally:
        sock.close()
    return report


def ok(report: dict[str, Any]) -> bool:
    return (
        bool(report.get("patched"))
        and str(report.get("connect", "")).startswith("refused")
        and str(report.get("resolve", "")).startswith("refused")
    )


def main() -> int:
    result: dict[str, Any] = {"default_start_method": multiprocessing.get_start_method(), "main": check()}
    workers: dict[str, Any] = {}
    # ``default`` is what openSquat uses: ProcessPoolExecutor() with no context.
    contexts: list[tuple[str, Any]] = [("default", None)]
    contexts += [(m, multiprocessing.get_context(m)) for m in multiprocessing.get_all_start_methods()]
    for name, ctx in contexts:
        with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
            report = pool.submit(check).result(timeout=60)
        report["is_child"] = report["pid"] != os.getpid()
        workers[name] = report
    result["workers"] = workers
    try:
        from opensquat import check_update  # type: ignore[import-not-found,unused-ignore]

        t0 = time.perf_counter()
        newer = check_update.CheckUpdate().check()
        result["opensquat_version_check"] = {"returned": newer, "seconds": round(time.perf_counter() - t0, 4)}
    except ImportError:
        result["opensquat_version_check"] = None
    result["ok"] = ok(result["main"]) and all(ok(r) and r["is_child"] for r in workers.values())
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
