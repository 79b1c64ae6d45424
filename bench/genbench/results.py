"""Generation results shared by both tools, and recall on the Doppelganger look-alikes."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from benchkit.numbers import round_or_none
from genbench.inputs import LookalikeRow, to_ascii

CUTOFFS = (1_000, 10_000, 100_000)


@dataclass
class BrandRun:
    """One tool's output for one genuine domain: its size, its time, where the looked-for names are."""

    brand: str
    seconds: float
    count: int
    positions: dict[str, int]  # look-alike row domain -> 0-based position in the tool's output
    head: list[str] = field(default_factory=list)  # the first candidates, kept for the DNS part


@dataclass
class GenRun:
    """One tool's generation run over all brands."""

    key: str
    label: str
    brands: list[BrandRun] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def by_brand(self) -> dict[str, BrandRun]:
        return {run.brand: run for run in self.brands}

    @property
    def total(self) -> int:
        return sum(run.count for run in self.brands)

    @property
    def median_count(self) -> float | None:
        return statistics.median(run.count for run in self.brands) if self.brands else None

    @property
    def total_seconds(self) -> float:
        return sum(run.seconds for run in self.brands)

    @property
    def median_seconds(self) -> float | None:
        return statistics.median(run.seconds for run in self.brands) if self.brands else None

    @property
    def max_run(self) -> BrandRun | None:
        return max(self.brands, key=lambda run: run.seconds) if self.brands else None

    def seconds_for(self, brand: str) -> float | None:
        run = self.by_brand().get(brand)
        return run.seconds if run else None


def targets_by_brand(looks: list[LookalikeRow]) -> dict[str, set[str]]:
    """genuine domain -> the look-alike domains that imitate it."""
    targets: dict[str, set[str]] = {}
    for row in looks:
        targets.setdefault(row.genuine, set()).add(row.domain)
    return targets


def positions_of(domains: Iterable[str], targets: set[str], *, normalize: bool) -> dict[str, int]:
    """The first 0-based position of each target in ``domains`` (absent targets are left out)."""
    found: dict[str, int] = {}
    if not targets:
        return found
    for index, domain in enumerate(domains):
        name = to_ascii(domain) if normalize else domain
        if name in targets and name not in found:
            found[name] = index
            if len(found) == len(targets):
                break
    return found


@dataclass
class Recall:
    """Look-alike rows found among the candidates of their genuine domain's brand: within the first
    N candidates for each cutoff N, and anywhere in the output."""

    rows: int
    hits_at: dict[int, int]
    hits: int
    positions: list[dict[str, Any]]
    misses: list[dict[str, Any]]

    def share(self, hits: int) -> float | None:
        return hits / self.rows if self.rows else None

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "hits": self.hits,
            "recall": round_or_none(self.share(self.hits), 4),
            "hits_at": {str(k): v for k, v in self.hits_at.items()},
            "recall_at": {str(k): round_or_none(self.share(v), 4) for k, v in self.hits_at.items()},
            "misses": self.misses,
            "positions": self.positions,
        }


def recall(run: GenRun, looks: list[LookalikeRow]) -> Recall:
    """Recall of ``run`` on ``looks``: a row counts when its domain is among the candidates of the brand
    whose genuine domain is the row's ``genuine`` (position = rank - 1 for clonewatch, output index for
    dnstwist)."""
    brands = run.by_brand()
    hits_at = dict.fromkeys(CUTOFFS, 0)
    hits = 0
    positions: list[dict[str, Any]] = []
    misses: list[dict[str, Any]] = []
    for row in looks:
        brand = brands.get(row.genuine)
        position = brand.positions.get(row.domain) if brand else None
        positions.append({"domain": row.domain, "genuine": row.genuine, "position": position})
        if position is None:
            misses.append(
                {
                    "domain": row.domain,
                    "genuine": row.genuine,
                    "why": "not generated" if brand else "brand not run",
                    "candidates": brand.count if brand else 0,
                }
            )
            continue
        hits += 1
        for cutoff in CUTOFFS:
            if position < cutoff:
                hits_at[cutoff] += 1
    return Recall(len(looks), hits_at, hits, positions, misses)
