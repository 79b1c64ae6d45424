"""The DNS records of a suspect domain: A, AAAA, CNAME, NS, MX, TXT, asked of the user's resolver."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from clonewatch.net.resolve import stub_resolver

if TYPE_CHECKING:
    from clonewatch.net.resolve import ResolverSettings

RECORD_TYPES = ("A", "AAAA", "CNAME", "NS", "MX", "TXT")
MAX_TXT = 20


@dataclass(frozen=True, slots=True)
class DnsEvidence:
    """Records by type; ``exists`` is False when the resolver says the name does not exist
    (NXDOMAIN); ``error`` names a failure (timeout, SERVFAIL) that left the answer unknown."""

    domain: str
    exists: bool | None
    records: dict[str, tuple[str, ...]]
    error: str | None = None

    @property
    def addresses(self) -> tuple[str, ...]:
        return self.records.get("A", ()) + self.records.get("AAAA", ())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"exists": self.exists, "error": self.error}
        out.update({kind.lower(): list(self.records.get(kind, ())) for kind in RECORD_TYPES})
        return out


def dns_evidence(domain: str, settings: ResolverSettings | None, *, timeout: float = 4.0) -> DnsEvidence:
    """Every record type of ``domain``; a type that has no records is an empty list."""
    import dns.exception
    import dns.resolver

    resolver = stub_resolver(settings, timeout)
    records: dict[str, tuple[str, ...]] = {}
    exists: bool | None = True
    errors: list[str] = []
    started = time.monotonic()
    for kind in RECORD_TYPES:
        if time.monotonic() - started > timeout * 2:
            errors.append(f"{kind}: not asked, the DNS time budget is spent")
            continue
        try:
            answer = resolver.resolve(domain, kind, raise_on_no_answer=False)
        except dns.resolver.NXDOMAIN as exc:
            target = _dangling_cname(exc, domain)
            if target is None:
                return DnsEvidence(domain, False, {})
            records["CNAME"] = (target,)
            errors.append(f"{kind}: the CNAME target {target} does not exist")
            continue
        except (dns.exception.Timeout, dns.resolver.NoNameservers, dns.resolver.YXDOMAIN) as exc:
            errors.append(f"{kind}: {type(exc).__name__}")
            continue
        if answer.rrset is None:
            continue
        values = sorted(_text(kind, item) for item in answer.rrset)
        records[kind] = tuple(values[:MAX_TXT] if kind == "TXT" else values)
    if errors and not records:
        exists = None
    return DnsEvidence(domain, exists, records, "; ".join(errors) or None)


def _dangling_cname(error: Any, domain: str) -> str | None:
    """The name a CNAME of ``domain`` points at when that target, not ``domain``, does not exist."""
    try:
        canonical = str(error.canonical_name).rstrip(".").lower()
    except TypeError:  # an NXDOMAIN raised without its query and responses
        return None
    return canonical if canonical and canonical != domain.rstrip(".").lower() else None


def _text(kind: str, item: Any) -> str:
    if kind == "TXT":
        return b"".join(item.strings).decode("utf-8", "replace")[:500]
    if kind == "MX":
        return f"{item.preference} {item.exchange.to_text().rstrip('.').lower()}"
    if kind in ("NS", "CNAME"):
        return str(item.target.to_text()).rstrip(".").lower()
    return str(item.to_text())
