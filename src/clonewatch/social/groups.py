"""Groups of accounts from the co-sharing network (community.py finds them), each with what it
pushed, when, and its proof."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np

from clonewatch.social.community import CommunityWorker, account_groups
from clonewatch.social.coordinate import TIGHTEST_KEPT, Group
from clonewatch.social.network import CoShareNetwork
from clonewatch.social.table import distinct, is_in_sorted

if TYPE_CHECKING:
    import numpy.typing as npt

    Ints = npt.NDArray[np.int64]


def groups_of(
    network: CoShareNetwork, *, min_repeat: int, worker: CommunityWorker | None = None
) -> list[Group]:
    """Connected components of the edges repeated at least ``min_repeat`` times, largest first;
    a component of more than LOUVAIN_ABOVE accounts is split into its Louvain communities (in
    ``worker``'s process when one is given)."""
    strong = np.flatnonzero(network.weight >= min_repeat)
    if not len(strong):
        return []
    arrays = (len(network.table.accounts), network.lo[strong], network.hi[strong], network.weight[strong])
    group = worker.account_groups(*arrays) if worker is not None else account_groups(*arrays)
    table = network.table
    n_keys = max(len(table.keys), 1)
    lo, hi = network.lo[strong], network.hi[strong]
    edges = strong[(group[lo] == group[hi]) & (group[lo] >= 0)]
    edge_group = np.full(len(network), -1, dtype=np.int64)
    edge_group[edges] = group[network.lo[edges]]
    count = int(group.max()) + 1
    edge_index, key_index = network.edge_keys()
    key_group = edge_group[edge_index]
    group_keys = distinct(key_group[key_group >= 0] * n_keys + key_index[key_group >= 0])
    row_group = group[table.account]
    in_group = np.flatnonzero(row_group >= 0)
    rows = in_group[is_in_sorted(row_group[in_group] * n_keys + table.key[in_group], group_keys)]
    members, member_bounds = _sorted_by(group, count)
    rows, row_bounds = _apply(rows, _sorted_by(row_group[rows], count))
    edges, edge_bounds = _apply(edges, _sorted_by(edge_group[edges], count))
    pair_group = edge_group[network.pair_edge]
    paired = np.flatnonzero(pair_group >= 0)
    paired = paired[np.lexsort((network.pair_seconds[paired], pair_group[paired]))]
    pair_bounds = np.searchsorted(pair_group[paired], np.arange(count + 1))
    key_bounds = np.searchsorted(group_keys // n_keys, np.arange(count + 1))
    groups: list[Group] = []
    for g in range(count):
        accounts = members[member_bounds[g] : member_bounds[g + 1]]
        if len(accounts) < 2:
            continue
        posts = rows[row_bounds[g] : row_bounds[g + 1]]
        times = table.time[posts]
        own_edges = edges[edge_bounds[g] : edge_bounds[g + 1]]
        keys = (group_keys[key_bounds[g] : key_bounds[g + 1]] % n_keys).tolist()
        closest = paired[pair_bounds[g] : pair_bounds[g + 1]][:TIGHTEST_KEPT].tolist()
        groups.append(
            Group(
                accounts=tuple(sorted((table.accounts[a] for a in accounts.tolist()), key=lambda a: a.id)),
                keys=tuple(sorted(table.keys[k] for k in keys)),
                urls=tuple(sorted({table.urls[u] for u in table.url[posts].tolist()})),
                first=datetime.fromtimestamp(float(times.min()), tz=UTC),
                last=datetime.fromtimestamp(float(times.max()), tz=UTC),
                edges=len(own_edges),
                co_shares=int(network.weight[own_edges].sum()),
                tightest=tuple(network.co_share(row) for row in closest),
            )
        )
    return sorted(groups, key=lambda g: (-len(g.accounts), g.first))


def _sorted_by(labels: Ints, count: int) -> tuple[Ints, Ints]:
    """Positions sorted by label, and where each label 0..count-1 starts and ends among them
    (negative labels sort first and belong to no label)."""
    order = np.argsort(labels, kind="stable")
    return order, np.searchsorted(labels[order], np.arange(count + 1))


def _apply(items: Ints, sorted_by: tuple[Ints, Ints]) -> tuple[Ints, Ints]:
    order, bounds = sorted_by
    return items[order], bounds
