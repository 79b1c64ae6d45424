"""Line-aligned byte ranges: every line in exactly one range, whatever the cut points."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clonewatch.errors import FeedError, InputError
from clonewatch.scale.ranges import FileShape, Piece, open_piece, parse_size, pieces_of, shape_of


def _read(piece: Piece) -> bytes:
    with open_piece(piece) as stream:
        return stream.read()


def test_a_range_starts_after_the_first_newline_past_its_start_and_ends_with_the_line_crossing_its_end(
    tmp_path: Path,
) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_bytes(b"aaaa\nbb\ncccccc\nd\n")  # lines start at 0, 5, 8, 15
    source = str(feed)
    assert _read(Piece(0, source, 0, 6)) == b"aaaa\nbb\n"  # bb begins inside, ends past 6
    assert _read(Piece(1, source, 6, 12)) == b"cccccc\n"  # starts after the newline at 7
    assert _read(Piece(2, source, 5, 8)) == b"bb\n"  # the byte before 5 is a newline: bb is its own
    assert _read(Piece(3, source, 9, 12)) == b""  # inside cccccc only: no line begins there
    assert _read(Piece(4, source, 12, 17)) == b"d\n"


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(st.sampled_from([b"a", b"\n", b"bc", b"\r\n", b"\xff", b"x" * 9]), max_size=50),
    step=st.integers(1, 40),
)
def test_the_ranges_read_one_after_the_other_give_the_file_back(
    tmp_path_factory: pytest.TempPathFactory, parts: list[bytes], step: int
) -> None:
    data = b"".join(parts)
    feed = tmp_path_factory.mktemp("ranges") / "feed.txt"
    feed.write_bytes(data)
    pieces = pieces_of(str(feed), shape_of(str(feed)), step)
    assert b"".join(_read(piece) for piece in pieces) == data
    assert [piece.index for piece in pieces] == list(range(len(pieces)))


def test_a_gzip_file_is_one_piece_read_whole(tmp_path: Path) -> None:
    feed = tmp_path / "feed.txt.gz"
    feed.write_bytes(gzip.compress(b"one.example\ntwo.example\n" * 1000))
    shape = shape_of(str(feed))
    assert shape.gzip
    (piece,) = pieces_of(str(feed), shape, 10, first_index=7)
    assert piece == Piece(7, str(feed))
    assert _read(piece) == b"one.example\ntwo.example\n" * 1000


def test_an_empty_file_is_one_empty_piece_and_a_missing_one_a_feed_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert [_read(p) for p in pieces_of(str(empty), FileShape(0, False), 64)] == [b""]
    with pytest.raises(FeedError, match="no such file"):
        shape_of(str(tmp_path / "missing.txt"))
    with pytest.raises(FeedError, match="is a directory"):
        shape_of(str(tmp_path))


def test_file_urls_are_read_like_paths(tmp_path: Path) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_bytes(b"one\ntwo\nthree\n")
    url = f"file://{feed}"
    assert b"".join(_read(p) for p in pieces_of(url, shape_of(url), 5)) == b"one\ntwo\nthree\n"


@pytest.mark.parametrize(
    ("text", "size"), [("64M", 64 << 20), ("512k", 512 << 10), ("1G", 1 << 30), ("100", 100)]
)
def test_sizes_are_read_with_their_units(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "lots", "0", "-5M"])
def test_a_bad_size_is_input_error(text: str) -> None:
    with pytest.raises(InputError, match="bad size"):
        parse_size(text)
