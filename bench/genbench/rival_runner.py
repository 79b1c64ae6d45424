"""Drive dnstwist through its Python API. Runs with the rival venv's interpreter, never clonewatch's.

Only the standard library, dnstwist and dnspython are imported here; dnstwist is used, not copied:

* ``generate``: per domain, ``dnstwist.Fuzzer(domain, dictionary=..., tld_dictionary=...)``, ``.generate()``
  and its permutations in dnstwist's own output order (``fuzzer.permutations()``, else
  ``sorted(fuzzer.domains)``), timed per domain. One JSON line per domain.
* ``scan``: the way dnstwist's CLI scans: a ``queue.Queue`` of ``Permutation`` dicts, N ``dnstwist.Scanner``
  threads with ``option_extdns = True`` and ``nameservers`` set, started and joined. dnspython's
  ``dns.query.udp``/``tcp`` are wrapped to count the queries dnstwist sends (retries included).
"""

from __future__ import annotations

import argparse
import importlib.util
import ipaddress
import json
import queue
import sys
import threading
import time
from pathlib import Path
from typing import Any

import dns.nameserver
import dns.query
import dns.version
import dnstwist  # type: ignore[import-not-found]


def read_lines(path: Path | None) -> list[str]:
    """Non-empty stripped lines of ``path``; nothing when no path is given."""
    if path is None:
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def about() -> dict[str, Any]:
    """Versions and the dnstwist features this run relies on."""
    return {
        "dnstwist": dnstwist.__version__,
        "dnspython": dns.version.version,
        "python": sys.version.split()[0],
        "has_permutations": hasattr(dnstwist.Fuzzer, "permutations"),
        "thread_count_default": dnstwist.THREAD_COUNT_DEFAULT,
        "request_timeout_dns": dnstwist.REQUEST_TIMEOUT_DNS,
        "request_retries_dns": dnstwist.REQUEST_RETRIES_DNS,
        "tld_module": importlib.util.find_spec("tld") is not None,
    }


def permutations(fuzzer: Any) -> list[Any]:
    """The permutations in dnstwist's own output order."""
    if hasattr(fuzzer, "permutations"):
        return list(fuzzer.permutations())
    return sorted(fuzzer.domains)


def cmd_generate(args: argparse.Namespace) -> int:
    domains = read_lines(args.domains)
    tlds = read_lines(args.tlds)
    dictionary = read_lines(args.dictionary)
    with args.out.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"about": about(), "tlds": len(tlds), "dictionary": len(dictionary)}) + "\n")
        for domain in domains:
            start = time.perf_counter()
            fuzzer = dnstwist.Fuzzer(domain, dictionary=dictionary, tld_dictionary=tlds)
            fuzzer.generate()
            perms = permutations(fuzzer)
            seconds = time.perf_counter() - start
            record = {
                "brand": domain,
                "seconds": seconds,
                "parsed": [fuzzer.subdomain, fuzzer.domain, fuzzer.tld],
                "domains": [p["domain"] for p in perms],
                "fuzzers": [p["fuzzer"] for p in perms],
            }
            out.write(json.dumps(record) + "\n")
            print(f"dnstwist: {domain}: {len(perms):,} permutations in {seconds:.2f} s", file=sys.stderr)
    return 0


class TimedQueue(queue.Queue[Any]):
    """A job queue that notes how long each scanner thread spends on each name (get -> task_done)."""

    def __init__(self) -> None:
        super().__init__()
        self.local = threading.local()
        self.seconds: dict[str, float] = {}

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        task = super().get(block, timeout)
        self.local.current = (task["domain"], time.perf_counter())
        return task

    def task_done(self) -> None:
        domain, start = self.local.current
        self.seconds[domain] = time.perf_counter() - start
        super().task_done()


class QueryCounter:
    """Counts calls to dnspython's ``dns.query.udp`` and ``dns.query.tcp`` (one per query sent)."""

    def __init__(self) -> None:
        self.udp = 0
        self.tcp = 0
        self._lock = threading.Lock()
        self._udp = dns.query.udp
        self._tcp = dns.query.tcp

    def install(self) -> None:
        def udp(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.udp += 1
            return self._udp(*args, **kwargs)

        def tcp(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.tcp += 1
            return self._tcp(*args, **kwargs)

        dns.query.udp = udp
        dns.query.tcp = tcp


def cmd_scan(args: argparse.Namespace) -> int:
    if not ipaddress.ip_address(args.nameserver).is_loopback:
        print(
            f"rival_runner: refusing to scan through {args.nameserver}: not a loopback address",
            file=sys.stderr,
        )
        return 2
    names = read_lines(args.names)
    threads = args.threads or dnstwist.THREAD_COUNT_DEFAULT
    # Port 53 is what dnstwist's --nameservers can reach; another port needs dnspython's own
    # nameserver object (the Resolver takes it in its nameservers list unchanged).
    nameservers: list[Any] = (
        [args.nameserver] if args.port == 53 else [dns.nameserver.Do53Nameserver(args.nameserver, args.port)]
    )
    counter = QueryCounter()
    counter.install()
    jobs = TimedQueue()
    tasks = [dnstwist.Permutation(fuzzer="bench", domain=name) for name in names]
    for task in tasks:
        jobs.put(task)
    workers = []
    start = time.perf_counter()
    for _ in range(threads):
        worker = dnstwist.Scanner(jobs)
        worker.option_extdns = True
        worker.nameservers = nameservers
        worker.start()
        workers.append(worker)
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - start
    found = {
        task["domain"]: {k: v for k, v in task.items() if k not in ("fuzzer", "domain")} for task in tasks
    }
    result = {
        "about": about(),
        "names": len(names),
        "threads": threads,
        "nameservers": [str(ns) for ns in nameservers],
        "port": args.port,
        "wall_s": wall,
        "queries_udp": counter.udp,
        "queries_tcp": counter.tcp,
        "unfinished": jobs.qsize(),
        "registered": {name: facts for name, facts in found.items() if facts},
        "seconds": jobs.seconds,
    }
    args.out.write_text(json.dumps(result) + "\n", encoding="utf-8")
    print(f"dnstwist: scanned {len(names):,} names in {wall:.1f} s with {threads} threads", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="rival_runner", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="permutations of each domain, timed")
    gen.add_argument("--domains", type=Path, required=True, help="one genuine domain per line")
    gen.add_argument("--tlds", type=Path, help="tld_dictionary, one suffix per line (default: none)")
    gen.add_argument("--dictionary", type=Path, help="dictionary words, one per line (default: none)")
    gen.add_argument("--out", type=Path, required=True, help="JSON lines: about, then one per domain")
    scan = sub.add_parser("scan", help="resolve names with dnstwist's Scanner threads")
    scan.add_argument("--names", type=Path, required=True, help="one name per line")
    scan.add_argument("--nameserver", required=True, help="IPv4 address of the resolver")
    scan.add_argument("--port", type=int, default=53)
    scan.add_argument("--threads", type=int, default=0, help="default: dnstwist's THREAD_COUNT_DEFAULT")
    scan.add_argument("--out", type=Path, required=True, help="JSON result")
    args = p.parse_args(argv)
    return cmd_generate(args) if args.command == "generate" else cmd_scan(args)


if __name__ == "__main__":
    sys.exit(main())
