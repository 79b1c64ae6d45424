"""Asynchronous DNS liveness: registered, unregistered, wildcard or error, never guessed."""

from __future__ import annotations

import asyncio
import secrets
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

import dns.exception
import dns.rcode
import dns.rdatatype
import dns.resolver

from clonewatch.errors import InputError
from clonewatch.names import default_psl
from clonewatch.net.resolve import ResolverSettings
from clonewatch.net.udp import UdpClient, records_of

REORDER_WINDOW = 10_000  # about the names checked while one name times out, retries included


class DnsStatus(StrEnum):
    REGISTERED = "registered"
    UNREGISTERED = "unregistered"
    WILDCARD = "wildcard"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class DnsFacts:
    """What DNS says of one name. ``error`` says why when ``status`` is error (SERVFAIL, timeout,
    REFUSED); a wildcard status means the suffix answers for every name, this one included."""

    domain: str
    status: DnsStatus
    a: tuple[str, ...] = ()
    aaaa: tuple[str, ...] = ()
    ns: tuple[str, ...] = ()
    mx: tuple[str, ...] = ()
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        record = asdict(self)
        record["status"] = str(self.status)
        for key in ("a", "aaaa", "ns", "mx"):
            record[key] = list(record[key])
        return record


@dataclass(slots=True)
class _Answer:
    rcode: int | None
    records: list[str] = field(default_factory=list)
    error: str | None = None


class LivenessChecker:
    """Checks many names concurrently; results come back in the order the names were given."""

    def __init__(self, settings: ResolverSettings) -> None:
        self.settings = settings
        self.server = settings.nameserver or _system_nameserver()
        self.queries = 0
        self._client = UdpClient(self.server, settings.port)
        self._gate = asyncio.Semaphore(settings.concurrency)
        self._next_slot = 0.0
        self._wildcards: dict[str, asyncio.Task[frozenset[str]]] = {}

    async def check_all(self, names: Sequence[str], on_result: Callable[[DnsFacts], None]) -> None:
        """Check every name, calling ``on_result`` in input order as results become ready. Up to
        REORDER_WINDOW names are under way at once (the semaphore bounds the queries), so a name
        that times out does not starve the others."""
        await self._client.open()
        try:
            pending: deque[asyncio.Task[DnsFacts]] = deque()
            index = 0
            while index < len(names) or pending:
                while index < len(names) and len(pending) < REORDER_WINDOW:
                    pending.append(asyncio.ensure_future(self.check(names[index])))
                    index += 1
                on_result(await pending.popleft())
        finally:
            self._client.close()

    async def check(self, domain: str) -> DnsFacts:
        first = await self._ask(domain, dns.rdatatype.A)
        if first.error:
            return DnsFacts(domain, DnsStatus.ERROR, error=first.error)
        if first.rcode == dns.rcode.NXDOMAIN:
            return DnsFacts(domain, DnsStatus.UNREGISTERED)
        aaaa, ns, mx = await asyncio.gather(
            self._ask(domain, dns.rdatatype.AAAA),
            self._ask(domain, dns.rdatatype.NS),
            self._ask(domain, dns.rdatatype.MX),
        )
        facts = DnsFacts(
            domain,
            DnsStatus.REGISTERED,
            a=tuple(first.records),
            aaaa=tuple(aaaa.records),
            ns=tuple(ns.records),
            mx=tuple(mx.records),
        )
        wildcard = await self._wildcard(domain)
        if wildcard and set(facts.a) <= wildcard and not facts.ns and not facts.mx:
            return DnsFacts(domain, DnsStatus.WILDCARD, a=facts.a, aaaa=facts.aaaa)
        return facts

    async def _wildcard(self, domain: str) -> frozenset[str]:
        """The addresses a random name under the domain's public suffix resolves to (empty when the
        suffix has no wildcard); probed once per suffix and run."""
        suffix = default_psl().suffix_of(domain)
        task = self._wildcards.get(suffix)
        if task is None:
            task = asyncio.ensure_future(self._probe_wildcard(suffix))
            self._wildcards[suffix] = task
        return await task

    async def _probe_wildcard(self, suffix: str) -> frozenset[str]:
        probe = await self._ask(f"cw-{secrets.token_hex(8)}.{suffix}", dns.rdatatype.A)
        return frozenset(probe.records) if probe.rcode == dns.rcode.NOERROR else frozenset()

    async def _ask(self, name: str, rdtype: dns.rdatatype.RdataType) -> _Answer:
        settings = self.settings
        for _attempt in range(settings.retries + 1):
            await self._throttle()
            async with self._gate:
                self.queries += 1
                try:
                    response = await self._client.query(name, rdtype, settings.timeout)
                except (TimeoutError, dns.exception.Timeout):
                    continue
                except (OSError, ValueError, dns.exception.DNSException) as exc:
                    return _Answer(None, error=f"{type(exc).__name__}: {exc}")
            rcode = response.rcode
            if rcode not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
                return _Answer(rcode, error=dns.rcode.to_text(dns.rcode.Rcode.make(rcode)))
            try:
                return _Answer(rcode, records_of(response, rdtype))
            except dns.exception.DNSException as exc:
                return _Answer(None, error=f"malformed answer: {exc}")
        return _Answer(None, error="timeout")

    async def _throttle(self) -> None:
        rate = self.settings.rate
        if rate <= 0:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next_slot)
        self._next_slot = slot + 1.0 / rate
        if slot > now:
            await asyncio.sleep(slot - now)


def _system_nameserver() -> str:
    try:
        servers = dns.resolver.Resolver().nameservers
    except dns.resolver.NoResolverConfiguration as exc:
        raise InputError("no system resolver configured; give --resolver HOST:PORT") from exc
    if not servers:
        raise InputError("no system resolver configured; give --resolver HOST:PORT")
    return str(servers[0])


def check_names(
    names: Sequence[str], settings: ResolverSettings, on_result: Callable[[DnsFacts], None]
) -> LivenessChecker:
    """Check ``names`` (blocking), calling ``on_result`` in order; returns the checker for its counts."""
    holder: list[LivenessChecker] = []

    async def run() -> None:
        checker = LivenessChecker(settings)
        holder.append(checker)
        await checker.check_all(names, on_result)

    asyncio.run(run())
    return holder[0]
