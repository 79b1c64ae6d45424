"""A STIX 2.1 bundle of an export, built with the ``stix2`` library and valid under ``stix2.parse``.

Per domain: ``domain-name``, ``ipv4-addr``/``ipv6-addr`` (``resolves-to``), ``url`` for every hop
of the redirect chain (the direct one's and each vantage point's, its browser's included) and
``x509-certificate`` observables in one ``observed-data`` per probe, with a ``note`` per vantage
point saying what was seen through it (its chain, where its browser ended, the page title); the
site as ``infrastructure`` that ``consists-of`` them (type ``redirector`` or ``impersonation-site``),
each hosting address as ``infrastructure`` of type ``hosting`` the site is ``hosted-by``; an
``indicator`` (``[domain-name:value = '...']``) for each clone, cloaked clone, redirector or
analyst-confirmed clone, ``based-on`` the observed data and ``indicates`` the site and its
campaign. The genuine outlet is an ``identity`` the site (and the campaign) is ``related-to``
with the description "impersonates ...". Each campaign is a ``campaign`` that ``uses`` its sites.
DISARM techniques go in external references (current and older IDs, see ``disarm``). Each post
that linked a domain (with ``--posts``) is a ``sighting`` of its indicator (of its site when it
has none) on X, with the account (``user-account``) and the link in its observed data.

Identifiers are derived from what they describe (the domain, the address, the campaign id), and
times from the store (first seen, probed, campaign changes), so the same store gives the same
bundle, and a re-export updates objects in a TIP instead of duplicating them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import stix2

from clonewatch.report.disarm import external_references, techniques
from clonewatch.report.facts import DomainFacts, VantageView
from clonewatch.report.records import DomainReport, ReportSet
from clonewatch.report.sightings import PostSighting
from clonewatch.store import CampaignRecord

NAMESPACE = uuid.UUID("5f0e2a57-3c1b-4f6a-9d1e-8c0b7a4e2d10")
"""The namespace of every identifier clonewatch derives (UUIDv5)."""
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
PRODUCER = "clonewatch"


def object_id(kind: str, *key: str) -> str:
    """A STIX identifier derived from ``key``: the same thing always gets the same id."""
    return f"{kind}--{uuid.uuid5(NAMESPACE, '|'.join((kind, *key)))}"


class _Bundle:
    """Objects in the order added, each id once (the first object with an id is kept)."""

    def __init__(self) -> None:
        self.objects: dict[str, Any] = {}

    def add(self, item: Any) -> str:
        self.objects.setdefault(item.id, item)
        return str(item.id)

    def __contains__(self, ref: str) -> bool:
        return ref in self.objects

    def relate(
        self, source: str, kind: str, target: str, at: datetime, description: str | None = None
    ) -> str:
        ref = object_id("relationship", source, kind, target)
        if ref in self.objects:  # made once: building a STIX object costs a millisecond or more
            return ref
        extra = {"description": description} if description else {}
        return self.add(
            stix2.Relationship(
                id=ref,
                source_ref=source,
                target_ref=target,
                relationship_type=kind,
                created=at,
                modified=at,
                created_by_ref=PRODUCER_ID,
                **extra,
            )
        )


PRODUCER_ID = object_id("identity", "producer", PRODUCER)


def stix_bundle(report: ReportSet) -> str:
    """The export as a serialized STIX 2.1 bundle (JSON text)."""
    bundle = _Bundle()
    bundle.add(
        stix2.Identity(
            id=PRODUCER_ID,
            name=PRODUCER,
            identity_class="system",
            description="Finds look-alike domains of news outlets and government sites.",
            created=EPOCH,
            modified=EPOCH,
        )
    )
    sites: dict[str, str] = {}
    indicators: dict[str, str] = {}
    outlets: dict[str, str] = {}
    for domain in report.domains:
        site, indicator, outlet = _domain(bundle, domain)
        sites[domain.domain] = site
        outlets[domain.domain] = outlet
        if indicator is not None:
            indicators[domain.domain] = indicator
        for seen in report.posts.get(domain.domain, ()):
            _sighting(bundle, seen, indicator or site)
    for campaign in report.campaigns:
        _campaign(bundle, campaign, report, sites, indicators, outlets)
    _report(bundle, report)
    ids = sorted(bundle.objects)
    items = list(bundle.objects.values())
    stamp = "|".join(f"{i}@{getattr(bundle.objects[i], 'modified', '')}" for i in ids)
    return str(stix2.Bundle(*items, id=f"bundle--{uuid.uuid5(NAMESPACE, stamp)}").serialize())


def _times(domain: DomainReport) -> tuple[datetime, datetime]:
    """When the domain was first seen, and when it was last probed (at least that)."""
    first = domain.finding.first_seen
    probed = domain.finding.probed_at or first
    return first, max(first, probed)


def _domain(bundle: _Bundle, domain: DomainReport) -> tuple[str, str | None, str]:
    """Add one domain's objects; return its site infrastructure, indicator and the outlet's identity."""
    facts = domain.facts
    first, last = _times(domain)
    match = domain.finding.match
    name = bundle.add(stix2.DomainName(value=match.domain))
    observed = [name]
    addresses = []
    for address in facts.ipv4:
        addresses.append(bundle.add(stix2.IPv4Address(value=address)))
    for address in facts.ipv6:
        addresses.append(bundle.add(stix2.IPv6Address(value=address)))
    for address in addresses:
        bundle.relate(name, "resolves-to", address, last)
    observed += addresses
    url_refs = {url: bundle.add(stix2.URL(value=url)) for url in _urls(facts)}
    urls = list(url_refs.values())
    observed += urls
    certificate = _certificate(facts)
    if certificate is not None:
        observed.append(bundle.add(certificate))
    observation = None
    if domain.evidence is not None:
        observation = bundle.add(
            stix2.ObservedData(
                id=object_id("observed-data", match.domain, last.isoformat()),
                first_observed=last,
                last_observed=last,
                number_observed=1,
                object_refs=observed,
                created=last,
                modified=last,
                created_by_ref=PRODUCER_ID,
            )
        )
        for view in facts.vantages:
            _vantage_note(bundle, match.domain, view, [observation, *_refs(url_refs, view.urls)], last)
    found = techniques(domain)
    references = external_references(found)
    description = _description(domain)
    site = bundle.add(
        stix2.Infrastructure(
            id=object_id("infrastructure", "site", match.domain),
            name=match.domain,
            description=description,
            infrastructure_types=["redirector" if domain.redirector else "impersonation-site"],
            first_seen=first,
            last_seen=last,
            created=first,
            modified=last,
            created_by_ref=PRODUCER_ID,
            external_references=references,
        )
    )
    for part in [name, *urls] + ([observed[-1]] if certificate is not None else []):
        bundle.relate(site, "consists-of", part, last)
    for address, ref in zip(facts.addresses, addresses, strict=True):
        hosting = object_id("infrastructure", "hosting", address)
        if hosting in bundle:
            bundle.relate(site, "hosted-by", hosting, last)
            continue
        bundle.add(
            stix2.Infrastructure(
                id=hosting,
                name=f"hosting {address}",
                infrastructure_types=["hosting"],
                created=first,
                modified=first,
                created_by_ref=PRODUCER_ID,
            )
        )
        bundle.relate(hosting, "consists-of", ref, first)
        bundle.relate(site, "hosted-by", hosting, last)
    outlet = object_id("identity", "genuine", match.genuine)
    if outlet not in bundle:
        bundle.add(_identity(domain, outlet))
    bundle.relate(site, "related-to", outlet, first, f"impersonates {match.brand} ({match.genuine})")
    indicator = None
    if domain.malicious:
        indicator = bundle.add(
            stix2.Indicator(
                id=object_id("indicator", match.domain),
                name=f"{match.domain}: {domain.review or domain.verdict} of {match.genuine}",
                description=description,
                pattern=f"[domain-name:value = '{_quoted(match.domain)}']",
                pattern_type="stix",
                valid_from=first,
                indicator_types=["malicious-activity"],
                created=first,
                modified=last,
                created_by_ref=PRODUCER_ID,
                external_references=references,
            )
        )
        bundle.relate(indicator, "indicates", site, first)
        if observation is not None:
            bundle.relate(indicator, "based-on", observation, last)
    return site, indicator, outlet


PLATFORM_ID = object_id("identity", "platform", "x.com")


def _sighting(bundle: _Bundle, seen: PostSighting, sighted: str) -> None:
    """One post linking a domain: the account and link observed, sighted on X."""
    if PLATFORM_ID not in bundle:
        bundle.add(
            stix2.Identity(
                id=PLATFORM_ID,
                name="X (formerly Twitter)",
                identity_class="organization",
                contact_information="https://x.com/",
                created=EPOCH,
                modified=EPOCH,
                created_by_ref=PRODUCER_ID,
            )
        )
    account = bundle.add(
        stix2.UserAccount(account_login=seen.account, account_type="twitter", user_id=seen.account)
    )
    link = bundle.add(stix2.URL(value=seen.url))
    at = seen.time
    observed = bundle.add(
        stix2.ObservedData(
            id=object_id("observed-data", "post", seen.post_id, seen.domain),
            first_observed=at,
            last_observed=at,
            number_observed=1,
            object_refs=[account, link],
            created=at,
            modified=at,
            created_by_ref=PRODUCER_ID,
        )
    )
    bundle.add(
        stix2.Sighting(
            id=object_id("sighting", seen.post_id, seen.domain),
            sighting_of_ref=sighted,
            first_seen=at,
            last_seen=at,
            count=1,
            observed_data_refs=[observed],
            where_sighted_refs=[PLATFORM_ID],
            description=f"@{seen.account} posted a link to {seen.domain}: {seen.post_url}",
            created=at,
            modified=at,
            created_by_ref=PRODUCER_ID,
        )
    )


def _urls(facts: DomainFacts) -> list[str]:
    """The direct chain's URLs and where it ended, then every vantage point's."""
    urls = dict.fromkeys(hop.url for hop in facts.chain)
    if facts.final_url:
        urls[facts.final_url] = None
    for view in facts.vantages:
        urls.update(dict.fromkeys(view.urls))
    return [url for url in urls if url.startswith(("http://", "https://"))]


def _refs(url_refs: dict[str, str], urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(url_refs[url] for url in urls if url in url_refs))


def _vantage_note(bundle: _Bundle, domain: str, view: VantageView, refs: list[str], at: datetime) -> None:
    """What one vantage point saw, on the observed data and the URLs seen through it."""
    who = "a plain client" if view.visitor == "plain" else "a visitor arriving from a link on X"
    chain = " -> ".join(hop.url for hop in view.chain) or "no web request was answered"
    lines = [f"Seen through the vantage point {view.name} as {who}: {chain}."]
    if view.browser_chain:
        lines.append("Its browser went " + " -> ".join(hop.url for hop in view.browser_chain) + ".")
    if view.final_url:
        lines.append(f"It ended on {view.final_url}" + (f", titled {view.title!r}." if view.title else "."))
    bundle.add(
        stix2.Note(
            id=object_id("note", "vantage", domain, view.name, at.isoformat()),
            abstract=f"{domain} through the vantage point {view.name}",
            content="\n".join(lines),
            object_refs=refs,
            created=at,
            modified=at,
            created_by_ref=PRODUCER_ID,
        )
    )


def _certificate(facts: DomainFacts) -> stix2.X509Certificate | None:
    cert = facts.certificate
    if cert is None:
        return None
    fields: dict[str, Any] = {"hashes": {"SHA-256": cert.sha256}}
    if cert.serial:
        fields["serial_number"] = cert.serial
    if cert.issuer:
        fields["issuer"] = cert.issuer
    if cert.subject:
        fields["subject"] = f"CN={cert.subject}"
    if cert.self_signed is not None:
        fields["is_self_signed"] = cert.self_signed
    for key, value in (("validity_not_before", cert.not_before), ("validity_not_after", cert.not_after)):
        moment = _moment(value)
        if moment is not None:
            fields[key] = moment
    if cert.names:
        fields["x509_v3_extensions"] = {
            "subject_alternative_name": ", ".join(f"DNS:{name}" for name in cert.names)
        }
    return stix2.X509Certificate(**fields)


def _identity(domain: DomainReport, ref: str) -> stix2.Identity:
    match = domain.finding.match
    sectors = ["government-national"] if domain.government else []
    extra: dict[str, Any] = {"sectors": sectors} if sectors else {}
    return stix2.Identity(
        id=ref,
        name=match.brand,
        identity_class="organization",
        description=f"The genuine site: {match.genuine}",
        contact_information=f"https://{match.genuine}/",
        created=EPOCH,
        modified=EPOCH,
        created_by_ref=PRODUCER_ID,
        **extra,
    )


def _campaign(
    bundle: _Bundle,
    campaign: CampaignRecord,
    report: ReportSet,
    sites: dict[str, str],
    indicators: dict[str, str],
    outlets: dict[str, str],
) -> None:
    first = campaign.created_at or campaign.first_seen or EPOCH
    last = max(first, campaign.updated_at or first)
    members = [m.domain for m in campaign.active if m.domain in sites]
    roles = ", ".join(f"{count} {role}" for role, count in campaign.roles().items())
    values = "; ".join(f"{v.kind} {v.value}" for v in campaign.pivots[:10])
    extra: dict[str, Any] = {}
    if campaign.first_seen is not None:
        extra["first_seen"] = campaign.first_seen
    if campaign.last_seen is not None and (
        campaign.first_seen is None or campaign.last_seen >= campaign.first_seen
    ):
        extra["last_seen"] = campaign.last_seen
    ref = bundle.add(
        stix2.Campaign(
            id=object_id("campaign", campaign.id),
            name=f"clonewatch campaign {campaign.id}",
            description=(
                f"Look-alike domains of {', '.join(campaign.brands) or 'watched brands'} joined by shared "
                f"infrastructure ({roles}). Held together by: {values or 'n/a'}."
            ),
            aliases=[campaign.id],
            confidence=max(0, min(100, round(campaign.confidence * 100))),
            created=first,
            modified=last,
            created_by_ref=PRODUCER_ID,
            **extra,
        )
    )
    for domain in members:
        bundle.relate(ref, "uses", sites[domain], first)
        if domain in indicators:
            bundle.relate(indicators[domain], "indicates", ref, first)
    brands = {d.domain: d.finding.match for d in report.domains if d.domain in members}
    for domain in members:
        match = brands[domain]
        bundle.relate(
            ref, "related-to", outlets[domain], first, f"impersonates {match.brand} ({match.genuine})"
        )


def _report(bundle: _Bundle, report: ReportSet) -> None:
    """A STIX report over everything exported (when anything was)."""
    refs = [i for i in bundle.objects if i != PRODUCER_ID]
    if not refs:
        return
    published = max([EPOCH, *(_times(d)[1] for d in report.domains)])
    brands = sorted({d.finding.match.brand for d in report.domains})
    bundle.add(
        stix2.Report(
            id=object_id("report", *sorted(refs)),
            name=f"clonewatch: {len(report.domains)} look-alike domain(s) of {', '.join(brands)}",
            report_types=["campaign" if report.campaigns else "indicator"],
            published=published,
            object_refs=refs,
            created=published,
            modified=published,
            created_by_ref=PRODUCER_ID,
        )
    )


def _description(domain: DomainReport) -> str:
    match = domain.finding.match
    lines = [
        f"{match.domain} ({match.unicode}) imitates {match.brand} ({match.genuine}): "
        f"{', '.join(match.reasons)}; score {match.score}.",
        f"Verdict: {domain.verdict or 'not probed'}"
        + (f"; analyst: {domain.review}" if domain.review else ""),
        *domain.facts.verdict_facts,
    ]
    return "\n".join(lines)


def _quoted(value: str) -> str:
    """A value inside a STIX pattern's single quotes."""
    return value.replace("\\", "\\\\").replace("'", "\\'")


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def parse_bundle(text: str) -> Iterable[Any]:
    """The objects of a serialized bundle, through ``stix2.parse`` (what a consumer does)."""
    return list(stix2.parse(text, allow_custom=False).objects)
