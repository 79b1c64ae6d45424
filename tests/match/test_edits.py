from __future__ import annotations

import pytest

from clonewatch.match.edits import explain, keyboard_neighbours


@pytest.mark.parametrize(
    ("brand", "candidate", "reasons"),
    [
        ("bild", "bildd", ["repetition"]),
        ("bild", "blld", ["homoglyph"]),
        ("bild", "bidl", ["transposition"]),
        ("foxnews", "fox-news", ["hyphenation"]),
        ("t-online", "tonline", ["omission"]),
        ("joomla", "juomla", ["vowel-swap"]),
        ("t-online", "t-onlinr", ["replacement"]),
        ("zeit", "zeit", []),
        ("google", "coogle", ["bitsquatting"]),
        ("siemens-energy", "seimenses-energy", ["transposition", "insertion", "insertion"]),
    ],
)
def test_explain_names_each_edit(brand: str, candidate: str, reasons: list[str]) -> None:
    assert [edit.reason for edit in explain(brand, candidate)] == reasons


def test_keyboards_cover_qwertz_and_azerty() -> None:
    near = keyboard_neighbours()
    assert "t" in near["z"]  # QWERTZ
    assert "a" in near["z"]  # AZERTY
    assert "q" in near["w"]


def test_first_letter_edits_count_more() -> None:
    inner = explain("spiegel", "spiagel")[0]
    first = explain("spiegel", "apiegel")[0]
    assert first.weight < inner.weight
