"""An export as records: one JSON document per domain as stored, or one flat row per domain for CSV.

The CLI writes the rows with its CSV writer, which makes every cell inert (control and
bidirectional characters escaped, formulas neutralised: ``clonewatch.inert``).
"""

from __future__ import annotations

from typing import Any

from clonewatch.report.disarm import techniques
from clonewatch.report.records import DomainReport, ReportSet

COLUMNS = (
    "domain", "unicode", "brand", "genuine", "score", "reasons", "verdict", "confidence", "review",
    "first_seen", "probed_at", "campaign", "role", "registrar", "abuse_email", "abuse_phone",
    "registered", "addresses", "name_servers", "final_url", "chain", "title", "certificate_sha256",
    "screenshot_sha256", "disarm", "posts",
)  # fmt: skip


def record(domain: DomainReport) -> dict[str, Any]:
    """One domain as JSON: the finding's fields, campaign, review, and the latest evidence as stored."""
    return {
        **domain.finding.to_dict(),
        "campaign": domain.campaign,
        "role": domain.role,
        "review": domain.review,
        "disarm": [t.id for t in techniques(domain)],
        "evidence": dict(domain.evidence) if domain.evidence is not None else None,
    }


def records(report: ReportSet) -> list[dict[str, Any]]:
    """Each domain's record, with the posts that linked it (``posts``) when posts were given."""
    found = []
    for domain in report.domains:
        item = record(domain)
        if report.posts:
            item["posts"] = [
                {"post_id": s.post_id, "account": s.account, "time": s.time.isoformat(), "url": s.url}
                for s in report.posts.get(domain.domain, ())
            ]
        found.append(item)
    return found


def row(domain: DomainReport) -> dict[str, Any]:
    """One domain as a flat row of ``COLUMNS`` (lists become space-separated in CSV)."""
    facts = domain.facts
    found = domain.finding.to_dict()
    values: dict[str, Any] = {
        **{key: found[key] for key in ("domain", "unicode", "brand", "genuine", "score", "reasons")},
        **{key: found[key] for key in ("verdict", "confidence", "first_seen", "probed_at")},
        "review": domain.review,
        "campaign": domain.campaign,
        "role": domain.role,
        "registrar": facts.registrar,
        "abuse_email": facts.abuse_email,
        "abuse_phone": facts.abuse_phone,
        "registered": facts.registered,
        "addresses": list(facts.addresses),
        "name_servers": list(facts.name_servers),
        "final_url": facts.final_url,
        "chain": [hop.url for hop in facts.chain],
        "title": facts.title,
        "certificate_sha256": facts.certificate.sha256 if facts.certificate else None,
        "screenshot_sha256": facts.screenshot,
        "disarm": [t.id for t in techniques(domain)],
    }
    return {key: values.get(key) for key in COLUMNS}


def rows(report: ReportSet) -> list[dict[str, Any]]:
    """Each domain's row; ``posts`` counts the posts that linked it (empty when none were given)."""
    found = []
    for domain in report.domains:
        item = row(domain)
        item["posts"] = len(report.posts.get(domain.domain, ())) if report.posts else None
        found.append(item)
    return found
