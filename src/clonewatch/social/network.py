"""The co-sharing network: every pair of accounts that shared the same key within a window, counted
with numpy over sorted columns (a sliding window per key, never all pairs of posts)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from clonewatch.errors import InputError
from clonewatch.social.coordinate import CoShare, Share
from clonewatch.social.table import ShareTable, distinct, ranks

if TYPE_CHECKING:
    import numpy.typing as npt

    Ints = npt.NDArray[np.int64]
    Floats = npt.NDArray[np.float64]

PAIRS_PER_CHUNK = 4_000_000  # post pairs expanded at once: bounds the working memory of a big window


@dataclass(frozen=True, slots=True)
class Edge:
    """Two accounts (in name order), how many co-shares linked them, and what they co-shared."""

    accounts: tuple[str, str]
    weight: int
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True, eq=False)
class CoShareNetwork:
    """Edges in columns (``lo``/``hi`` account indices, ``weight``), sorted by account names, and
    every co-share behind them (``pair_*``: edge index, seconds apart, key, the two posts)."""

    table: ShareTable
    lo: Ints
    hi: Ints
    weight: Ints
    pair_edge: Ints
    pair_seconds: Floats
    pair_key: Ints
    pair_first: Ints
    pair_second: Ints
    key_edge: Ints
    key_key: Ints

    def __len__(self) -> int:
        return int(self.weight.shape[0])

    def edge_keys(self) -> tuple[Ints, Ints]:
        """(edge index, key index) for each distinct key of each edge, keys in name order."""
        return self.key_edge, self.key_key

    def edges(self, *, min_repeat: int = 1) -> Iterator[Edge]:
        """The edges repeated at least ``min_repeat`` times, as records, in account-name order."""
        edge_index, key_index = self.edge_keys()
        bounds = np.searchsorted(edge_index, np.arange(len(self) + 1))
        names = [account.id for account in self.table.accounts]
        keys = self.table.keys
        for i in np.flatnonzero(self.weight >= min_repeat).tolist():
            own = key_index[bounds[i] : bounds[i + 1]].tolist()
            yield Edge(
                (names[self.lo[i]], names[self.hi[i]]), int(self.weight[i]), tuple(keys[k] for k in own)
            )

    def edge_columns(self) -> Any:
        """Every edge as a pyarrow table (account_a, account_b, weight, keys: list of strings), for
        writing hundreds of thousands of edges without a Python object each."""
        import pyarrow as pa

        edge_index, key_index = self.edge_keys()
        offsets = np.searchsorted(edge_index, np.arange(len(self) + 1)).astype(np.int32)
        names = pa.array([account.id for account in self.table.accounts], type=pa.string())
        keys = pa.array(list(self.table.keys), type=pa.string())
        return pa.table(
            {
                "account_a": names.take(pa.array(self.lo)),
                "account_b": names.take(pa.array(self.hi)),
                "weight": pa.array(self.weight),
                "keys": pa.ListArray.from_arrays(pa.array(offsets), keys.take(pa.array(key_index))),
            }
        )

    def co_share(self, row: int) -> CoShare:
        table = self.table
        return CoShare(
            round(float(self.pair_seconds[row]), 3),
            table.keys[int(self.pair_key[row])],
            table.post_ids[int(self.pair_first[row])],
            table.post_ids[int(self.pair_second[row])],
        )


def as_table(shares: ShareTable | Iterable[Share]) -> ShareTable:
    return shares if isinstance(shares, ShareTable) else ShareTable.from_shares(shares)


def co_share_edges(shares: ShareTable | Iterable[Share], window: float) -> CoShareNetwork:
    """Every pair of accounts that shared the same key within ``window`` seconds (inclusive),
    weighted by how many such post pairs there were; each post pairs only with the earlier posts
    of its key inside the window."""
    table = as_table(shares)
    order = _key_time_order(table)
    key = table.key[order]
    account = table.account[order]
    start = _window_starts(key, table.time[order], window)
    earlier = np.arange(len(table), dtype=np.int64) - start
    rank = ranks([a.id for a in table.accounts])
    parts: list[tuple[Ints, Ints]] = []
    for first_row, last_row in _chunks(earlier):
        counts = earlier[first_row:last_row]
        later = np.repeat(np.arange(first_row, last_row, dtype=np.int64), counts)
        offsets = np.arange(len(later), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        sooner = start[later] + offsets
        keep = account[later] != account[sooner]
        parts.append((later[keep], sooner[keep]))
    later = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    sooner = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    a, b = account[sooner], account[later]
    swap = rank[a] > rank[b]
    lo = np.where(swap, b, a)
    hi = np.where(swap, a, b)
    pair_code = rank[lo] * len(rank) + rank[hi]
    codes, pair_edge, weight = np.unique(pair_code, return_inverse=True, return_counts=True)
    lo_rank, hi_rank = np.divmod(codes, max(len(rank), 1))
    by_rank = np.empty_like(rank)
    by_rank[rank] = np.arange(len(rank), dtype=np.int64)
    time = table.time[order]
    post = table.post[order]
    pair_edge = pair_edge.astype(np.int64).reshape(-1)
    key_edge, key_key = _distinct_keys(pair_edge, key[later], table.keys)
    return CoShareNetwork(
        table=table,
        lo=by_rank[lo_rank],
        hi=by_rank[hi_rank],
        weight=weight.astype(np.int64),
        pair_edge=pair_edge,
        pair_seconds=time[later] - time[sooner],
        pair_key=key[later],
        pair_first=post[sooner],
        pair_second=post[later],
        key_edge=key_edge,
        key_key=key_key,
    )


def _distinct_keys(pair_edge: Ints, pair_key: Ints, keys: Sequence[str]) -> tuple[Ints, Ints]:
    """(edge, key) once for each key an edge co-shared, sorted by edge then key name."""
    if not len(pair_edge):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    key_rank = ranks(keys)
    combined = distinct(pair_edge * len(keys) + key_rank[pair_key])
    edges, ranked = np.divmod(combined, len(keys))
    by_rank = np.empty_like(key_rank)
    by_rank[key_rank] = np.arange(len(key_rank), dtype=np.int64)
    return edges, by_rank[ranked]


def _key_time_order(table: ShareTable) -> Ints:
    """Rows sorted by key, then time: one integer sort when key and microsecond fit one int64,
    else a two-key sort."""
    if not len(table):
        return np.zeros(0, dtype=np.int64)
    micros = np.round((table.time - table.time.min()) * 1_000_000).astype(np.int64)
    span = int(micros.max()) + 1
    if len(table.keys) * span < 1 << 62:
        return np.argsort(table.key * span + micros, kind="stable")
    return np.lexsort((table.time, table.key))


def _window_starts(key: Ints, time: Floats, window: float) -> Ints:
    """For rows sorted by key then time: the first row of the same key at most ``window``
    seconds earlier. Times are compared in whole microseconds; each key gets its own stretch of
    one increasing number line, so a single search serves every key."""
    count = len(key)
    if not count:
        return np.zeros(0, dtype=np.int64)
    window_us = round(window * 1_000_000)
    micros = np.round((time - time.min()) * 1_000_000).astype(np.int64)
    first = np.ones(count, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    rows = np.arange(count, dtype=np.int64)
    key_first = np.maximum.accumulate(np.where(first, rows, 0))
    relative = micros - micros[key_first]
    last = np.ones(count, dtype=bool)
    last[:-1] = first[1:]
    spans = relative[last] + window_us + 1
    start = np.empty(count, dtype=np.int64)
    key_of_row = np.cumsum(first) - 1
    key_rows = np.append(np.flatnonzero(first), count)
    for lo_key, hi_key in _key_batches(spans):
        lo_row, hi_row = int(key_rows[lo_key]), int(key_rows[hi_key])
        offsets = np.cumsum(spans[lo_key:hi_key]) - spans[lo_key:hi_key]
        position = offsets[key_of_row[lo_row:hi_row] - lo_key] + relative[lo_row:hi_row]
        start[lo_row:hi_row] = lo_row + np.searchsorted(position, position - window_us, side="left")
    return start


def _key_batches(spans: Ints) -> Iterator[tuple[int, int]]:
    """Runs of keys whose stretches fit one int64 number line together (almost always one run)."""
    limit = float(1 << 62)
    total = np.cumsum(spans.astype(np.float64))
    first = 0
    while first < len(spans):
        base = total[first - 1] if first else 0.0
        last = max(first + 1, int(np.searchsorted(total, base + limit, side="right")))
        yield first, min(last, len(spans))
        first = last


def _chunks(earlier: Ints) -> Iterator[tuple[int, int]]:
    """Row ranges whose post pairs number about PAIRS_PER_CHUNK each."""
    total = np.cumsum(earlier)
    first = 0
    while first < len(earlier):
        done = int(total[first - 1]) if first else 0
        last = int(np.searchsorted(total, done + PAIRS_PER_CHUNK, side="right"))
        last = max(last, first + 1)
        yield first, last
        first = last


def estimate_window(
    shares: ShareTable | Iterable[Share], *, top: float = 0.1, quantile: float = 0.1
) -> float:
    """CooRnet's rule: among the most-shared keys (the top tenth by shares), the time after each
    key's first share within which the fastest tenth of its later shares happen. At least 1 s."""
    table = as_table(shares)
    counts = np.bincount(table.key, minlength=len(table.keys))
    repeated = np.flatnonzero(counts > 1)
    if not len(repeated):
        raise InputError("cannot estimate a window: no link is shared twice; give --window")
    by_count = repeated[np.argsort(-counts[repeated], kind="stable")]
    chosen = np.zeros(len(table.keys), dtype=bool)
    chosen[by_count[: max(1, int(len(repeated) * top))]] = True
    rows = np.flatnonzero(chosen[table.key])
    order = rows[np.lexsort((table.time[rows], table.key[rows]))]
    key = table.key[order]
    time = table.time[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    first_time = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    delays = np.sort((time - time[first_time])[~first])
    return max(1.0, round(float(delays[int(quantile * (len(delays) - 1))]), 3))
