"""Stream feeds through the matcher, in one process or spread over several, counting what was read."""

from __future__ import annotations

import signal
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field

from clonewatch.brands import Brand
from clonewatch.match.matcher import Matcher
from clonewatch.match.profile import Profile
from clonewatch.match.records import Match
from clonewatch.names import DomainName, default_psl, parse_feed_line
from clonewatch.names.feed import block_lines, iter_blocks, open_feed
from clonewatch.names.parse import MAX_LINE

SKIP_EXAMPLES = 5

_Line = tuple[int, str | None, str]


@dataclass(frozen=True, slots=True)
class SkippedLine:
    source: str
    lineno: int
    reason: str


@dataclass(slots=True)
class FeedStats:
    """What a run got through: names read, lines skipped as unparseable (first few kept), names flagged."""

    read: int = 0
    skipped: int = 0
    flagged: int = 0
    examples: list[SkippedLine] = field(default_factory=list)

    def skip(self, source: str, lineno: int, reason: str) -> None:
        self.skipped += 1
        if len(self.examples) < SKIP_EXAMPLES:
            self.examples.append(SkippedLine(source, lineno, reason))

    def merge(self, other: FeedStats) -> None:
        self.read += other.read
        self.flagged += other.flagged
        for example in other.examples:
            self.skip(example.source, example.lineno, example.reason)
        self.skipped += other.skipped - len(other.examples)


def match_lines(lines: Iterable[_Line], source: str, matcher: Matcher, stats: FeedStats) -> Iterator[Match]:
    """Match already-read lines of one source, updating ``stats`` as it goes."""
    psl = default_psl()
    match = matcher.match
    for lineno, text, why in lines:
        if text is None:
            stats.read += 1
            stats.skip(source, lineno, why)
            continue
        name = parse_feed_line(text, psl)
        if name is None:
            continue
        stats.read += 1
        if not isinstance(name, DomainName):
            stats.skip(source, lineno, name.reason)
            continue
        hit = match(name)
        if hit is not None:
            stats.flagged += 1
            yield hit


def match_block(
    source: str, first_lineno: int, block: bytes, matcher: Matcher, stats: FeedStats
) -> list[Match]:
    """Match one block of whole lines. A block of valid UTF-8 with no overlong line is decoded
    and split in one go (the common case, and the hot loop of every run); any other block goes
    line by line through match_lines."""
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError:
        return list(match_lines(block_lines(first_lineno, block), source, matcher, stats))
    lines = text.split("\n")
    if not lines[-1]:
        lines.pop()
    if len(block) > MAX_LINE and max(map(len, lines)) > MAX_LINE:
        return list(match_lines(block_lines(first_lineno, block), source, matcher, stats))
    psl = default_psl()
    match = matcher.match
    hits: list[Match] = []
    read = 0
    try:
        for lineno, line in enumerate(lines, first_lineno):
            name = parse_feed_line(line, psl)
            if name is None:
                continue
            read += 1
            if not isinstance(name, DomainName):
                stats.skip(source, lineno, name.reason)
                continue
            hit = match(name)
            if hit is not None:
                hits.append(hit)
    finally:
        stats.read += read
        stats.flagged += len(hits)
    return hits


def match_feeds(
    sources: Sequence[str],
    brands: Sequence[Brand],
    stats: FeedStats,
    *,
    workers: int = 1,
    profile: Profile | None = None,
) -> Iterator[Match]:
    """Every look-alike in ``sources`` (paths or ``-``), in feed order; FeedError on unreadable input."""
    if workers <= 1:
        matcher = Matcher(brands, profile=profile)
        for source, first_lineno, block in _blocks(sources):
            yield from match_block(source, first_lineno, block, matcher, stats)
        return
    yield from _match_parallel(sources, brands, stats, workers, profile)


_WORKER_MATCHER: Matcher | None = None


def _init_worker(brands: Sequence[Brand], profile: Profile | None) -> None:
    """Workers leave Ctrl-C to the parent, which stops reading and reports what was done."""
    global _WORKER_MATCHER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_MATCHER = Matcher(brands, profile=profile)


def _match_block(source: str, first_lineno: int, block: bytes) -> tuple[list[Match], FeedStats]:
    assert _WORKER_MATCHER is not None
    stats = FeedStats()
    return match_block(source, first_lineno, block, _WORKER_MATCHER, stats), stats


def _blocks(sources: Sequence[str]) -> Iterator[tuple[str, int, bytes]]:
    for source in sources:
        with open_feed(source) as stream:
            for first_lineno, block in iter_blocks(stream, source):
                yield source, first_lineno, block


def _match_parallel(
    sources: Sequence[str], brands: Sequence[Brand], stats: FeedStats, workers: int, profile: Profile | None
) -> Iterator[Match]:
    """Blocks of raw lines go to worker processes, at most two per worker in flight (flat memory);
    workers decode, parse and match, so the reading process does next to nothing per line."""
    pending: deque[Future[tuple[list[Match], FeedStats]]] = deque()
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(list(brands), profile)
    ) as pool:
        try:
            for source, first_lineno, block in _blocks(sources):
                pending.append(pool.submit(_match_block, source, first_lineno, block))
                while len(pending) >= 2 * workers:
                    yield from _collect(pending.popleft(), stats)
            while pending:
                yield from _collect(pending.popleft(), stats)
        finally:
            for future in pending:
                future.cancel()


def _collect(future: Future[tuple[list[Match], FeedStats]], stats: FeedStats) -> list[Match]:
    hits, chunk_stats = future.result()
    stats.merge(chunk_stats)
    return hits
