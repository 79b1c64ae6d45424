"""Edge lists of both tools, compared with each other and with the reference count.

clonewatch writes one row per unordered account pair (``account_a < account_b``) whose weight is the number
of co-shared *post pairs*. The toolkit writes one row per *directed* pair (user_1, user_2): its weight is
``count(distinct e_1.message_id)`` over the self-join of its ``message_url`` table on the same URL and
``e_2.timestamp between e_1.timestamp - W and e_1.timestamp + W``, that is, the number of user_1's posts that
have at least one post of user_2 within the window. Both directions are written, and their weights differ
when one account's posts are matched by more (or fewer) posts of the other.

Pairs are compared unordered. A pair has the *same weight* when clonewatch's weight equals the toolkit's
weight in both directions, which happens exactly when the pair's co-shares pair each post with a single
post of the other account.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchkit.log import progress
from socialbench.reference import Pair, RefEdge

CW_EDGE_HEADER = ["account_a", "account_b", "weight", "keys"]
CNT_EDGE_HEADER = ["source", "target", "weight", "edge_type"]


@dataclass(slots=True)
class CwEdge:
    weight: int
    keys: tuple[str, ...]


@dataclass
class CwEdges:
    edges: dict[Pair, CwEdge] = field(default_factory=dict)
    rows: int = 0
    unordered_rows: int = 0  # account_a > account_b, against the contract
    duplicate_rows: int = 0
    self_pairs: int = 0
    bad_rows: int = 0
    header: list[str] = field(default_factory=list)


@dataclass
class CntEdges:
    directed: dict[Pair, int] = field(default_factory=dict)
    rows: int = 0
    self_loops: int = 0
    bad_rows: int = 0
    header: list[str] = field(default_factory=list)


def read_cw_edges(path: Path) -> CwEdges:
    out = CwEdges()
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        out.header = next(reader, [])
        for row in reader:
            out.rows += 1
            try:
                a, b, weight_text, keys_text = row[:4]
                weight = int(weight_text)
            except ValueError:
                out.bad_rows += 1
                continue
            if a == b:
                out.self_pairs += 1
                continue
            if a > b:
                out.unordered_rows += 1
                a, b = b, a
            if (a, b) in out.edges:
                out.duplicate_rows += 1
            out.edges[(a, b)] = CwEdge(weight, tuple(keys_text.split()))
    return out


def read_cnt_edges(path: Path) -> CntEdges:
    out = CntEdges()
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        out.header = next(reader, [])
        for row in reader:
            out.rows += 1
            try:
                source, target, weight_text = row[:3]
                weight = int(float(weight_text))
            except ValueError:
                out.bad_rows += 1
                continue
            if source == target:
                out.self_loops += 1
                continue
            out.directed[(source, target)] = weight
    return out


def cnt_pairs(cnt: CntEdges) -> tuple[dict[Pair, tuple[int, int]], int]:
    """Unordered pairs (a < b) -> (weight a->b, weight b->a), 0 for a missing direction; and how many pairs
    have only one direction."""
    pairs: dict[Pair, tuple[int, int]] = {}
    for (u, v), weight in cnt.directed.items():
        if u < v:
            pairs[(u, v)] = (weight, cnt.directed.get((v, u), 0))
        elif (v, u) not in cnt.directed:
            pairs[(v, u)] = (0, weight)
    one_way = sum(1 for ab, ba in pairs.values() if ab == 0 or ba == 0)
    return pairs, one_way


@dataclass
class Comparison:
    cw_pairs: int = 0
    cnt_directed_rows: int = 0
    cnt_pairs: int = 0
    cnt_one_direction_only: int = 0
    both: int = 0
    only_cw: int = 0
    only_cnt: int = 0
    same_weight: int = 0
    differ_weight: int = 0
    cw_weight_sum: int = 0
    cnt_weight_sum: int = 0  # over directed rows
    cw_at_least_3: int = 0
    cnt_at_least_3_either: int = 0
    cnt_at_least_3_both: int = 0
    differ_by_pattern: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    reference: dict[str, Any] = field(default_factory=dict)
    cw_keys_not_in_data: int = 0
    cw_file_problems: dict[str, int] = field(default_factory=dict)
    have_cw: bool = False
    have_cnt: bool = False

    @property
    def same_pairs(self) -> bool | None:
        if not (self.have_cw and self.have_cnt):
            return None
        return self.only_cw == 0 and self.only_cnt == 0

    def as_json(self) -> dict[str, Any]:
        return {
            "clonewatch_pairs": self.cw_pairs,
            "cnt_directed_rows": self.cnt_directed_rows,
            "cnt_pairs": self.cnt_pairs,
            "cnt_pairs_with_one_direction_only": self.cnt_one_direction_only,
            "pairs_in_both": self.both,
            "pairs_only_clonewatch": self.only_cw,
            "pairs_only_cnt": self.only_cnt,
            "same_pair_set": self.same_pairs,
            "pairs_same_weight": self.same_weight,
            "pairs_different_weight": self.differ_weight,
            "clonewatch_weight_sum": self.cw_weight_sum,
            "cnt_weight_sum_directed": self.cnt_weight_sum,
            "pairs_weight_at_least_3": {
                "clonewatch": self.cw_at_least_3,
                "cnt_either_direction": self.cnt_at_least_3_either,
                "cnt_both_directions": self.cnt_at_least_3_both,
            },
            "different_weight_patterns": dict(self.differ_by_pattern.most_common()),
            "clonewatch_keys_not_in_data": self.cw_keys_not_in_data,
            "clonewatch_edge_file_problems": self.cw_file_problems,
            "reference": self.reference,
            "examples": self.examples,
        }


def pattern(cw_weight: int, ab: int, ba: int) -> str:
    """How a pair's co-shares look, from the weights: post pairs, and posts of each side involved."""
    lo, hi = sorted((ab, ba))
    return f"{cw_weight} post pairs from {hi} + {lo} posts"


def compare(
    cw: CwEdges | None,
    cnt: CntEdges | None,
    ref: dict[Pair, RefEdge],
    by_url: dict[str, list[tuple[int, str, str]]],
    *,
    examples: int,
) -> Comparison:
    progress("compare: edge sets and weights")
    out = Comparison(have_cw=cw is not None, have_cnt=cnt is not None)
    cw_edges = cw.edges if cw else {}
    pairs, one_way = cnt_pairs(cnt) if cnt else ({}, 0)
    out.cw_pairs = len(cw_edges)
    out.cnt_directed_rows = len(cnt.directed) if cnt else 0
    out.cnt_pairs = len(pairs)
    out.cnt_one_direction_only = one_way
    out.cw_weight_sum = sum(e.weight for e in cw_edges.values())
    out.cnt_weight_sum = sum(cnt.directed.values()) if cnt else 0
    out.cw_at_least_3 = sum(1 for e in cw_edges.values() if e.weight >= 3)
    out.cnt_at_least_3_either = sum(1 for ab, ba in pairs.values() if max(ab, ba) >= 3)
    out.cnt_at_least_3_both = sum(1 for ab, ba in pairs.values() if min(ab, ba) >= 3)
    if cw is not None:
        out.cw_file_problems = {
            "header_not_as_contract": int(cw.header != CW_EDGE_HEADER),
            "rows_with_account_a_after_account_b": cw.unordered_rows,
            "duplicate_pairs": cw.duplicate_rows,
            "self_pairs": cw.self_pairs,
            "unparsable_rows": cw.bad_rows,
        }
        out.cw_keys_not_in_data = len({k for e in cw_edges.values() for k in e.keys} - by_url.keys())

    differ: dict[str, list[Pair]] = {}
    only_cw: list[Pair] = []
    only_cnt: list[Pair] = []
    if cw is not None and cnt is not None:
        for pair, edge in cw_edges.items():
            weights = pairs.get(pair)
            if weights is None:
                only_cw.append(pair)
                continue
            out.both += 1
            ab, ba = weights
            if edge.weight == ab == ba:
                out.same_weight += 1
            else:
                out.differ_weight += 1
                kind = pattern(edge.weight, ab, ba)
                differ.setdefault(kind, []).append(pair)
                out.differ_by_pattern[kind] += 1
        only_cnt = [pair for pair in pairs if pair not in cw_edges]
        out.only_cw = len(only_cw)
        out.only_cnt = len(only_cnt)
    out.reference = _against_reference(cw_edges if cw else None, pairs if cnt else None, ref)

    wanted: dict[str, list[Pair]] = {
        "different_weight": _spread(differ, examples),
        "only_clonewatch": only_cw[:examples],
        "only_cnt": only_cnt[:examples],
    }
    posts = _posts_of({a for chosen in wanted.values() for pair in chosen for a in pair}, by_url)
    for kind, chosen in wanted.items():
        out.examples[kind] = [
            _example(pair, cw_edges.get(pair), pairs.get(pair), ref.get(pair), posts) for pair in chosen
        ]
    return out


def _spread(by_kind: dict[str, list[Pair]], n: int) -> list[Pair]:
    """Up to ``n`` examples, of as many different weight patterns as possible (the most common first)."""
    queues = sorted(by_kind.values(), key=len, reverse=True)
    chosen: list[Pair] = []
    for depth in range(n):
        for queue in queues:
            if depth < len(queue) and len(chosen) < n:
                chosen.append(queue[depth])
    return chosen


def _against_reference(
    cw_edges: dict[Pair, CwEdge] | None, pairs: dict[Pair, tuple[int, int]] | None, ref: dict[Pair, RefEdge]
) -> dict[str, Any]:
    out: dict[str, Any] = {"pairs": len(ref)}
    if cw_edges is not None:
        out["clonewatch"] = {
            "definition": "weight = co-shared post pairs",
            "missing_pairs": sum(1 for p in ref if p not in cw_edges),
            "extra_pairs": sum(1 for p in cw_edges if p not in ref),
            "wrong_weight": sum(1 for p, e in cw_edges.items() if p in ref and e.weight != ref[p].post_pairs),
        }
    if pairs is not None:
        out["cnt"] = {
            "definition": "weight a->b = posts of a with a post of b within the window",
            "missing_pairs": sum(1 for p in ref if p not in pairs),
            "extra_pairs": sum(1 for p in pairs if p not in ref),
            "wrong_weight": sum(
                1 for p, w in pairs.items() if p in ref and w != (ref[p].a_msgs, ref[p].b_msgs)
            ),
        }
    return out


def _posts_of(
    accounts: set[str], by_url: dict[str, list[tuple[int, str, str]]]
) -> dict[str, dict[str, list[tuple[int, str, str]]]]:
    """account -> url -> its posts, for the few accounts of the examples."""
    found: dict[str, dict[str, list[tuple[int, str, str]]]] = {a: {} for a in accounts}
    if not accounts:
        return found
    for url, posts in by_url.items():
        for post in posts:
            if post[1] in accounts:
                found[post[1]].setdefault(url, []).append(post)
    return found


def _example(
    pair: Pair,
    cw_edge: CwEdge | None,
    cnt_weights: tuple[int, int] | None,
    ref: RefEdge | None,
    posts: dict[str, dict[str, list[tuple[int, str, str]]]],
) -> dict[str, Any]:
    a, b = pair
    shared = sorted(set(posts.get(a, {})) & set(posts.get(b, {})))
    timeline: dict[str, list[str]] = {}
    for url in shared:
        merged = sorted(posts[a][url] + posts[b][url])
        t0 = merged[0][0]
        timeline[url] = [f"{'A' if acc == a else 'B'}+{t - t0}s" for t, acc, _ in merged]
    return {
        "account_a": a,
        "account_b": b,
        "clonewatch_weight": cw_edge.weight if cw_edge else None,
        "clonewatch_keys": list(cw_edge.keys) if cw_edge else None,
        "cnt_weight_a_to_b": cnt_weights[0] if cnt_weights else None,
        "cnt_weight_b_to_a": cnt_weights[1] if cnt_weights else None,
        "reference": (
            {"post_pairs": ref.post_pairs, "a_posts": ref.a_msgs, "b_posts": ref.b_msgs} if ref else None
        ),
        "posts_on_shared_urls": timeline,
    }
