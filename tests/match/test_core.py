"""Where the distinctive part of a label made of a name and a news or web word lies."""

from __future__ import annotations

import pytest

from clonewatch.match.affixes import core_span
from clonewatch.match.index import short_core


@pytest.mark.parametrize(
    ("label", "core"),
    [
        ("cbsnews", "cbs"),
        ("t-online", "t"),
        ("thefederalist", "federalist"),
        ("dailyrecord", "record"),
        ("washingtonpost", "washington"),
        ("euronews", None),  # a word at each end: the pair is the name
        ("dailymail", None),
        ("quorzel", None),
    ],
)
def test_core_span(label: str, core: str | None) -> None:
    span = core_span(label)
    assert (label[span[0] : span[1]] if span else None) == core


@pytest.mark.parametrize(
    ("label", "core"),
    [("cbsnews", (0, 3)), ("t-online", (0, 1)), ("dallasnews", None), ("express", None), ("army", None)],
)
def test_only_short_parts_of_labels_that_are_no_words_count(label: str, core: tuple[int, int] | None) -> None:
    """``dallas`` is long enough to take edits of its own; ``ex``press and ``ar``my are words, not names."""
    assert short_core(label) == core
