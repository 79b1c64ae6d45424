"""How `clonewatch cluster --posts` shows who spread each campaign (the join itself is
:mod:`clonewatch.spread`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from clonewatch.social import ReadReport
from clonewatch.spread import CampaignPosts


def merged(record: dict[str, Any], posts: CampaignPosts | None) -> dict[str, Any]:
    """A campaign's record with its ``accounts`` and ``candidates`` (empty when nobody posted for it)."""
    found = posts.to_dict() if posts is not None else {"accounts": [], "candidates": []}
    return {**record, **found}


def row_cells(record: Mapping[str, Any], shown: int = 5) -> dict[str, str]:
    """The accounts and candidates of a merged record as table or CSV cells (the first few)."""
    cells = {}
    for key, name in (("accounts", "account"), ("candidates", "domain")):
        items = [item[name] for item in record.get(key, [])]
        more = f" (+{len(items) - shown})" if len(items) > shown else ""
        cells[key] = ", ".join(items[:shown]) + more
    return cells


def posts_summary(report: ReadReport, found: Mapping[str, CampaignPosts]) -> str:
    """One line for standard error: posts read and skipped, campaigns with accounts, candidates."""
    skipped = ""
    if report.skipped:
        shown = "; ".join(f"{where} {why}" for where, why in report.skipped[:5])
        skipped = f" ({shown}{', ...' if len(report.skipped) > 5 else ''})"
    accounts = len({p.account for posts in found.values() for p in posts.accounts})
    candidates = len({c.domain for posts in found.values() for c in posts.candidates})
    return (
        f"clonewatch: read {report.read:,} posts ({report.format or 'no'} format), skipped "
        f"{len(report.skipped):,}{skipped}: {len(found):,} campaigns linked by {accounts:,} accounts, "
        f"{candidates:,} candidates"
    )
