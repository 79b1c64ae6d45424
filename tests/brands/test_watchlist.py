from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from clonewatch.brands import BrandKind, bundled_watchlist, load_brands_file
from clonewatch.errors import WatchlistError
from clonewatch.names import DomainName, default_psl, parse_host


def test_bundled_watchlist_is_large_and_well_formed() -> None:
    brands = bundled_watchlist()
    assert len(brands) >= 300
    domains = [d for b in brands for d in b.domains]
    assert len(domains) == len(set(domains))
    for domain in domains:
        parsed = parse_host(domain, default_psl())
        assert isinstance(parsed, DomainName) and parsed.ascii == domain
    assert {b.kind for b in brands} == {BrandKind.OUTLET, BrandKind.GOVERNMENT, BrandKind.INTERNATIONAL}


def test_bundled_watchlist_covers_the_targeted_countries() -> None:
    countries = Counter(b.country for b in bundled_watchlist())
    for country in ("UA", "DE", "FR", "US", "IL", "IT", "PL", "GB", "EE", "LV", "LT"):
        assert countries[country] >= 10, country
    assert countries["INT"] >= 10


@pytest.mark.parametrize(
    "domains",
    [
        ("walla.co.il",),
        ("mfa.gov.ua",),
        ("spiegel.de",),
        ("washingtonpost.com",),
        ("nato.int",),
        ("bund.de",),
        ("bundesregierung.de",),
        ("pravda.com.ua",),
        ("lemonde.fr",),
        ("foxnews.com",),
        ("t-online.de",),
        ("europa.eu",),
        ("un.org",),
    ],
)
def test_outlets_and_bodies_from_public_reporting_are_watched(domains: tuple[str, ...]) -> None:
    owned = {d for b in bundled_watchlist() for d in b.domains}
    assert set(domains) <= owned


def test_the_german_government_is_one_brand_with_both_domains() -> None:
    (government,) = [b for b in bundled_watchlist() if "bund.de" in b.domains]
    assert "bundesregierung.de" in government.domains


def test_brands_file_groups_domains_by_label(brands_file: Callable[[str], Path]) -> None:
    path = brands_file(
        "# ours\nbundesregierung.de,Bundesregierung\nbund.de,Bundesregierung  # same body\n"
        "spiegel.de\n\nwww.zeit.de\n"
    )
    brands = load_brands_file(path)
    assert [(b.name, b.domains) for b in brands] == [
        ("Bundesregierung", ("bundesregierung.de", "bund.de")),
        ("spiegel", ("spiegel.de",)),
        ("zeit", ("zeit.de",)),
    ]


def test_brands_file_errors_name_file_and_line(brands_file: Callable[[str], Path], tmp_path: Path) -> None:
    with pytest.raises(WatchlistError, match=r"brands\.txt:3: 'exa mple'"):
        load_brands_file(brands_file("spiegel.de\n# x\nexa mple\n"))
    with pytest.raises(WatchlistError, match="is a directory"):
        load_brands_file(tmp_path)
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(WatchlistError, match="not UTF-8"):
        load_brands_file(binary)
