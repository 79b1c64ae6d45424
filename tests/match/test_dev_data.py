"""The real-operation development data in ../shared: recall and false flags (skipped when absent)."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

from clonewatch.match import Matcher
from clonewatch.names import DomainName, default_psl, parse_line


def test_recall_on_doppelganger_lookalikes(shared_data: Path, dev_matcher: Matcher) -> None:
    with (shared_data / "doppelganger_dev.csv").open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["kind"] == "lookalike"]
    found = 0
    for row in rows:
        name = parse_line(row["domain"], default_psl())
        hit = dev_matcher.match(name) if isinstance(name, DomainName) else None
        found += hit is not None and hit.genuine == row["genuine"]
    assert found / len(rows) >= 0.95


def test_few_flags_on_popular_benign_names(shared_data: Path, dev_matcher: Matcher) -> None:
    with gzip.open(shared_data / "benign_dev.txt.gz", "rt", encoding="utf-8") as handle:
        names = [line.strip() for line in handle if line.strip()]
    psl = default_psl()
    flagged = 0
    for line in names:
        name = parse_line(line, psl)
        if isinstance(name, DomainName) and dev_matcher.match(name) is not None:
            flagged += 1
    assert flagged * 100_000 / len(names) <= 10
