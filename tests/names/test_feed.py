from __future__ import annotations

import io

import pytest

from clonewatch.names.feed import BLOCK_SIZE, NOT_UTF8, TOO_LONG, iter_lines
from clonewatch.names.parse import MAX_LINE


def lines_of(data: bytes) -> list[tuple[int, str | None, str]]:
    return list(iter_lines(io.BytesIO(data), "feed"))


def test_lines_with_and_without_final_newline() -> None:
    assert lines_of(b"a.com\nb.com\n") == [(1, "a.com", ""), (2, "b.com", "")]
    assert lines_of(b"a.com\nb.com") == [(1, "a.com", ""), (2, "b.com", "")]
    assert lines_of(b"") == []


def test_overlong_and_undecodable_lines_are_marked_and_numbered() -> None:
    data = b"a.com\n" + b"x" * (MAX_LINE + 1) + b"\n\xff\xfe\nb.com\n"
    assert lines_of(data) == [(1, "a.com", ""), (2, None, TOO_LONG), (3, None, NOT_UTF8), (4, "b.com", "")]


@pytest.mark.parametrize("size", [MAX_LINE + 1, BLOCK_SIZE - 3, BLOCK_SIZE * 2 + 17])
def test_lines_spanning_blocks(size: int) -> None:
    data = b"first.com\n" + b"y" * size + b"\nlast.com"
    assert lines_of(data) == [(1, "first.com", ""), (2, None, TOO_LONG), (3, "last.com", "")]


def test_a_name_cut_by_a_block_boundary_is_whole() -> None:
    filler = b"n.com\n" * (BLOCK_SIZE // 6)
    data = filler + b"spiegel.ltd\n"
    lines = lines_of(data)
    assert lines[-1] == (len(lines), "spiegel.ltd", "")
    assert all(text == "n.com" for _, text, _ in lines[:-1])
