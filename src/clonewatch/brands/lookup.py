"""Find the watched brand that owns a genuine domain, or make a brand of an unwatched one."""

from __future__ import annotations

from collections.abc import Sequence

from clonewatch.brands.model import Brand
from clonewatch.errors import InputError
from clonewatch.names import DomainName, default_psl, parse_host


def brand_for(domain: str, watchlist: Sequence[Brand]) -> Brand:
    """The watchlist brand owning ``domain``, else a brand of that one domain named by its label.
    InputError when ``domain`` is not a registrable domain name."""
    parsed = parse_host(domain, default_psl())
    if not isinstance(parsed, DomainName):
        raise InputError(f"{domain!r} is not a domain name ({parsed.reason})")
    if parsed.subdomain and parsed.subdomain != "www":
        raise InputError(f"{domain!r} is not a registrable domain (use {parsed.registrable!r})")
    for brand in watchlist:
        if parsed.registrable in brand.domains:
            return brand
    return Brand(parsed.label, (parsed.registrable,))
