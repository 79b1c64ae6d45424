"""Shares in columns: one numpy array per field, so a million posts cost arrays, not objects."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from clonewatch.social.posts import Account

if TYPE_CHECKING:
    import numpy.typing as npt

    from clonewatch.social.coordinate import Share

    Ints = npt.NDArray[np.int64]
    Floats = npt.NDArray[np.float64]


class Labels(Protocol):
    """Strings looked up by position: a list, or a lazy view over columnar data."""

    def __getitem__(self, index: int, /) -> str: ...

    def __len__(self) -> int: ...


@dataclass(frozen=True, slots=True, eq=False)
class ShareTable:
    """Row i: account ``accounts[account[i]]`` shared key ``keys[key[i]]`` at ``time[i]`` (epoch
    seconds) in post ``post_ids[post[i]]``, through the link ``urls[url[i]]``."""

    key: Ints
    time: Floats
    account: Ints
    post: Ints
    url: Ints
    keys: Sequence[str]
    accounts: Sequence[Account]
    post_ids: Labels
    urls: Sequence[str]

    def __len__(self) -> int:
        return int(self.key.shape[0])

    @classmethod
    def from_shares(cls, shares: Iterable[Share]) -> ShareTable:
        """Columns from share records (the way for small inputs and hand-made shares)."""
        keys: dict[str, int] = {}
        accounts: dict[str, int] = {}
        account_list: list[Account] = []
        urls: dict[str, int] = {}
        key_col: list[int] = []
        time_col: list[float] = []
        account_col: list[int] = []
        url_col: list[int] = []
        post_ids: list[str] = []
        for share in shares:
            key_col.append(keys.setdefault(share.key, len(keys)))
            time_col.append(share.time)
            index = accounts.get(share.account.id)
            if index is None:
                index = accounts[share.account.id] = len(account_list)
                account_list.append(share.account)
            account_col.append(index)
            url_col.append(urls.setdefault(share.url, len(urls)))
            post_ids.append(share.post_id)
        return cls(
            key=np.array(key_col, dtype=np.int64),
            time=np.array(time_col, dtype=np.float64),
            account=np.array(account_col, dtype=np.int64),
            post=np.arange(len(post_ids), dtype=np.int64),
            url=np.array(url_col, dtype=np.int64),
            keys=list(keys),
            accounts=account_list,
            post_ids=post_ids,
            urls=list(urls),
        )


def ranks(labels: Sequence[str]) -> Ints:
    """Each label's position in sorted order (ties keep their order), sorted by pyarrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    order = pc.array_sort_indices(pa.array(labels, type=pa.string())).to_numpy()
    rank = np.empty(len(labels), dtype=np.int64)
    rank[order] = np.arange(len(labels), dtype=np.int64)
    return rank


def distinct(values: Ints) -> Ints:
    """The sorted distinct values (a sort and a comparison: faster than np.unique's hashing here)."""
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def is_in_sorted(values: Ints, ordered: Ints) -> npt.NDArray[np.bool_]:
    """Whether each value is one of ``ordered`` (sorted): a binary search each, about twice as fast
    as np.isin on a million values."""
    if not len(ordered):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    found: npt.NDArray[np.bool_] = ordered[at] == values
    return found
