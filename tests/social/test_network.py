"""The columnar co-sharing engine against a brute-force reference on random shares."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from clonewatch.social import Account, Share, co_share_edges

WINDOW = 60.0


def _reference(shares: list[Share], window: float) -> Counter[tuple[str, str]]:
    pairs: Counter[tuple[str, str]] = Counter()
    for a, b in combinations(shares, 2):
        if a.key == b.key and a.account.id != b.account.id and abs(a.time - b.time) <= window:
            pairs[tuple(sorted((a.account.id, b.account.id)))] += 1  # type: ignore[index]
    return pairs


share_lists = st.lists(
    st.tuples(
        st.sampled_from(["k1", "k2", "k3"]),
        st.sampled_from(["a", "b", "c", "d"]),
        st.one_of(
            st.floats(min_value=0, max_value=600, allow_nan=False),
            st.sampled_from([0.0004, 60.0009, 60.0, 120.0, 0.0]),
        ),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(share_lists)
def test_edges_equal_the_brute_force_sliding_window(rows: list[tuple[str, str, float]]) -> None:
    shares = [Share(key, time, Account(who), f"p{i}", "u") for i, (key, who, time) in enumerate(rows)]
    network = co_share_edges(shares, WINDOW)
    found = Counter({edge.accounts: edge.weight for edge in network.edges()})
    assert found == _reference(shares, WINDOW)


def test_keys_spanning_centuries_do_not_overflow_the_number_line() -> None:
    late = 253402300799.0  # the last second of year 9999
    shares = [Share(f"k{k}", t, Account(f"{who}{k}"), f"p{k}{who}", "u")
              for k in range(40) for who, t in (("early", 0.0), ("late", late))]  # fmt: skip
    shares.append(Share("k1", late - 5, Account("z"), "pz", "u"))
    network = co_share_edges(shares, WINDOW)
    assert {edge.accounts for edge in network.edges()} == {("late1", "z")}
