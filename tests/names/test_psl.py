from __future__ import annotations

from pathlib import Path

import pytest

from clonewatch.errors import DataError
from clonewatch.names import PublicSuffixList, default_psl


def test_bundled_snapshot_has_icann_and_private_rules() -> None:
    psl = default_psl()
    assert len(psl) > 9000
    assert psl.suffix_of("walla.com.co") == "com.co"
    assert psl.suffix_of("bild.eu.com") == "eu.com"
    assert psl.suffix_of("bild.lol") == "lol"


def test_wildcard_and_exception_rules(tmp_path: Path) -> None:
    path = tmp_path / "psl.dat"
    path.write_text("// test\nck\n*.ck\n!www.ck\ncom\n", encoding="utf-8")
    psl = PublicSuffixList.from_file(path)
    assert psl.suffix_of("shop.example.ck") == "example.ck"
    assert psl.suffix_of("www.ck") == "ck"
    assert psl.suffix_of("example.unknowntld") == "unknowntld"
    split = psl.split("a.b.example.com")
    assert split is not None
    assert (split.subdomain, split.label, split.suffix) == ("a.b", "example", "com")


def test_missing_or_empty_list_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot read"):
        PublicSuffixList.from_file(tmp_path / "absent.dat")
    empty = tmp_path / "empty.dat"
    empty.write_text("// nothing\n", encoding="utf-8")
    with pytest.raises(DataError, match="no rules"):
        PublicSuffixList.from_file(empty)
