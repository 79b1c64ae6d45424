"""The cluster stage from end to end: evidence records in, campaigns out."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from clonewatch.cluster.campaigns import assemble
from clonewatch.cluster.graph import weighted_edges
from clonewatch.cluster.pivots import copied_values, facts_of
from clonewatch.cluster.records import Campaign, DomainFacts, Pivot
from clonewatch.cluster.weights import ClusterSettings, value_weights
from clonewatch.errors import InputError
from clonewatch.graphs import weighted_groups

LEFT_OUT = frozenset({"defensive", "unregistered"})  # the owner's own names, and names nobody holds
MAX_LINE = 16 << 20


@dataclass(slots=True)
class ReadStats:
    """Records read, lines skipped (with the first few positions and why)."""

    read: int = 0
    skipped: int = 0
    examples: list[str] = field(default_factory=list)

    def skip(self, where: str, why: str) -> None:
        self.skipped += 1
        if len(self.examples) < 5:
            self.examples.append(f"{where}: {why}")


def read_evidence(paths: Iterable[str], stats: ReadStats) -> Iterator[Mapping[str, Any]]:
    """Evidence records from probe JSONL files (``-``: standard input); a line that is not a JSON
    object is counted, and skipped. InputError for a file that cannot be opened."""
    import sys

    for path in paths:
        try:
            handle = sys.stdin if path == "-" else Path(path).open(encoding="utf-8", errors="replace")  # noqa: SIM115
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from None
        with handle if path != "-" else _borrowed(handle):
            for number, line in enumerate(handle, start=1):
                record = parse_line(line)
                if isinstance(record, str):
                    if record:
                        stats.skip(f"{'stdin' if path == '-' else path}:{number}", record)
                    continue
                stats.read += 1
                yield record


def parse_line(line: str) -> Mapping[str, Any] | str:
    """The evidence record a JSONL line holds, or why it holds none ("" for a blank line)."""
    text = line.strip()
    if not text:
        return ""
    if len(text) > MAX_LINE:
        return "line too long"
    try:
        record = json.loads(text)
    except ValueError:
        return "not JSON"
    if not isinstance(record, dict) or not isinstance(record.get("domain"), str):
        return "not an evidence record (no domain)"
    return record


class _borrowed:
    """A context that leaves standard input open."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle

    def __enter__(self) -> Any:
        return self.handle

    def __exit__(self, *exc: object) -> None:
        return None


def collect_facts(
    records: Iterable[Mapping[str, Any]],
    settings: ClusterSettings,
    *,
    asn: Callable[[str], int | None] | None = None,
) -> list[DomainFacts]:
    """The pivots of every record (the latest record of a domain wins), values copied from a
    genuine outlet removed, defensive and unregistered names left out."""
    return merge_facts([record_facts(records, settings, asn=asn)])


def record_facts(
    records: Iterable[Mapping[str, Any]],
    settings: ClusterSettings,
    *,
    asn: Callable[[str], int | None] | None = None,
) -> tuple[list[DomainFacts], set[Pivot]]:
    """The facts of each record in order (defensive and unregistered names left out), and the
    values copied from a genuine outlet: the part of :func:`collect_facts` each record alone
    decides (a Dask worker's share of a big evidence file)."""
    found: list[DomainFacts] = []
    copied: set[Pivot] = set()
    for record in records:
        copied |= copied_values(record)
        item = facts_of(record, window=settings.batch_window, asn=asn, genuine_hosts=settings.genuine_hosts)
        if item is not None and item.verdict not in LEFT_OUT:
            found.append(item)
    return found, copied


def merge_facts(parts: Iterable[tuple[list[DomainFacts], set[Pivot]]]) -> list[DomainFacts]:
    """Parts of :func:`record_facts` in input order as one: the latest record of a domain wins,
    every value copied from a genuine outlet removed."""
    latest: dict[str, DomainFacts] = {}
    copied: set[Pivot] = set()
    for found, values in parts:
        copied |= values
        for item in found:
            known = latest.get(item.domain)
            if known is None or (item.probed or "") >= (known.probed or ""):
                latest[item.domain] = item
    return [_without(item, copied) for item in latest.values()]


def _without(item: DomainFacts, copied: Collection[Pivot]) -> DomainFacts:
    if not copied:
        return item
    kept = tuple(p for p in item.pivots if p not in copied)
    return item if len(kept) == len(item.pivots) else replace(item, pivots=kept)


def cluster_facts(facts: list[DomainFacts], settings: ClusterSettings) -> list[Campaign]:
    """Campaigns among ``facts``: communities of the weighted domain graph."""
    if len(facts) < 2:
        return []
    weights = value_weights(facts, settings)
    edges = weighted_edges(facts, weights, settings.min_weight)
    groups = weighted_groups(len(facts), *edges, louvain_above=settings.louvain_above)
    return assemble(facts, weights, groups, edges)


def cluster_records(
    records: Iterable[Mapping[str, Any]],
    settings: ClusterSettings | None = None,
    *,
    seeds: Collection[str] = (),
    asn: Callable[[str], int | None] | None = None,
) -> list[Campaign]:
    """Campaigns in probe evidence records; with ``seeds``, only those holding a seed."""
    settings = settings or ClusterSettings()
    campaigns = cluster_facts(collect_facts(records, settings, asn=asn), settings)
    if not seeds:
        return campaigns
    wanted = {seed.strip().lower().rstrip(".") for seed in seeds}
    return [c for c in campaigns if any(m.domain in wanted for m in c.members)]
