"""From evidence to a verdict, with the facts that decided it. Rules, in order: does the name
exist, does it serve anything, do visitors see the same thing, where does it send them, and what
does the page it serves look like next to the genuine site."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from clonewatch.names import default_psl, parse_host

if TYPE_CHECKING:
    from clonewatch.probe.chain import HttpEvidence
    from clonewatch.probe.evidence import Evidence
    from clonewatch.probe.similarity import Similarity

VISUAL_CLONE = 0.85
STRUCTURE_CLONE = 0.6
TEXT_CLONE = 0.5
TITLE_CLONE = 0.6
COPIED_ASSETS = 3
CLOAKING_TEXT = 0.4


class VerdictKind(StrEnum):
    UNREGISTERED = "unregistered"
    NO_WEBSITE = "no-website"
    PARKED = "parked"
    DEFENSIVE = "defensive"
    REDIRECTOR = "redirector"
    CLOAKED = "cloaked"
    UNRELATED = "unrelated"
    CLONE = "clone"


HOLDABLE = frozenset({VerdictKind.PARKED, VerdictKind.NO_WEBSITE, VerdictKind.UNRELATED})


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: VerdictKind
    confidence: float
    facts: tuple[str, ...]


def judge(evidence: Evidence, genuine_domains: Collection[str] = ()) -> Verdict:
    """The verdict on ``evidence``; ``genuine_domains`` are the imitated brand's own domains. A
    name that would be parked, unused or unrelated but is held by the genuine owner (the genuine
    site's own name servers) is defensive."""
    verdict = _site_verdict(evidence, genuine_domains)
    owner = _held_by_owner(evidence)
    if owner is not None and verdict.kind in HOLDABLE:
        return Verdict(VerdictKind.DEFENSIVE, 0.6, (owner, *verdict.facts))
    return verdict


def _held_by_owner(evidence: Evidence) -> str | None:
    genuine = evidence.genuine_site.dns if evidence.genuine_site is not None else None
    if evidence.dns is None or genuine is None:
        return None
    own = set(evidence.dns.records.get("NS", ()))
    theirs = set(genuine.records.get("NS", ()))
    if own and own <= theirs:
        return f"held by the genuine owner: served by its name servers ({', '.join(sorted(own))})"
    return None


def _site_verdict(evidence: Evidence, genuine_domains: Collection[str]) -> Verdict:
    genuine = {_registrable(d) for d in genuine_domains}
    dns = evidence.dns
    if dns is not None and dns.exists is False:
        registered = evidence.rdap is not None and evidence.rdap.error is None
        if registered:
            return Verdict(VerdictKind.NO_WEBSITE, 0.7, ("registered (RDAP) but not in DNS",))
        return Verdict(VerdictKind.UNREGISTERED, 0.9, ("DNS: the name does not exist (NXDOMAIN)",))
    visits = [v for v in evidence.site.http.values() if v.hops and v.hops[0].status is not None]
    browser = evidence.site.browser
    if not visits and (browser is None or browser.error is not None or not browser.html):
        reasons = [f"{v.visitor}: {v.error}" for v in evidence.site.http.values() if v.error]
        if dns is not None and not dns.addresses:
            reasons.insert(0, "DNS: no A or AAAA record")
        return Verdict(VerdictKind.NO_WEBSITE, 0.8, tuple(reasons) or ("nothing answered",))
    own = _registrable(evidence.domain)
    finals = {v.visitor: _registrable(v.final_host) for v in visits}
    if browser is not None and browser.error is None and _host(browser.final_url):
        finals["browser"] = _registrable(_host(browser.final_url))  # about: and error pages have no host
    if len(set(finals.values())) > 1:
        seen = ", ".join(f"{who} -> {where}" for who, where in sorted(finals.items()))
        return Verdict(VerdictKind.CLOAKED, 0.85, (f"visitors end on different sites: {seen}",))
    plain = evidence.site.http.get("plain")
    social = evidence.site.http.get("social")
    cloaking = _content_cloaking(plain, social, evidence.comparison)
    if cloaking is not None:
        return Verdict(VerdictKind.CLOAKED, 0.75, (cloaking,))
    final = next(iter(finals.values()))
    if final in genuine:
        facts = [f"redirects to the genuine site {final}"]
        return Verdict(VerdictKind.DEFENSIVE, 0.8, tuple(facts + _chain_facts(visits)))
    if final != own:
        return Verdict(VerdictKind.REDIRECTOR, 0.85, (f"sends visitors on to {final}", *_chain_facts(visits)))
    clone = _clone_facts(evidence.comparison)
    if clone:
        return Verdict(VerdictKind.CLONE, min(0.99, 0.6 + 0.1 * len(clone)), tuple(clone))
    shown = next((v for v in (social, plain) if v is not None and v.page is not None), None)
    page = shown.page if shown is not None else None
    if page is None and not (browser is not None and browser.html):
        errors = tuple(f"{v.visitor}: {v.error}" for v in visits if v.error)
        return Verdict(VerdictKind.NO_WEBSITE, 0.6, errors or ("no page could be read",))
    if shown is not None and shown.status is not None and shown.status >= 400:
        return Verdict(VerdictKind.NO_WEBSITE, 0.6, (f"the site answers HTTP {shown.status}",))
    if page is not None and page.parked_signals:
        return Verdict(VerdictKind.PARKED, 0.8, tuple(f"parked: {s}" for s in page.parked_signals))
    if page is not None and not page.text.strip():
        return Verdict(VerdictKind.PARKED, 0.5, ("an empty page",))
    return Verdict(VerdictKind.UNRELATED, 0.6, ("a live site that does not imitate the genuine one",))


def _clone_facts(similarity: Similarity | None) -> list[str]:
    """What makes the page a copy of the genuine one, if anything."""
    if similarity is None:
        return []
    facts: list[str] = []
    if similarity.visual is not None and similarity.visual >= VISUAL_CLONE:
        facts.append(f"looks like the genuine site (visual similarity {similarity.visual:.2f})")
    title = similarity.title or 0.0
    text = similarity.text or 0.0
    if similarity.structure >= STRUCTURE_CLONE and (title >= TITLE_CLONE or text >= TEXT_CLONE):
        facts.append(
            f"built like the genuine site (structure {similarity.structure:.2f}, "
            f"title {title:.2f}, text {text:.2f})"
        )
    if similarity.shared_assets >= COPIED_ASSETS and title >= TITLE_CLONE / 2:
        facts.append(f"reuses {similarity.shared_assets} of the genuine site's assets")
    if similarity.shared_analytics:
        facts.append("carries the genuine site's analytics IDs: " + ", ".join(similarity.shared_analytics))
    return facts if len(facts) > 1 or (facts and not facts[0].startswith("carries")) else []


def _content_cloaking(
    plain: HttpEvidence | None, social: HttpEvidence | None, similarity: Similarity | None
) -> str | None:
    """Same final site, different page: a browser from X sees the imitation, a plain client not."""
    if plain is None or social is None or plain.page is None or social.page is None:
        return None
    if not _clone_facts(similarity):
        return None
    from clonewatch.probe.similarity import compare

    between = compare(plain.page, social.page)
    if (between.text or 0.0) < CLOAKING_TEXT and between.structure < STRUCTURE_CLONE:
        return "a browser arriving from X is shown the imitation; a plain client is shown another page"
    return None


def _chain_facts(visits: list[HttpEvidence]) -> list[str]:
    longest = max(visits, key=lambda v: len(v.hops))
    return [f"chain: {' -> '.join(f'{hop.url} [{hop.mechanism}]' for hop in longest.hops)}"]


def _registrable(host: str) -> str:
    name = parse_host(host, default_psl()) if host else None
    return getattr(name, "registrable", host) or host


def _host(url: str | None) -> str:
    from urllib.parse import urlsplit

    try:
        return (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""
