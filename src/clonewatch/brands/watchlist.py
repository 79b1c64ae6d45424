"""Load the bundled watchlist or a user's --brands file into Brand records."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

from clonewatch.brands.model import Brand, BrandKind
from clonewatch.errors import WatchlistError
from clonewatch.names import DomainName, default_psl, parse_host

WATCHLIST_FILE = "watchlist.csv"
GENERIC_LABELS_FILE = "generic_labels.txt"
_COLUMNS = ["name", "country", "language", "kind", "domains"]


def bundled_watchlist() -> list[Brand]:
    """The outlets, government bodies and international organisations shipped with clonewatch."""
    resource = resources.files("clonewatch.brands").joinpath("data", WATCHLIST_FILE)
    text = resource.read_text(encoding="utf-8")
    return parse_watchlist_csv(text.splitlines(), source=WATCHLIST_FILE)


@cache
def generic_labels() -> frozenset[str]:
    """Labels of watched domains that are ordinary words or names (``capital``, ``police``): many
    unrelated owners hold them under other suffixes, so a plain suffix swap is no evidence."""
    resource = resources.files("clonewatch.brands").joinpath("data", GENERIC_LABELS_FILE)
    lines = resource.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def parse_watchlist_csv(lines: Iterable[str], *, source: str) -> list[Brand]:
    """Parse the bundled CSV format: name,country,language,kind,domains (space-separated)."""
    reader = csv.reader(lines)
    header = next(reader, None)
    if header != _COLUMNS:
        raise WatchlistError(f"{source}: header must be {','.join(_COLUMNS)}")
    brands: list[Brand] = []
    for row in reader:
        lineno = reader.line_num
        if not row:
            continue
        if len(row) != len(_COLUMNS):
            raise WatchlistError(f"{source}:{lineno}: expected {len(_COLUMNS)} columns, got {len(row)}")
        name, country, language, kind, domains = row
        try:
            brand_kind = BrandKind(kind)
        except ValueError:
            raise WatchlistError(f"{source}:{lineno}: unknown kind {kind!r}") from None
        genuine = tuple(_genuine_domain(d, source, lineno) for d in domains.split())
        if not genuine:
            raise WatchlistError(f"{source}:{lineno}: no domains for {name!r}")
        brands.append(Brand(name, genuine, brand_kind, country or None, language or None))
    return brands


def load_brands_file(path: Path) -> list[Brand]:
    """Read a --brands file: one genuine domain per line, optionally ``domain,label``; ``#`` comments.
    Domains that share a label form one brand; without a label a domain's brand is its own label."""
    try:
        if path.is_dir():
            raise WatchlistError(f"{path}: is a directory, not a brands file")
        raw = path.read_bytes()
    except OSError as exc:
        raise WatchlistError(f"{path}: cannot read brands file ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WatchlistError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    grouped: dict[str, list[str]] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        domain_text, _, label = (part.strip() for part in body.partition(","))
        domain = _genuine_domain(domain_text, str(path), lineno)
        name = label or _label_of(domain)
        if domain not in grouped.setdefault(name, []):
            grouped[name].append(domain)
    if not grouped:
        raise WatchlistError(f"{path}: no domains in brands file")
    return [Brand(name, tuple(domains)) for name, domains in grouped.items()]


def _label_of(domain: str) -> str:
    split = default_psl().split(domain)
    return split.label if split else domain


def _genuine_domain(text: str, source: str, lineno: int) -> str:
    parsed = parse_host(text, default_psl())
    if not isinstance(parsed, DomainName):
        raise WatchlistError(f"{source}:{lineno}: {text!r} is not a domain name ({parsed.reason})")
    if parsed.subdomain and parsed.subdomain != "www":
        raise WatchlistError(
            f"{source}:{lineno}: {text!r} is not a registrable domain (use {parsed.registrable!r})"
        )
    return parsed.registrable
