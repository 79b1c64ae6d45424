"""Load the bundled watchlist or a user's --brands file into Brand records."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

from clonewatch.brands.aliases import alias_label, derived_aliases
from clonewatch.brands.model import Brand, BrandKind
from clonewatch.errors import WatchlistError
from clonewatch.names import DomainName, default_psl, parse_host

WATCHLIST_FILE = "watchlist.csv"
_COLUMNS = ["name", "country", "language", "kind", "domains", "native", "aliases"]
ALIAS_SEPARATOR = "|"


def bundled_watchlist() -> list[Brand]:
    """The outlets, government bodies and international organisations shipped with clonewatch."""
    resource = resources.files("clonewatch.brands").joinpath("data", WATCHLIST_FILE)
    text = resource.read_text(encoding="utf-8")
    return parse_watchlist_csv(text.splitlines(), source=WATCHLIST_FILE)


def parse_watchlist_csv(lines: Iterable[str], *, source: str) -> list[Brand]:
    """Parse the bundled CSV format: name,country,language,kind,domains (space-separated),native (the
    name in its own script),aliases (``|``-separated); the derived aliases are added (brands.aliases)."""
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
        name, country, language, kind, domains, native, aliases = row
        try:
            brand_kind = BrandKind(kind)
        except ValueError:
            raise WatchlistError(f"{source}:{lineno}: unknown kind {kind!r}") from None
        genuine = tuple(_genuine_domain(d, source, lineno) for d in domains.split())
        if not genuine:
            raise WatchlistError(f"{source}:{lineno}: no domains for {name!r}")
        given = _aliases(aliases, source, lineno)
        brands.append(
            Brand(
                name,
                genuine,
                brand_kind,
                country or None,
                language or None,
                native or None,
                derived_aliases(
                    name=name,
                    domains=genuine,
                    given=given,
                    native=native or None,
                    language=language or None,
                    genuine_labels=[_label_of(d) for d in genuine],
                ),
            )
        )
    return brands


@cache
def _bundled_by_domain() -> dict[str, Brand]:
    return {domain: brand for brand in bundled_watchlist() for domain in brand.domains}


def _aliases(text: str, source: str, lineno: int) -> list[str]:
    """``a|b|c``: each a label, or a name in another script (spelled in Latin by brands.aliases)."""
    out: list[str] = []
    for part in text.split(ALIAS_SEPARATOR) if text.strip() else []:
        alias = part.strip()
        if not alias:
            raise WatchlistError(f"{source}:{lineno}: empty alias in {text!r}")
        if alias.isascii() and alias_label(alias) is None:
            raise WatchlistError(
                f"{source}:{lineno}: alias {alias!r} is not a domain label (letters, digits, inner hyphens)"
            )
        if not alias.isascii() and (" " in alias or "." in alias):
            raise WatchlistError(f"{source}:{lineno}: alias {alias!r} is not one word")
        out.append(alias)
    return out


def load_brands_file(path: Path) -> list[Brand]:
    """Read a --brands file: one genuine domain per line, optionally ``domain,label`` or
    ``domain,label,alias|alias``; ``#`` comments. Domains that share a label form one brand; without a
    label a domain's brand is its own label. A domain that is in the bundled watchlist brings that
    brand's aliases, native name, country and language with it."""
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
    given: dict[str, list[str]] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        fields = [part.strip() for part in body.split(",")]
        if len(fields) > 3:
            raise WatchlistError(
                f"{path}:{lineno}: expected domain[,label[,alias|alias...]], got {len(fields)} fields"
            )
        domain_text, label, aliases = (*fields, "", "")[:3]
        domain = _genuine_domain(domain_text, str(path), lineno)
        name = label or _label_of(domain)
        if domain not in grouped.setdefault(name, []):
            grouped[name].append(domain)
        given.setdefault(name, []).extend(_aliases(aliases, str(path), lineno))
    if not grouped:
        raise WatchlistError(f"{path}: no domains in brands file")
    return [_user_brand(name, tuple(domains), given[name]) for name, domains in grouped.items()]


def _user_brand(name: str, domains: tuple[str, ...], given: list[str]) -> Brand:
    """A brand of a --brands file, with what the bundled watchlist knows of its domains."""
    bundled = next((b for d in domains if (b := _bundled_by_domain().get(d)) is not None), None)
    labels = [_label_of(d) for d in domains]
    inherited = bundled.aliases if bundled else ()
    aliases = derived_aliases(
        name=name,
        domains=domains,
        given=[*given, *inherited],
        native=bundled.native if bundled else None,
        language=bundled.language if bundled else None,
        genuine_labels=labels,
    )
    if bundled is None:
        return Brand(name, domains, aliases=aliases)
    return Brand(name, domains, bundled.kind, bundled.country, bundled.language, bundled.native, aliases)


def _label_of(domain: str) -> str:
    """The label that names the body: a subdomain's own first label, else the registrable label."""
    split = default_psl().split(domain)
    if split is None:
        return domain
    return split.subdomain.split(".", 1)[0] if split.subdomain else split.label


def _genuine_domain(text: str, source: str, lineno: int) -> str:
    parsed = parse_host(text, default_psl())
    if not isinstance(parsed, DomainName):
        raise WatchlistError(f"{source}:{lineno}: {text!r} is not a domain name ({parsed.reason})")
    if parsed.subdomain and parsed.subdomain != "www":
        return parsed.ascii  # a body on a subdomain (ministry.state-portal.example): its host is genuine
    return parsed.registrable
