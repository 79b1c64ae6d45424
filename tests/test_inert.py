"""has_unsafe, which tests whole buffers of cells at once, agrees with inert character by character."""

from __future__ import annotations

from clonewatch.inert import has_unsafe, inert


def test_has_unsafe_finds_exactly_what_inert_escapes() -> None:
    disagree = []
    for code in [*range(0x3000), *range(0xFE00, 0x10000), 0x1F600, 0x10FFFF]:
        if 0xD800 <= code <= 0xDFFF:
            continue  # surrogates have no UTF-8 form
        char = chr(code)
        text = f"https://a.test/{char}x"
        if has_unsafe(text.encode()) != (inert(text) != text):
            disagree.append(hex(code))
    assert disagree == []


def test_characters_that_share_a_first_byte_with_unsafe_ones_are_safe() -> None:
    # \xc2, \xd8 and \xe2 begin unsafe characters, and also these ordinary ones
    text = "Süddeutsche Zeitung — «Spiegel» ؛ ‘quoted’ … " * 1000
    assert not has_unsafe(text.encode())
    assert has_unsafe((text + "\u202e").encode())
    assert not has_unsafe(b"")
