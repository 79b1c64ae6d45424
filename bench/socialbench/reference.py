"""An independent count of the co-link edges, from the data set itself, under both tools' definitions.

For every URL its posts are sorted by time; two posts of different accounts are a co-share when they are
at most ``window`` seconds apart (both tools include the bound). For each unordered account pair (a, b),
a < b, the reference keeps:

* ``post_pairs``: the number of co-shared post pairs, clonewatch's weight;
* ``a_msgs``: the number of a's posts with at least one post of b within the window on the same URL,
  the toolkit's weight of the directed edge a -> b (``count(distinct e_1.message_id)``);
* ``b_msgs``: the same for b -> a.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from benchkit.log import progress

Pair = tuple[str, str]


@dataclass(slots=True)
class RefEdge:
    post_pairs: int = 0
    a_msgs: int = 0
    b_msgs: int = 0


def read_posts(cw_csv: Path) -> dict[str, list[tuple[int, str, str]]]:
    """url -> [(time, account, post_id)] from the clonewatch-layout CSV (epoch seconds)."""
    by_url: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    with cw_csv.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for account, time, url, _text, post_id in reader:
            by_url[url].append((int(time), account, post_id))
    return by_url


def co_link_edges(by_url: dict[str, list[tuple[int, str, str]]], window: int) -> dict[Pair, RefEdge]:
    progress(f"reference: co-link edges of {sum(map(len, by_url.values())):,} posts, window {window} s")
    edges: dict[Pair, RefEdge] = {}
    for posts in by_url.values():
        if len(posts) < 2:
            continue
        posts.sort()
        partners: list[set[str]] = [set() for _ in posts]
        start = 0
        for i, (t, account, _) in enumerate(posts):
            while t - posts[start][0] > window:
                start += 1
            for j in range(start, i):
                other = posts[j][1]
                if other == account:
                    continue
                pair = (other, account) if other < account else (account, other)
                edge = edges.get(pair)
                if edge is None:
                    edge = edges[pair] = RefEdge()
                edge.post_pairs += 1
                partners[i].add(other)
                partners[j].add(account)
        for (_, account, _), seen in zip(posts, partners, strict=True):
            for other in seen:
                if account < other:
                    edges[(account, other)].a_msgs += 1
                else:
                    edges[(other, account)].b_msgs += 1
    progress(f"reference: {len(edges):,} account pairs")
    return edges
