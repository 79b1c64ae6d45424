"""Takedown dossiers: one HTML document per domain, or one per campaign with all its members,
that a registrar's abuse desk can act on without opening anything else.

Each domain shows the registrar and its abuse contact (RDAP), hosting and name servers, the
certificate, the redirect chain, the screenshot beside the genuine site's (embedded from the blob
store as ``data:`` images, only bytes that are a PNG), what each vantage point saw (its chain, its
browser's navigations and screenshot, labelled with its name: a clone a filter shows to one
country only is seen there, not directly; the proxy itself is not named), the verdict's facts,
the posts on X that linked it (with ``--posts``), the SHA-256 of every captured artefact and of
the evidence record, the timeline, and a plain-language paragraph on why the domain impersonates
the outlet. Every value comes from the adversary's side (page titles, URLs, RDAP fields), so the
template escapes everything (Jinja2 autoescape), control and bidirectional characters are shown
as escapes (``clonewatch.inert``), nothing is a link, and a Content-Security-Policy allows no
script and no request: the document shows only what it carries.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader

from clonewatch.inert import inert
from clonewatch.report.records import DomainReport, ReportSet
from clonewatch.store import BlobStore, HistoryEvent

PNG = b"\x89PNG\r\n\x1a\n"
MAX_SCREENSHOT = 8 * 1024 * 1024
_SAFE_NAME = re.compile(r"[^a-z0-9.-]")

REASONS = {
    "suffix-swap": "the same name under another suffix",
    "homoglyph": "look-alike characters from other scripts",
    "transliteration": "the name transliterated",
    "omission": "a letter left out",
    "insertion": "a letter inserted",
    "addition": "a letter added",
    "repetition": "a letter doubled",
    "replacement": "a letter replaced by a look-alike or a neighbouring key",
    "transposition": "two letters swapped",
    "vowel-swap": "a vowel swapped",
    "bitsquatting": "a one-bit change",
    "hyphenation": "a hyphen added",
    "brand-in-subdomain": "the genuine name placed in a subdomain",
}


@dataclass(frozen=True, slots=True)
class Dossier:
    """One dossier: a file name (without suffix) and its HTML."""

    name: str
    html: str


def _environment() -> Environment:
    def finalize(value: Any) -> Any:
        return inert(value) if isinstance(value, str) else value

    return Environment(
        loader=PackageLoader("clonewatch.report", "templates"),
        autoescape=True,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def dossiers(
    report: ReportSet, *, blobs: BlobStore | None = None, generated: datetime | None = None
) -> list[Dossier]:
    """The campaign's dossier when the export is of one campaign, else one per domain."""
    moment = (generated or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    template = _environment().get_template("dossier.html")
    campaign_id = report.selection.campaign
    if campaign_id is not None:
        campaign = report.campaign(campaign_id)
        title = f"Takedown dossier: campaign {campaign_id} ({len(report.domains)} domains)"
        html = template.render(
            title=title,
            generated=moment,
            campaign=campaign,
            domains=[_view(d, blobs, report) for d in report.domains],
        )
        return [Dossier(f"campaign-{file_name(campaign_id)}", html)]
    found = []
    for domain in report.domains:
        match = domain.finding.match
        title = f"Takedown dossier: {match.domain} impersonates {match.brand} ({match.genuine})"
        html = template.render(
            title=title, generated=moment, campaign=None, domains=[_view(domain, blobs, report)]
        )
        found.append(Dossier(file_name(match.domain), html))
    return found


def file_name(name: str) -> str:
    """A file name made of ``name`` (lower-case letters, digits, dots and hyphens only)."""
    return _SAFE_NAME.sub("_", name.lower()).strip(".") or "_"


def _view(domain: DomainReport, blobs: BlobStore | None, report: ReportSet) -> dict[str, Any]:
    match = domain.finding.match
    facts = domain.facts
    return {
        "domain": match.domain,
        "unicode": match.unicode,
        "genuine": match.genuine,
        "verdict": domain.verdict or "not probed",
        "facts": facts,
        "why": why(domain),
        "screenshot": _image(blobs, facts.screenshot),
        "genuine_screenshot": _image(blobs, facts.genuine_screenshot),
        "vantage_screenshots": {v.name: _image(blobs, v.screenshot) for v in facts.vantages},
        "evidence_sha256": evidence_sha256(domain.evidence),
        "posts": report.posts.get(match.domain, ()),
        "timeline": [
            {"at": e.at.isoformat(timespec="seconds"), "text": _event(e)}
            for e in domain.history
            if e.kind != "alert"  # alert targets (webhook URLs) are not for the registrar's eyes
        ],
    }


def evidence_sha256(evidence: Mapping[str, Any] | None) -> str | None:
    """SHA-256 of the evidence record as canonical JSON (sorted keys, no spaces, UTF-8)."""
    if evidence is None:
        return None
    canonical = json.dumps(evidence, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def why(domain: DomainReport) -> str:
    """A plain-language paragraph: why this domain impersonates the outlet."""
    match = domain.finding.match
    facts = domain.facts
    shown = match.domain if match.unicode == match.domain else f"{match.domain} (shown as {match.unicode})"
    reasons = [
        REASONS.get(r, f"the word {r[6:]!r} added" if r.startswith("affix:") else r) for r in match.reasons
    ]
    parts = [
        f"{shown} imitates {match.genuine}, the genuine site of {match.brand}: "
        f"{_listed(reasons) or 'a similar name'}."
    ]
    if facts.registrar or facts.registered:
        parts.append(
            "It was registered"
            + (f" on {facts.registered[:10]}" if facts.registered else "")
            + (f" through {facts.registrar}" if facts.registrar else "")
            + "."
        )
    when = facts.probed_at[:10] if facts.probed_at else "the last visit"
    verdict = domain.verdict
    if verdict == "clone":
        parts.append(f"On {when} it served a copy of {match.genuine}'s pages under the outlet's name.")
    elif verdict == "cloaked":
        parts.append(
            f"On {when} it showed visitors arriving from social media a copy of the outlet "
            "and showed others something else (cloaking)."
        )
    elif verdict == "redirector":
        target = urlsplit(facts.final_url).hostname if facts.final_url else None
        parts.append(f"On {when} it sent visitors on" + (f" to {target}." if target else "."))
    elif verdict is not None:
        parts.append(f"On {when} it was judged {verdict}.")
    if domain.review == "clone":
        parts.append("An analyst reviewed the evidence and confirmed it as a clone.")
    if facts.verdict_facts:
        parts.append("Facts: " + "; ".join(facts.verdict_facts) + ".")
    return " ".join(parts)


def _listed(items: Iterable[str]) -> str:
    words = list(dict.fromkeys(items))
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1] if words else ""


def _image(blobs: BlobStore | None, sha: str | None) -> str | None:
    """A ``data:`` URI of a screenshot from the blob store: only a PNG whose bytes hash to ``sha``."""
    if blobs is None or sha is None or sha not in blobs:
        return None
    size = blobs.size(sha)
    if size is None or size > MAX_SCREENSHOT:
        return None
    data = blobs.get(sha)
    if not data.startswith(PNG) or hashlib.sha256(data).hexdigest() != sha:
        return None
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _event(event: HistoryEvent) -> str:
    d = event.details
    if event.kind == "first_seen":
        return f"first seen in feed {d.get('feed') or 'unknown'}"
    if event.kind == "match":
        return f"matched {d.get('brand')} ({d.get('genuine')}), score {d.get('score')}"
    if event.kind == "probe":
        return f"probed (probe #{d.get('probe')})"
    if event.kind == "verdict":
        return f"verdict {d.get('previous') or 'none'} -> {d.get('verdict')}"
    if event.kind == "campaign":
        return f"{d.get('change')} campaign {d.get('campaign')} as {d.get('role')}"
    return event.kind
