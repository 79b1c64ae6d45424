"""Rank every look-alike a campaign could register: label variants x suffixes, best first."""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import idna

from clonewatch.brands import Brand
from clonewatch.generate.fuzzers import SUFFIX_FUZZER, Fuzzer, Seed, default_fuzzers, preferred_affixes
from clonewatch.generate.suffixes import POPULAR_PRIOR, poses_as_registry, ranked_suffixes
from clonewatch.match import Match, Matcher, Target
from clonewatch.match.affixes import COUNTRY_CODES, NEWS_WORDS
from clonewatch.match.edits import explain
from clonewatch.match.profile import Profile
from clonewatch.match.rules import CONTEXT_REASONS, NEAR_MISS
from clonewatch.names import DomainName, default_psl, parse_host
from clonewatch.names.parse import MAX_HOST

DEFAULT_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class Candidate:
    """A name that could impersonate a brand: the match ``match`` gives it, plus the fuzzer that
    made it and its place in the ranking."""

    match: Match
    fuzzer: str
    rank: int

    def to_dict(self) -> dict[str, Any]:
        """The match's fields, then ``fuzzer`` and ``rank``."""
        return {**self.match.to_dict(), "fuzzer": self.fuzzer, "rank": self.rank}


@dataclass(frozen=True, slots=True)
class _Variant:
    """A label variant ready to put on any suffix: its ASCII and Unicode forms and its strength."""

    ascii: str
    unicode: str
    subdomain: str
    fuzzer: str
    strength: float
    target: Target

    def on(self, suffix: str, suffix_unicode: str) -> DomainName:
        if self.subdomain:
            host = f"{self.subdomain}.{self.ascii}.{suffix}"
            shown = f"{self.subdomain}.{self.unicode}.{suffix_unicode}"
        else:
            host, shown = f"{self.ascii}.{suffix}", f"{self.unicode}.{suffix_unicode}"
        return DomainName(host, shown, self.subdomain, self.ascii, suffix, self.unicode)


def generate(
    brand: Brand,
    *,
    limit: int = DEFAULT_LIMIT,
    fuzzers: Sequence[Fuzzer] | None = None,
    suffix_swaps: bool = True,
    profile: Profile | None = None,
) -> Iterator[Candidate]:
    """Up to ``limit`` look-alikes of ``brand``, best first. The order is the confusability score
    that ``match`` gives each name, weighted by how likely its suffix is to be registered by a
    campaign (abused and cheap suffixes first); every name is confirmed by ``match`` itself, so it
    carries exactly the reasons ``match`` would give it. Without ``suffix_swaps`` the brand's own
    label is left out (the other variants still go on every suffix). A campaign ``profile`` puts
    its suffixes, countries and affix words first."""
    matcher = Matcher([brand], profile=profile)
    variants = _variants(
        matcher, brand, list(fuzzers) if fuzzers is not None else default_fuzzers(), suffix_swaps=suffix_swaps
    )
    if not variants or limit <= 0:
        return
    suffix_lists = {
        target.suffix: ranked_suffixes(target.suffix, brand.country, profile)
        for target in matcher.index.targets
    }
    special = _special_suffixes(matcher, suffix_lists)
    verdicts: dict[tuple[int, str], Match | None] = {}
    emitted: set[str] = set()
    rank = 0
    # first the exact label and every alias on each ICANN TLD and the co.* / com.* second levels
    rounds = _exact_first(variants, suffix_lists), _glued_next(variants, suffix_lists, brand)
    for i, j in (position for positions in rounds for position in positions):
        if rank >= limit:
            return
        found = _candidate(
            matcher, variants[i], suffix_lists[variants[i].target.suffix][j][0], i, special, verdicts, emitted
        )
        if found is not None:
            rank += 1
            yield Candidate(match=found, fuzzer=variants[i].fuzzer, rank=rank)
    heap: list[tuple[float, int, int]] = [(-variants[0].strength, 0, 0)]
    seen = {(0, 0)}
    while heap and rank < limit:
        _, i, j = heapq.heappop(heap)
        variant = variants[i]
        for ni, nj in ((i + 1, j), (i, j + 1)):
            if (
                ni < len(variants)
                and nj < len(suffix_lists[variants[ni].target.suffix])
                and (ni, nj) not in seen
            ):
                seen.add((ni, nj))
                prior = suffix_lists[variants[ni].target.suffix][nj][1]
                heapq.heappush(heap, (-variants[ni].strength * prior, ni, nj))
        found = _candidate(
            matcher, variant, suffix_lists[variant.target.suffix][j][0], i, special, verdicts, emitted
        )
        if found is not None:
            rank += 1
            yield Candidate(match=found, fuzzer=variant.fuzzer, rank=rank)


def _candidate(
    matcher: Matcher,
    variant: _Variant,
    suffix: str,
    i: int,
    special: frozenset[str],
    verdicts: dict[tuple[int, str], Match | None],
    emitted: set[str],
) -> Match | None:
    """The match of one variant on one suffix, unless it was emitted already or match() refuses it."""
    name = variant.on(suffix, _unicode_suffix(suffix))
    if name.ascii in emitted or len(name.ascii) > MAX_HOST:
        return None
    # match() depends on the suffix only through these classes, so one verdict serves them all
    suffix_class = (
        suffix if suffix in special else f"{matcher.suspect_suffix(suffix)}{matcher.abuse_reason(suffix)}"
    )
    known = verdicts.get((i, suffix_class), _UNSEEN)
    hit = matcher.match(name) if known is _UNSEEN else known
    verdicts[(i, suffix_class)] = hit
    if hit is None:
        return None
    emitted.add(name.ascii)
    # the verdict may have been given to the variant on another suffix of its class
    return replace(hit, domain=name.ascii, unicode=name.unicode)


def _exact_first(
    variants: Sequence[_Variant], suffix_lists: dict[str, list[tuple[str, float]]]
) -> Iterator[tuple[int, int]]:
    """(variant, suffix) positions of the exact labels (the domain's own and each alias) on every
    single-label suffix and every ``co.*`` / ``com.*`` second level, best suffix first."""
    exact = [i for i, v in enumerate(variants) if v.fuzzer == SUFFIX_FUZZER and not v.subdomain]
    if not exact:
        return
    longest = max(len(suffix_lists[variants[i].target.suffix]) for i in exact)
    for j in range(longest):
        for i in exact:
            suffixes = suffix_lists[variants[i].target.suffix]
            if j < len(suffixes) and _first_round_suffix(suffixes[j][0]):
                yield i, j


def _glued_next(
    variants: Sequence[_Variant], suffix_lists: dict[str, list[tuple[str, float]]], brand: Brand
) -> Iterator[tuple[int, int]]:
    """Then the hyphenated and glued forms (``t-online`` as ``tonline``, ``pravda-ua``, ``ua-pravda``,
    ``bild-de``: the label with its hyphens dropped or its own country or suffix glued on) on the
    suffixes a campaign registers first (the genuine, abused, popular and home-country ones)."""
    chosen: list[int] = []
    for i, variant in enumerate(variants):
        label, own = variant.ascii, variant.target.label
        codes = {brand_country(brand, variant.target.suffix) or "", *variant.target.suffix.split(".")}
        glued = {f"{own}-{code.lower()}" for code in codes if code} | {
            f"{code.lower()}-{own}" for code in codes if code
        }
        if not variant.subdomain and label != own and (label == own.replace("-", "") or label in glued):
            chosen.append(i)
    if not chosen:
        return
    longest = max(len(suffix_lists[variants[i].target.suffix]) for i in chosen)
    for j in range(longest):
        for i in chosen:
            suffixes = suffix_lists[variants[i].target.suffix]
            if j < len(suffixes) and suffixes[j][1] >= POPULAR_PRIOR:
                yield i, j


def _first_round_suffix(suffix: str) -> bool:
    head, _, rest = suffix.partition(".")
    return not rest or (head in ("co", "com") and "." not in rest) or poses_as_registry(suffix)


_UNSEEN = Match("", "", "", "", 0.0, ())


def _special_suffixes(matcher: Matcher, suffix_lists: dict[str, list[tuple[str, float]]]) -> frozenset[str]:
    """Suffixes on which match() may judge a variant differently from other suffixes of its class:
    the genuine suffixes and any suffix that is, or lies under, a genuine domain (gouv.fr)."""
    genuine = list(matcher.index.genuine)
    special = {target.suffix for target in matcher.index.targets}
    for suffixes in suffix_lists.values():
        for suffix, _prior in suffixes:
            if any(suffix == domain or suffix.endswith(f".{domain}") for domain in genuine):
                special.add(suffix)
    return frozenset(special)


def _variants(
    matcher: Matcher, brand: Brand, fuzzers: Sequence[Fuzzer], *, suffix_swaps: bool
) -> list[_Variant]:
    """Every label variant that ``match`` accepts for the brand, most likely to be registered first."""
    psl = default_psl()
    out: dict[tuple[str, str], _Variant] = {}
    for target in matcher.index.targets:
        words = matcher.profile.affix_words if matcher.profile else ()
        seed = Seed(target.label, target.suffix, brand_country(brand, target.suffix), words)
        preferred = preferred_affixes(seed, matcher.profile)
        probe = _probe_suffix(target.suffix)
        candidates: list[tuple[str, str]] = [(target.label, SUFFIX_FUZZER)] if suffix_swaps else []
        for fuzzer in fuzzers:
            candidates.extend((label, fuzzer.name) for label in fuzzer.variants(seed))
        for label, fuzzer_name in candidates:
            key = (label, target.suffix)
            if key in out:
                continue
            name = parse_host(f"{label}.{probe}", psl)
            if not isinstance(name, DomainName):
                continue
            hit = matcher.match(name)
            if hit is None or hit.genuine != target.genuine:
                continue
            strength = likelihood(name, hit.reasons, target, preferred)
            unicode_label = name.unicode[: -len(probe) - 1].rsplit(".", 1)[-1]
            out[key] = _Variant(name.label, unicode_label, name.subdomain, fuzzer_name, strength, target)
    return sorted(out.values(), key=lambda v: (-v.strength, v.ascii))


# How likely a campaign is to register a label variant, by kind (public reporting on Doppelganger:
# mostly the exact label on another suffix, then one subtle edit or a country/news affix).
EXACT, LIKELY, PLAUSIBLE, POSSIBLE, RARE = 1.0, 0.8, 0.6, 0.4, 0.3


def likelihood(name: DomainName, reasons: Sequence[str], target: Target, preferred: frozenset[str]) -> float:
    """The registration likelihood class of a variant, with the match score breaking ties."""
    changes = [reason for reason in reasons if reason not in CONTEXT_REASONS]
    core = [reason for reason in changes if reason != "suffix-swap"]
    tie = 0.01 * _score_of(changes)
    if name.is_idn:
        return RARE + tie
    if not core:
        return EXACT
    affixes = [reason.partition(":")[2] for reason in core if reason.startswith("affix:")]
    if affixes:
        only_affixes = len(core) == len(affixes)
        glued = name.label.count("-") <= target.label.count("-")
        if only_affixes and all(word in preferred for word in affixes):
            return (PLAUSIBLE if glued else LIKELY) + tie
        if only_affixes and all(word in NEWS_WORDS for word in affixes) and not glued:
            return PLAUSIBLE + tie
        return POSSIBLE + tie
    if name.subdomain:
        return POSSIBLE + tie
    edits = explain(target.label, name.label)
    if len(edits) != 1:
        return RARE + tie
    if edits[0].subtle:
        return LIKELY + tie
    if _digits(name.label) > _digits(target.label):
        return POSSIBLE + tie  # a digit among letters stands out unless it is a look-alike
    return (PLAUSIBLE if edits[0].weight >= NEAR_MISS else POSSIBLE) + tie


def _digits(text: str) -> int:
    return sum(char.isdigit() for char in text)


def _score_of(reasons: Sequence[str]) -> float:
    """A small, stable tie-break inside a class: fewer transformations first."""
    return 1.0 / (1 + len(reasons))


def brand_country(brand: Brand, suffix: str) -> str | None:
    """The brand's country, or the one its genuine country-code suffix names (pravda.com.ua -> UA)."""
    if brand.country:
        return brand.country
    last = suffix.rsplit(".", 1)[-1]
    return last.upper() if len(last) == 2 and last in COUNTRY_CODES else None


@cache
def _unicode_suffix(suffix: str) -> str:
    if "xn--" not in suffix:
        return suffix
    return ".".join(idna.decode(part) if part.startswith("xn--") else part for part in suffix.split("."))


def _probe_suffix(genuine_suffix: str) -> str:
    """A suffix other than the genuine one on which even weak labels are judged (the most abused)."""
    return "top" if genuine_suffix != "top" else "xyz"
