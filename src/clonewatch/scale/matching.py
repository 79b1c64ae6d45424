"""``match`` on a Dask cluster: each piece of the feeds is a task that its worker reads and matches.

The client plans the pieces (see :mod:`clonewatch.scale.ranges`; the file sizes are asked of a
worker, so the client need not see the files), sends the brands once to every worker, and sends
one task per piece, a few per worker thread in flight. The worker opens its range itself, splits
it into lines exactly as a local run does, and returns the hits with the counts. Standard input
cannot be read by a worker: its blocks go from the client, read as the work goes. The hits come
back as their pieces finish, or in input order (``ordered``); either way the same hits as
``clonewatch match`` run here. The line numbers of skipped lines are counted within their piece
and made absolute once the pieces before it are in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

from clonewatch.brands import Brand
from clonewatch.match import FeedStats, Matcher, SkippedLine
from clonewatch.match.feed import SKIP_EXAMPLES, match_block
from clonewatch.match.profile import Profile
from clonewatch.match.records import Match
from clonewatch.names.feed import STDIN, iter_blocks, open_feed
from clonewatch.scale.connect import Spread, shared, thread_count
from clonewatch.scale.ranges import DEFAULT_STEP, Piece, open_piece, pieces_of, shape_of
from clonewatch.scale.worker import address, here

if TYPE_CHECKING:
    from distributed import Client, Future

IN_FLIGHT_PER_THREAD = 4


@dataclass(frozen=True, slots=True)
class MatchJob:
    """What every task of one run matches with; ``key`` names the matcher a worker keeps for it."""

    brands: tuple[Brand, ...]
    profile: Profile | None = None

    @property
    def key(self) -> str:
        return "matcher-" + hashlib.sha256(repr((self.brands, self.profile)).encode()).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class PieceResult:
    """One piece matched: its hits, counts (skipped lines numbered within the piece), the lines it
    held, and the worker that read it."""

    index: int
    hits: list[Match]
    stats: FeedStats
    lines: int
    worker: str


def match_piece(job: MatchJob, piece: Piece) -> PieceResult:
    """The task: read one piece and match its lines."""
    stats = FeedStats()
    hits: list[Match] = []
    lines = 0
    matcher_kept = here().using(job.key, lambda: Matcher(job.brands, profile=job.profile))
    with matcher_kept as matcher, open_piece(piece) as stream:
        for first, block in iter_blocks(stream, piece.source):
            hits += match_block(piece.source, first, block, matcher, stats)
            lines = first - 1 + block.count(b"\n") + (not block.endswith(b"\n"))
    return PieceResult(piece.index, hits, stats, lines, address())


def match_lines_block(job: MatchJob, index: int, source: str, first: int, block: bytes) -> PieceResult:
    """The task for a block the client read (standard input): line numbers are already absolute."""
    stats = FeedStats()
    with here().using(job.key, lambda: Matcher(job.brands, profile=job.profile)) as matcher:
        hits = match_block(source, first, block, matcher, stats)
    return PieceResult(index, hits, stats, 0, address())


def match_on_cluster(
    client: Client,
    sources: Sequence[str],
    brands: Sequence[Brand],
    stats: FeedStats,
    spread: Spread,
    *,
    profile: Profile | None = None,
    ordered: bool = False,
    step: int = DEFAULT_STEP,
) -> Iterator[Match]:
    """Every look-alike in ``sources``, as pieces finish or (``ordered``) in input order; FeedError
    for a source no worker can read (before anything is matched)."""
    from distributed import as_completed

    job = shared(client, MatchJob(tuple(brands), profile))
    files = [source for source in dict.fromkeys(sources) if source != STDIN]
    shapes = dict(zip(files, client.gather(client.map(shape_of, files, pure=False)), strict=True))
    pieces: dict[int, Piece] = {}
    tasks = _tasks(client, job, sources, shapes, step, pieces)
    window = max(8, IN_FLIGHT_PER_THREAD * thread_count(client))
    sent: list[Future[Any]] = list(islice(tasks, window))
    done: dict[int, PieceResult] = {}
    waiting: dict[int, PieceResult] = {}
    following = 0
    flowing = as_completed(sent, loop=client.loop)
    try:
        for future in flowing:
            result: PieceResult = future.result()
            for more in islice(tasks, 1):
                sent.append(more)
                flowing.add(more)
            done[result.index] = result
            spread.tasks[result.worker] += 1
            stats.read += result.stats.read
            stats.flagged += result.stats.flagged
            stats.skipped += result.stats.skipped
            if not ordered:
                yield from result.hits
                continue
            waiting[result.index] = result
            while following in waiting:
                yield from waiting.pop(following).hits
                following += 1
    finally:
        client.cancel(sent)
        stats.examples = _examples(done, pieces, len(sent))


def _tasks(
    client: Client,
    job: Future[MatchJob],
    sources: Sequence[str],
    shapes: dict[str, Any],
    step: int,
    pieces: dict[int, Piece],
) -> Iterator[Future[PieceResult]]:
    """One task per piece of a file and per block of standard input, submitted only as the caller
    asks for the next (so standard input is read as the work goes, never all held at once);
    ``pieces`` gains each file piece as it is sent."""
    index = 0
    for source in sources:
        if source == STDIN:
            with open_feed(source) as stream:
                for first, block in iter_blocks(stream, source):
                    yield client.submit(
                        match_lines_block, job, index, source, first, block, retries=1, pure=False
                    )
                    index += 1
            continue
        for piece in pieces_of(source, shapes[source], step, index):
            pieces[piece.index] = piece
            yield client.submit(match_piece, job, piece, retries=1, pure=False)
            index += 1


def _examples(done: dict[int, PieceResult], pieces: dict[int, Piece], total: int) -> list[SkippedLine]:
    """The first skipped lines in input order, numbered from their file's start (as far as the
    pieces before them are done)."""
    examples: list[SkippedLine] = []
    before = 0
    for index in range(total):
        result = done.get(index)
        if result is None:
            break
        piece = pieces.get(index)
        if piece is None or piece.start == 0:
            before = 0  # a file's first piece, or a block of standard input (numbered already)
        examples += [SkippedLine(e.source, e.lineno + before, e.reason) for e in result.stats.examples]
        before += result.lines
    return examples[:SKIP_EXAMPLES]
