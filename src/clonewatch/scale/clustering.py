"""``cluster`` on a Dask cluster: the evidence files read, parsed and turned into facts by the workers.

Reading a big evidence file is the part of ``cluster`` that is a pure function of its input: each
line is parsed (JSON of tens of kilobytes) and its pivots taken (``record_facts``), whatever the
other lines hold. That is what runs as tasks, one per line-aligned range of each file, read by the
workers themselves (see :mod:`clonewatch.scale.ranges`). Weighing the values, building the graph
and finding its communities need every domain at once: they run here, on the facts the tasks
return (a few hundred bytes per domain). The campaigns are those of a run here.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from clonewatch.cluster.build import ReadStats, merge_facts, parse_line, record_facts
from clonewatch.cluster.records import DomainFacts, Pivot
from clonewatch.cluster.weights import ClusterSettings
from clonewatch.scale.connect import Spread, shared
from clonewatch.scale.ranges import DEFAULT_STEP, Piece, open_piece, pieces_of, shape_of
from clonewatch.scale.worker import address, here

if TYPE_CHECKING:
    from distributed import Client


@dataclass(frozen=True, slots=True)
class FactsJob:
    settings: ClusterSettings
    asn_db: Path | None = None  # an IP-to-ASN table at a path every worker sees


@dataclass(frozen=True, slots=True)
class FactsPiece:
    """One range's facts and copied values, its records and skipped lines (numbered in the range)."""

    index: int
    facts: list[DomainFacts]
    copied: set[Pivot]
    read: int
    skipped: list[tuple[int, str]]
    lines: int
    worker: str


def facts_task(job: FactsJob, piece: Piece) -> FactsPiece:
    """The task: parse one range of an evidence file and take each record's facts."""
    records = []
    skipped: list[tuple[int, str]] = []
    lines = 0
    with ExitStack() as stack:
        asn = None
        if job.asn_db is not None:
            from clonewatch.cluster.asn import AsnTable

            table = job.asn_db
            asn = stack.enter_context(here().using(f"asn-{table}", lambda: AsnTable.load(table)))
        stream = stack.enter_context(open_piece(piece))
        text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace")
        for lines, line in enumerate(text, start=1):
            record = parse_line(line)
            if isinstance(record, str):
                if record:
                    skipped.append((lines, record))
                continue
            records.append(record)
        facts, copied = record_facts(records, job.settings, asn=asn)
    return FactsPiece(piece.index, facts, copied, len(records), skipped, lines, address())


def facts_on_cluster(
    client: Client,
    paths: Sequence[str],
    job: FactsJob,
    stats: ReadStats,
    spread: Spread,
    *,
    step: int = DEFAULT_STEP,
) -> list[DomainFacts]:
    """The facts of every record in ``paths`` as ``collect_facts`` gives them; ``stats`` counts
    records and skipped lines (numbered from their file's start)."""
    from distributed import as_completed

    shapes = client.gather(client.map(shape_of, list(paths), pure=False))
    pieces: list[Piece] = []
    for path, shape in zip(paths, shapes, strict=True):
        pieces += pieces_of(path, shape, step, len(pieces))
    sent = shared(client, job)
    futures = [client.submit(facts_task, sent, piece, retries=1, pure=False) for piece in pieces]
    done: dict[int, FactsPiece] = {}
    try:
        for future in as_completed(futures, loop=client.loop):
            part: FactsPiece = future.result()
            done[part.index] = part
            spread.tasks[part.worker] += 1
    finally:
        client.cancel(futures)
    ordered = [done[piece.index] for piece in pieces]
    _count(ordered, pieces, stats)
    return merge_facts((part.facts, part.copied) for part in ordered)


def _count(parts: list[FactsPiece], pieces: list[Piece], stats: ReadStats) -> None:
    before = 0
    for part, piece in zip(parts, pieces, strict=True):
        if piece.start == 0:
            before = 0
        stats.read += part.read
        for number, why in part.skipped:
            stats.skip(f"{piece.source}:{number + before}", why)
        before += part.lines
