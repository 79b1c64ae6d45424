"""Watched brands: the bundled watchlist and user --brands files."""

from clonewatch.brands.lookup import brand_for
from clonewatch.brands.model import Brand, BrandKind
from clonewatch.brands.watchlist import (
    bundled_watchlist,
    load_brands_file,
    parse_watchlist_csv,
)

__all__ = [
    "Brand",
    "BrandKind",
    "brand_for",
    "bundled_watchlist",
    "load_brands_file",
    "parse_watchlist_csv",
]
