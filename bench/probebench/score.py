"""Verdicts against the world's expected ones: per kind correct/total, and the wrong ones with their facts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchkit.clonewatch import read_jsonl
from clonewatch.testing.probelab import KINDS


@dataclass
class KindScore:
    correct: int = 0
    total: int = 0
    got: dict[str, int] = field(default_factory=dict)  # verdict -> count, wrong ones included
    screenshots: int = 0  # records of this kind with a saved screenshot

    def as_json(self) -> dict[str, Any]:
        return {
            "correct": self.correct,
            "total": self.total,
            "got": self.got,
            "screenshots": self.screenshots,
        }


@dataclass
class Accuracy:
    by_kind: dict[str, KindScore]
    wrong: list[dict[str, Any]]  # every wrong or missing verdict (the report shows the first few)
    records: int
    bad_lines: int
    missing: int  # expected domains with no output record
    elapsed_s: list[float]  # each record's own elapsed seconds (clonewatch's per-domain time)

    @property
    def correct(self) -> int:
        return sum(s.correct for s in self.by_kind.values())

    @property
    def total(self) -> int:
        return sum(s.total for s in self.by_kind.values())

    @property
    def share(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def as_json(self, examples: int) -> dict[str, Any]:
        return {
            "correct": self.correct,
            "total": self.total,
            "share": round(self.share, 4),
            "by_kind": {kind: score.as_json() for kind, score in self.by_kind.items()},
            "records": self.records,
            "bad_lines": self.bad_lines,
            "missing": self.missing,
            "wrong_count": len(self.wrong),
            "wrong": self.wrong[:examples],
            "per_domain_elapsed_s": _spread(self.elapsed_s),
        }


def _spread(values: Sequence[float]) -> dict[str, float] | None:
    if not values:
        return None
    ordered = sorted(values)

    def q(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 3)

    return {"median": q(0.5), "p90": q(0.9), "p99": q(0.99), "max": round(ordered[-1], 3)}


def _wrong_entry(domain: str, expected: str, record: dict[str, Any] | None) -> dict[str, Any]:
    if record is None:
        return {"domain": domain, "expected": expected, "got": None, "facts": ["no output record"]}
    http = record.get("http") or {}
    return {
        "domain": domain,
        "expected": expected,
        "got": record.get("verdict"),
        "confidence": record.get("confidence"),
        "facts": record.get("facts") or [],
        "error": record.get("error"),
        "elapsed": record.get("elapsed"),
        "comparison": record.get("comparison"),
        "http_errors": {
            visitor: (view or {}).get("error") for visitor, view in http.items() if isinstance(view, dict)
        },
        "final_urls": {
            visitor: (view or {}).get("final_url") for visitor, view in http.items() if isinstance(view, dict)
        },
        "browser_error": (record.get("browser") or {}).get("error"),
    }


def score(output: Path, suspects: Sequence[tuple[str, str]]) -> Accuracy:
    found = read_jsonl(output, lambda r: isinstance(r.get("domain"), str))
    records = {record["domain"]: record for record in found.records}
    by_kind = {kind: KindScore() for kind in KINDS}
    wrong: list[dict[str, Any]] = []
    missing = 0
    elapsed: list[float] = []
    for domain, expected in suspects:
        s = by_kind.setdefault(expected, KindScore())
        s.total += 1
        record = records.get(domain)
        got = record.get("verdict") if record else None
        if record is None:
            missing += 1
        else:
            if isinstance(record.get("elapsed"), int | float):
                elapsed.append(float(record["elapsed"]))
            if record.get("screenshot"):
                s.screenshots += 1
        s.got[str(got)] = s.got.get(str(got), 0) + 1
        if got == expected:
            s.correct += 1
        else:
            wrong.append(_wrong_entry(domain, expected, record))
    return Accuracy(by_kind, wrong, len(records), found.bad_lines, missing, elapsed)
