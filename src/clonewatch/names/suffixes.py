"""Bundled list of the public suffixes that look-alike registrations favour."""

from __future__ import annotations

from functools import cache

from clonewatch.data import data_path

ABUSED_SUFFIXES_FILE = "abused_suffixes.txt"
# Second-level labels under which states register their bodies (``mfa.gov.ua``, ``justice.gouv.fr``).
GOVERNMENT_LEVELS = frozenset(
    {"gov", "gouv", "gob", "govt", "gv", "mil", "admin", "gub", "go", "gc", "overheid"}
)


@cache
def abused_suffixes() -> tuple[str, ...]:
    """Most-abused first: cheap or free suffixes and those seen in influence-operation indicators."""
    lines = data_path(ABUSED_SUFFIXES_FILE).read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def abused_suffix_set() -> frozenset[str]:
    return frozenset(abused_suffixes())


def is_government_suffix(suffix: str) -> bool:
    """``gov.ua``, ``gouv.fr``, ``gv.at``: a state's own second level, so the label alone is generic."""
    parts = suffix.split(".")
    return len(parts) >= 2 and parts[0] in GOVERNMENT_LEVELS


# The generic TLDs from before the 2012 round: long-held names, owned by established businesses.
LEGACY_GTLDS = frozenset(
    """com net org edu gov mil int info biz name pro mobi aero coop museum travel jobs cat tel asia
    xxx post arpa""".split()
)


def is_new_gtld(suffix: str) -> bool:
    """A generic TLD from 2012 on (``ltd``, ``agency``, ``online``): not a country code, not legacy."""
    return "." not in suffix and len(suffix) > 2 and suffix not in LEGACY_GTLDS
