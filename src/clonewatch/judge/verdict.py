"""From evidence to a verdict, with the facts that decided it. Rules, in order: does the name
exist, does it serve anything, do visitors (of every vantage point) see the same thing, where does
it send them, and what does the page it serves look like next to the genuine site."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from clonewatch.judge.parking import parking_evidence, parking_service
from clonewatch.names import default_psl, parse_host

if TYPE_CHECKING:
    from clonewatch.probe.chain import HttpEvidence
    from clonewatch.probe.evidence import Evidence
    from clonewatch.probe.similarity import Similarity

STRUCTURE_CLONE = 0.6
CLOAKING_TEXT = 0.4
FEW_WORDS = 20


class VerdictKind(StrEnum):
    UNREGISTERED = "unregistered"
    NO_WEBSITE = "no-website"
    PARKED = "parked"
    DEFENSIVE = "defensive"
    REDIRECTOR = "redirector"
    CLOAKED = "cloaked"
    UNRELATED = "unrelated"
    CLONE = "clone"


@dataclass(frozen=True, slots=True)
class CloneRule:
    """What makes a page a clone of the genuine one: at least ``signs`` independent signs of copying,
    plus ``contradiction_cost`` more for each sign that the page is another site's. The thresholds
    are those of each sign; the defaults are calibrated on real pages by bench/judge."""

    assets: int = 3  # distinct files loaded from the genuine outlet's own hosts
    links: int = 10  # distinct URLs on the genuine outlet's hosts the page points at
    structure: float = STRUCTURE_CLONE  # template similarity, with text or title below
    text: float = 0.3
    title: float = 0.6
    visual: float = 0.85
    signs: int = 2
    contradiction_cost: int = 2


DEFAULT_RULE = CloneRule()
HOLDABLE = frozenset({VerdictKind.PARKED, VerdictKind.NO_WEBSITE, VerdictKind.UNRELATED})


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: VerdictKind
    confidence: float
    facts: tuple[str, ...]


def judge(
    evidence: Evidence, genuine_domains: Collection[str] = (), *, rule: CloneRule = DEFAULT_RULE
) -> Verdict:
    """The verdict on ``evidence``; ``genuine_domains`` are the imitated brand's own domains. A
    name that would be parked, unused or unrelated but is held by the genuine owner (the genuine
    site's own name servers) is defensive."""
    verdict = _site_verdict(evidence, genuine_domains, rule)
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


def _site_verdict(evidence: Evidence, genuine_domains: Collection[str], rule: CloneRule) -> Verdict:
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
    browsers = {"browser": browser} | {f"{n}:browser": v.browser for n, v in evidence.vantages.items()}
    for who, capture in browsers.items():
        if capture is not None and capture.error is None and _host(capture.final_url):
            finals[who] = _registrable(_host(capture.final_url))  # about: and error pages have no host
    if len(set(finals.values())) > 1:
        seen = ", ".join(f"{who} -> {where}" for who, where in sorted(finals.items()))
        return Verdict(VerdictKind.CLOAKED, 0.85, (f"visitors end on different sites: {seen}",))
    placed = _vantage_cloaking(evidence, rule)
    if placed is not None:
        return Verdict(VerdictKind.CLOAKED, 0.8, (placed,))
    plain = evidence.site.http.get("plain")
    social = evidence.site.http.get("social")
    cloaking = _content_cloaking(plain, social, evidence.comparison, rule)
    if cloaking is not None:
        return Verdict(VerdictKind.CLOAKED, 0.75, (cloaking,))
    final = next(iter(finals.values()))
    if final in genuine:
        facts = [f"redirects to the genuine site {final}"]
        return Verdict(VerdictKind.DEFENSIVE, 0.8, tuple(facts + _chain_facts(visits)))
    if final != own:
        return Verdict(VerdictKind.REDIRECTOR, 0.85, (f"sends visitors on to {final}", *_chain_facts(visits)))
    signs, against = clone_signs(evidence.comparison, rule)
    margin = len(signs) - rule.signs - rule.contradiction_cost * len(against)
    if signs and margin >= 0:
        return Verdict(VerdictKind.CLONE, min(0.99, 0.7 + 0.1 * margin), tuple(signs + against))
    shown = next((v for v in (social, plain) if v is not None and v.page is not None), None)
    page = shown.page if shown is not None else None
    if page is None and not (browser is not None and browser.html):
        errors = tuple(f"{v.visitor}: {v.error}" for v in visits if v.error)
        return Verdict(VerdictKind.NO_WEBSITE, 0.6, errors or ("no page could be read",))
    if shown is not None and shown.status is not None and shown.status >= 400:
        return Verdict(VerdictKind.NO_WEBSITE, 0.6, (f"the site answers HTTP {shown.status}",))
    parked = [f"parked: {s}" for s in parking_evidence(page.parked_signals if page is not None else ())]
    service = parking_service(dns.records.get("NS", ())) if dns is not None else None
    if service is not None:
        parked.insert(0, f"parked: name servers of {service}")
    if parked:
        return Verdict(VerdictKind.PARKED, 0.9 if len(parked) > 1 else 0.8, tuple(parked))
    words = len(page.text.split()) if page is not None else FEW_WORDS
    if words < FEW_WORDS:
        # little text is no evidence of parking: a site under construction, an error page, a script app
        return Verdict(VerdictKind.UNRELATED, 0.3, (f"a live page with little text ({words} words)",))
    return Verdict(VerdictKind.UNRELATED, 0.6, ("a live site that does not imitate the genuine one",))


def clone_signs(similarity: Similarity | None, rule: CloneRule = DEFAULT_RULE) -> tuple[list[str], list[str]]:
    """The signs that the page copies the genuine one, and the signs that it is another site's."""
    if similarity is None:
        return [], []
    signs: list[str] = []
    if similarity.genuine_url_claim is not None:
        signs.append(f"names itself by the genuine site's address: {similarity.genuine_url_claim}")
    if similarity.same_site_name:
        signs.append("gives the genuine site's name as its own")
    if similarity.shared_assets >= rule.assets:
        signs.append(f"loads {similarity.shared_assets} of the genuine site's files from its hosts")
    if similarity.genuine_links >= rule.links:
        signs.append(f"points {similarity.genuine_links} times at the genuine site")
    if similarity.shared_analytics:
        signs.append("carries the genuine site's analytics IDs: " + ", ".join(similarity.shared_analytics))
    title = similarity.title or 0.0
    text = similarity.text or 0.0
    if similarity.structure >= rule.structure and (title >= rule.title or text >= rule.text):
        signs.append(
            f"built like the genuine site (structure {similarity.structure:.2f}, "
            f"title {title:.2f}, text {text:.2f})"
        )
    if similarity.visual is not None and similarity.visual >= rule.visual:
        signs.append(f"looks like the genuine site (visual similarity {similarity.visual:.2f})")
    against: list[str] = []
    if similarity.other_site_claim is not None:
        against.append(f"but names itself by another site's address: {similarity.other_site_claim}")
    if similarity.same_site_name is False and similarity.genuine_url_claim is None:
        # a section or blog of the outlet has a name of its own; its address says whose it is
        against.append("but gives another site name than the genuine site's")
    return signs, against


def is_clone(similarity: Similarity | None, rule: CloneRule = DEFAULT_RULE) -> bool:
    """Whether the signs of copying outweigh the signs of another site, under ``rule``."""
    signs, against = clone_signs(similarity, rule)
    return bool(signs) and len(signs) >= rule.signs + rule.contradiction_cost * len(against)


def _content_cloaking(
    plain: HttpEvidence | None, social: HttpEvidence | None, similarity: Similarity | None, rule: CloneRule
) -> str | None:
    """Same final site, different page: a browser from X sees the imitation, a plain client not."""
    if plain is None or social is None or plain.page is None or social.page is None:
        return None
    if not is_clone(similarity, rule):
        return None
    from clonewatch.probe.similarity import compare

    between = compare(plain.page, social.page)
    if (between.text or 0.0) < CLOAKING_TEXT and between.structure < STRUCTURE_CLONE:
        return "a browser arriving from X is shown the imitation; a plain client is shown another page"
    return None


def _vantage_cloaking(evidence: Evidence, rule: CloneRule) -> str | None:
    """Same final site, different page by place: some vantage points are shown the imitation,
    others another page (each vantage's page is its browser's rendering when the browser ran,
    else its HTTP visitors'; a vantage that read no page counts for neither)."""
    if not evidence.vantages:
        return None
    seen = {"direct": evidence.comparison} | {n: v.comparison for n, v in evidence.vantages.items()}
    clone = sorted(name for name, similarity in seen.items() if is_clone(similarity, rule))
    other = sorted(name for name, similarity in seen.items() if similarity is not None and name not in clone)
    if not clone or not other:
        return None
    return (
        f"the imitation is shown to visitors from {', '.join(clone)}; "
        f"visitors from {', '.join(other)} are shown another page"
    )


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
