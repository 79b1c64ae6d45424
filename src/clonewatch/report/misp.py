"""A MISP event of an export, built with ``pymisp`` (``MISPEvent().load`` reads it back).

Per domain: ``domain-ip`` (name, addresses, first and last seen), ``dns-record``, ``whois``
(registrar, dates, name servers, abuse contact from RDAP), ``x509`` for its certificate, ``url``
for each hop of its redirect chain and for each other hop a vantage point's chain or browser went
through (its text names the vantage), ``favicon`` (MurmurHash3, as Shodan counts it) where the data
exists, and a ``microblog`` for each post that linked it (with ``--posts``); objects of a domain
reference its ``domain-ip``. DISARM galaxy tags (current and older
names) on the event and on each domain's object; campaigns are tags ``clonewatch:campaign="ID"``.
UUIDs are derived from what they describe, so a re-export updates the same event and objects.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pymisp import MISPEvent, MISPObject

from clonewatch.report.disarm import techniques
from clonewatch.report.records import DomainReport, ReportSet
from clonewatch.report.stix import EPOCH, NAMESPACE

ANALYSIS_COMPLETE = 2
THREAT_LEVEL_MEDIUM = 2


def _uuid(*key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "|".join(("misp", *key))))


def misp_event(report: ReportSet) -> str:
    """The export as one MISP event (JSON text)."""
    event = MISPEvent()
    event.uuid = _uuid("event", *sorted(d.domain for d in report.domains), *(c.id for c in report.campaigns))
    brands = sorted({d.finding.match.brand for d in report.domains})
    event.info = (
        f"clonewatch: {len(report.domains)} look-alike domain(s) of {', '.join(brands) or 'no brand'}"
    )
    latest = max([EPOCH, *(_last(d) for d in report.domains)])
    event.date = latest.date()
    event.analysis = ANALYSIS_COMPLETE
    event.threat_level_id = THREAT_LEVEL_MEDIUM
    tags: dict[str, None] = {}
    for domain in report.domains:
        found = techniques(domain)
        for technique in found:
            tags.update(dict.fromkeys(technique.galaxy_tags()))
        _domain(event, domain, [t for technique in found for t in technique.galaxy_tags()], report)
    for campaign in report.campaigns:
        tags[f'clonewatch:campaign="{campaign.id}"'] = None
    for tag in tags:
        event.add_tag(tag)
    return str(event.to_json(indent=2, sort_keys=True))


def _last(domain: DomainReport) -> datetime:
    first = domain.finding.first_seen
    return max(first, domain.finding.probed_at or first)


def _object(event: MISPEvent, name: str, *key: str) -> MISPObject:
    made = MISPObject(name, standalone=False)
    made.uuid = _uuid(name, *key)
    return made


def _add(made: MISPObject, relation: str, value: Any, **extra: Any) -> None:
    if value is None or value == "":
        return
    attribute = made.add_attribute(relation, value=value, **extra)
    if attribute is not None:
        attribute.uuid = _uuid(made.uuid, relation, str(value))


def _vantage_hops(event: MISPEvent, domain: DomainReport) -> list[MISPObject]:
    """A ``url`` for each hop seen through a vantage point and not in the direct chain."""
    facts = domain.facts
    shown = {hop.url for hop in facts.chain}
    found = []
    for view in facts.vantages:
        for how, hops in (("", view.chain), (" (its browser)", view.browser_chain)):
            for index, hop in enumerate(hops):
                if hop.url in shown:
                    continue
                shown.add(hop.url)
                url = _object(event, "url", domain.domain, view.name, how, str(index), hop.url)
                _add(url, "url", hop.url)
                status = f", HTTP {hop.status}" if hop.status else ""
                _add(
                    url,
                    "text",
                    f"hop {index + 1} through the vantage point {view.name}{how}: {hop.mechanism}{status}",
                )
                found.append(url)
    return found


def _domain(event: MISPEvent, domain: DomainReport, tags: list[str], report: ReportSet) -> None:
    facts = domain.facts
    match = domain.finding.match
    first = domain.finding.first_seen.astimezone(UTC)
    anchor = _object(event, "domain-ip", match.domain)
    anchor.comment = f"{domain.verdict or 'not probed'}: imitates {match.brand} ({match.genuine})"
    _add(anchor, "domain", match.domain, Tag=[{"name": tag} for tag in tags])
    for address in facts.addresses:
        _add(anchor, "ip", address)
    _add(anchor, "first-seen", first.isoformat())
    if domain.finding.probed_at is not None:
        _add(anchor, "last-seen", domain.finding.probed_at.astimezone(UTC).isoformat())
    if facts.registered:
        _add(anchor, "registration-date", facts.registered)
    reasons = ", ".join(match.reasons)
    _add(anchor, "text", f"{match.unicode}: {reasons}; " + "; ".join(facts.verdict_facts))
    parts: list[MISPObject] = []
    dns_parts = [
        ("a-record", facts.ipv4), ("aaaa-record", facts.ipv6), ("ns-record", facts.name_servers),
        ("mx-record", facts.mx), ("cname-record", facts.cname), ("txt-record", facts.txt),
    ]  # fmt: skip
    if any(values for _, values in dns_parts):
        record = _object(event, "dns-record", match.domain)
        _add(record, "queried-domain", match.domain)
        for relation, values in dns_parts:
            for value in values:
                _add(record, relation, value)
        parts.append(record)
    if facts.registrar or facts.registered:
        whois = _object(event, "whois", match.domain)
        _add(whois, "domain", match.domain)
        _add(whois, "registrar", facts.registrar)
        _add(whois, "creation-date", facts.registered)
        _add(whois, "expiration-date", facts.expires)
        for server in facts.name_servers:
            _add(whois, "nameserver", server)
        abuse = [f"abuse contact: {value}" for value in (facts.abuse_email, facts.abuse_phone) if value]
        _add(whois, "text", "; ".join(abuse))
        _add(whois, "comment", f"RDAP: {facts.rdap_url}" if facts.rdap_url else None)
        parts.append(whois)
    cert = facts.certificate
    if cert is not None:
        x509 = _object(event, "x509", match.domain, cert.sha256)
        _add(x509, "x509-fingerprint-sha256", cert.sha256)
        _add(x509, "serial-number", cert.serial)
        _add(x509, "issuer", cert.issuer)
        _add(x509, "subject", cert.subject)
        _add(x509, "validity-not-before", cert.not_before)
        _add(x509, "validity-not-after", cert.not_after)
        for name in cert.names:
            _add(x509, "dns_names", name)
        if cert.self_signed is not None:
            _add(x509, "self_signed", cert.self_signed)
        parts.append(x509)
    for index, hop in enumerate(facts.chain):
        url = _object(event, "url", match.domain, str(index), hop.url)
        _add(url, "url", hop.url)
        _add(url, "ip", hop.address)
        _add(
            url, "text", f"hop {index + 1}: {hop.mechanism}" + (f", HTTP {hop.status}" if hop.status else "")
        )
        parts.append(url)
    parts += _vantage_hops(event, domain)
    if facts.favicon_mmh3 is not None:
        favicon = _object(event, "favicon", match.domain, str(facts.favicon_mmh3))
        _add(favicon, "favicon-mmh3", str(facts.favicon_mmh3))
        _add(favicon, "link", facts.final_url)
        parts.append(favicon)
    for seen in report.posts.get(match.domain, ()):
        post = _object(event, "microblog", match.domain, seen.post_id)
        _add(post, "username", seen.account)
        _add(post, "link", seen.post_url)
        _add(post, "embedded-link", seen.url)
        _add(post, "creation-date", seen.time.astimezone(UTC).isoformat())
        parts.append(post)
    for part in parts:
        reference = anchor.add_reference(part.uuid, "related-to")
        reference.uuid = _uuid("reference", anchor.uuid, part.uuid)
        event.add_object(part)
    event.add_object(anchor)
