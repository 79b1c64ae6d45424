"""Prove that the network block is active, in the main process and in worker processes.

Run by ``benchkit.sandbox`` with the rival's interpreter and the same environment as the rival's runs
(PYTHONPATH pointing at bench/netblock). Prints one JSON object on stdout. Standard library only: this
file imports no benchmark and no rival. A refused attempt is refused by the patch before any system call
is made, so nothing leaves the machine.

``--extra KEY=FILE`` (repeatable) runs ``FILE``'s ``check()`` in the main process once the block is
confirmed, and stores what it returns under ``KEY``: a benchmark's own check of its rival (bench/match
times openSquat's version check this way).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import multiprocessing
import os
import runpy
import socket
import sys
from typing import Any

MARKER = "_bench_netblock"
# TEST-NET-1 (RFC 5737) address, and a host name a rival really tries (openSquat's version check): only
# ever tried when the block is confirmed active, so the attempt is refused in Python before the kernel.
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


def extra_checks(specs: list[str]) -> dict[str, Any]:
    """``KEY=FILE`` -> ``{KEY: FILE's check()}``."""
    found: dict[str, Any] = {}
    for spec in specs:
        key, _, path = spec.partition("=")
        found[key] = runpy.run_path(path)["check"]()
    return found


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="netprobe", description=__doc__)
    p.add_argument("--extra", action="append", default=[], metavar="KEY=FILE")
    args = p.parse_args(argv)
    result: dict[str, Any] = {"default_start_method": multiprocessing.get_start_method(), "main": check()}
    workers: dict[str, Any] = {}
    # ``default`` is what a rival gets from ProcessPoolExecutor() with no context (openSquat does that).
    contexts: list[tuple[str, Any]] = [("default", None)]
    contexts += [(m, multiprocessing.get_context(m)) for m in multiprocessing.get_all_start_methods()]
    for name, ctx in contexts:
        with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
            report = pool.submit(check).result(timeout=60)
        report["is_child"] = report["pid"] != os.getpid()
        workers[name] = report
    result["workers"] = workers
    result["ok"] = ok(result["main"]) and all(ok(r) and r["is_child"] for r in workers.values())
    if result["ok"]:
        result.update(extra_checks(args.extra))
    result["ok"] = result.pop("ok")  # last, as before the extra checks existed
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
