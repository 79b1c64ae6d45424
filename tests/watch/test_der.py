from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clonewatch.watch import der


@pytest.mark.parametrize(
    ("data", "element"),
    [
        (b"\x04\x03abc", (0x04, 2, 5)),
        (b"\x04\x81\x03abc", (0x04, 3, 6)),  # long form for a short length: BER, not DER; read anyway
        (b"\x04\x83\x00\x00\x03abc", (0x04, 5, 8)),  # leading zero octets
        (b"\x30\x00", (0x30, 2, 2)),
        (b"\x9f\x81\x01\x01x", (0x9F, 4, 5)),  # high tag number (context 129) keeps its first octet
    ],
)
def test_definite_lengths_in_any_form_are_read(data: bytes, element: tuple[int, int, int]) -> None:
    assert der.read(data, 0) == element


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x30\x80\x00\x00", "indefinite length"),
        (b"\x04\x05abc", "declares 5 bytes but 3 remain"),
        (b"\x04", "runs past the end"),
        (b"\x04\x82\x01", "out of range"),
        (b"\x04\x89" + bytes(9), "out of range"),
        (b"\x1f\x81", "runs past the end"),
    ],
)
def test_what_cannot_be_delimited_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(der.DerError, match=message):
        der.read(data, 0)


def test_children_stop_at_the_first_element_that_runs_past_its_parent() -> None:
    data = b"\x30\x0a" + b"\x02\x01\x01" + b"\x02\x01\x02" + b"\x04\x09ab"
    read: list[tuple[int, int, int]] = []
    with pytest.raises(der.DerError):
        read.extend(der.children(data, 2, len(data)))
    assert [data[start:end] for _, start, end in read] == [b"\x01", b"\x02"]


def test_expect_names_what_it_expected() -> None:
    with pytest.raises(der.DerError, match="subject: expected tag 0x30, found 0x02"):
        der.expect(b"\x02\x01\x01", 0, der.SEQUENCE, "subject")


@pytest.mark.parametrize(
    ("dotted", "encoded"),
    [("2.5.4.3", "550403"), ("2.5.29.17", "551d11"), ("1.3.6.1.4.1.11129.2.4.3", "2b06010401d679020403")],
)
def test_oids_encode_as_der(dotted: str, encoded: str) -> None:
    assert der.encode_oid(dotted) == bytes.fromhex(encoded)


@given(st.binary(max_size=64), st.integers(min_value=0, max_value=8))
def test_any_bytes_give_an_element_inside_them_or_der_error(data: bytes, at: int) -> None:
    try:
        tag, start, end = der.read(data, at)
    except der.DerError:
        return
    assert at < start <= end <= len(data) and tag == data[at]
