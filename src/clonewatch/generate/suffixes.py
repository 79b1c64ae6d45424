"""Every public suffix, ranked by how likely a campaign is to register a look-alike under it."""

from __future__ import annotations

from collections.abc import Iterable

from clonewatch.match.affixes import COUNTRY_CODES
from clonewatch.match.profile import Profile
from clonewatch.names import default_psl
from clonewatch.names.suffixes import abused_suffixes

# The suffixes every business considers first (a campaign profile adds its targeted countries).
POPULAR = ("com", "net", "org", "info", "biz", "co", "io", "app", "news")
_COUNTRY_TLD = {"gb": "uk"}

GENUINE_PRIOR = 1.0
# Abuse statistics rank suffixes by the share of their names that are abused; by count, more
# look-alikes are registered under .com than under any other suffix (the largest share of phishing
# names in Interisle's Phishing Landscape studies), so it ranks with the most abused.
MOST_REGISTERED = "com"
ABUSED_TOP, ABUSED_BOTTOM = 1.0, 0.9
POPULAR_PRIOR = 0.85
TLD_PRIOR = 0.45
# Among the other TLDs the country codes come first (registry data: they hold about four in ten of
# all registered names across some 300 registries, where the 1,100-odd new generic TLDs share under
# a tenth, and hundreds of those are closed .brand registries where nobody else can register).
COUNTRY_CODE_LENGTH = 2
SECOND_LEVEL_PRIOR = 0.3
# Generic TLDs under which companies sell country-code second levels as if they were registries
# (CentralNic's eu.com, us.com, gb.net, ...), and the codes they use beyond ISO 3166's two letters.
REGISTRY_LIKE_TAILS = frozenset({"com", "net", "org"})
REGISTRY_LIKE_HEADS = frozenset({"eu", "jpn", "mex"})
OTHER_PRIOR = 0.2


def ranked_suffixes(
    genuine_suffix: str, country: str | None = None, profile: Profile | None = None
) -> list[tuple[str, float]]:
    """(suffix, prior) for every public suffix, best first; the genuine suffix leads, for
    typos of the real name; .com next, then a campaign profile's suffixes and the abused ones."""
    psl = default_psl()
    ranked: dict[str, float] = {genuine_suffix: GENUINE_PRIOR, MOST_REGISTERED: ABUSED_TOP}
    favoured = profile.suffixes if profile else ()
    targeted = tuple(c for c in (profile.countries if profile else ()) if c)
    abused = tuple(dict.fromkeys(_interleave(favoured, abused_suffixes())))
    for rank, suffix in enumerate(abused):
        ranked.setdefault(suffix, ABUSED_TOP - (ABUSED_TOP - ABUSED_BOTTOM) * rank / max(1, len(abused) - 1))
    home = _COUNTRY_TLD.get((country or "").lower(), (country or "").lower())
    _add(ranked, [home, *POPULAR, *targeted] if home else [*POPULAR, *targeted], POPULAR_PRIOR)
    everything = psl.suffixes()
    tlds = [s for s in everything if "." not in s and s.isascii() and not s.startswith("xn--")]
    _add(ranked, sorted(tlds, key=lambda tld: len(tld) != COUNTRY_CODE_LENGTH), TLD_PRIOR)
    near = {suffix.rsplit(".", 1)[-1] for suffix in ranked}
    _add(ranked, (s for s in everything if "." in s and s.rsplit(".", 1)[-1] in near), SECOND_LEVEL_PRIOR)
    _add(ranked, everything, OTHER_PRIOR)
    return sorted(ranked.items(), key=lambda item: -item[1])


def poses_as_registry(suffix: str) -> bool:
    """A company's namespace sold as a country's registry (``eu.com``, ``us.org``, ``gb.net``: a
    country code under a generic TLD, from the PSL's private section)."""
    head, _, tail = suffix.partition(".")
    return (
        tail in REGISTRY_LIKE_TAILS
        and (head in COUNTRY_CODES or head in REGISTRY_LIKE_HEADS)
        and default_psl().is_private(suffix)
    )


def _add(ranked: dict[str, float], suffixes: Iterable[str], prior: float) -> None:
    for suffix in suffixes:
        if suffix:
            ranked.setdefault(suffix, prior)


def _interleave(first: tuple[str, ...], second: tuple[str, ...]) -> list[str]:
    """A profile's suffixes and the abused ones, taken in turn: both lists lead with their likeliest."""
    out: list[str] = []
    for i in range(max(len(first), len(second))):
        out.extend(items[i] for items in (first, second) if i < len(items))
    return out
