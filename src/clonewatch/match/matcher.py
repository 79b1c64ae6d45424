"""Score one parsed name against every watched brand through the brand index."""

from __future__ import annotations

import re
from collections.abc import Iterable

from clonewatch.brands import Brand
from clonewatch.match.affixes import COUNTRY_CODES, LANGUAGE_CODES, is_affix_token, looks_like_fragment
from clonewatch.match.edits import LOOKALIKE_WEIGHT, MULTI_LOOKALIKES, explain
from clonewatch.match.index import BrandIndex, Found, Target
from clonewatch.match.records import Match
from clonewatch.match.rules import (
    AFFIX_WEIGHT,
    CODE_AFFIX_WEIGHT,
    DOT_SPLIT_MIN_LABEL,
    DOT_SPLIT_WEIGHT,
    IDN_WEIGHT,
    SUBDOMAIN_LABEL_ONLY,
    SUBDOMAIN_MIN_LABEL,
    SUBDOMAIN_WITH_SUFFIX,
    SUFFIX_SWAP_WEIGHT,
    edit_score,
    edits_allowed,
    unique,
)
from clonewatch.names import Confusables, DomainName, default_confusables, default_psl
from clonewatch.names.confusables import transliterate
from clonewatch.names.suffixes import abused_suffix_set, is_new_gtld

# A label of one or two characters (``ga`` for ga.de) identifies nothing on its own: only the
# genuine domain inside a subdomain, or the genuine suffix glued to it (``ga-de``), counts.
MIN_LABEL_ALONE = 3
_LDH = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_Hit = tuple[float, Target, tuple[str, ...]]
_Query = tuple[str, tuple[str, ...], float]
_MULTI_LOOKS = re.compile("|".join(look for look, _ in MULTI_LOOKALIKES))


class Matcher:
    """Flags names that imitate a watched brand and explains each hit with named transformations."""

    def __init__(self, brands: Iterable[Brand], *, confusables: Confusables | None = None) -> None:
        self.index = BrandIndex(brands)
        self._confusables = confusables or default_confusables()
        self._abused = abused_suffix_set()
        self._psl = default_psl()
        self._genuine_labels = frozenset(target.label for target in self.index.targets)
        self._genuine_suffixes = tuple(
            f".{domain}" for domain in self.index.genuine if domain.count(".") >= 1
        )

    def is_genuine(self, name: DomainName) -> bool:
        """The name is a watched genuine domain or one of its subdomains."""
        if name.registrable in self.index.genuine:
            return True
        host = name.ascii
        return any(host.endswith(suffix) for suffix in self._genuine_suffixes if len(suffix) <= len(host))

    def match(self, name: DomainName) -> Match | None:
        """The best explanation of ``name`` as a look-alike, or None when it imitates no brand."""
        label = name.label
        if label in self._genuine_labels and name.registrable in self.index.genuine:
            return None
        best: _Hit | None = None
        if name.label_unicode == label and not _MULTI_LOOKS.search(label):
            found = self.index.lookup(label)
            if found is not None:
                best = self._explain(name, (label, (), 1.0), found)
        else:
            for query in self._queries(name):
                found = self.index.lookup(query[0])
                if found is not None:
                    best = _better(best, self._explain(name, query, found))
        if name.subdomain:
            best = _better(best, self._by_subdomain(name))
        if best is None or self.is_genuine(name):
            return None
        score, target, reasons = best
        return Match(
            domain=name.ascii,
            unicode=name.unicode,
            brand=target.brand.name,
            genuine=target.genuine,
            score=round(min(1.0, max(0.0, score)), 3),
            reasons=reasons,
        )

    def _explain(self, name: DomainName, query: _Query, found: Found) -> _Hit | None:
        """The best explanation among the index's candidates for one reading of the label."""
        text, extra, weight = query
        targets = self.index.targets
        near, contained = found
        best: _Hit | None = None
        for tid in near:
            best = _better(best, self._by_edits(name, text, targets[tid], extra, weight))
        for tid, start, end in contained:
            best = _better(best, self._by_affix(name, text, targets[tid], start, end, extra, weight))
        return best

    def _queries(self, name: DomainName) -> list[_Query]:
        """The label as a reader sees it: Unicode labels through their Latin look-alikes, and
        multi-letter look-alikes (``rn`` for ``m``) folded back, each with the reason it costs."""
        base: list[_Query]
        if name.is_idn:
            seen = self._confusables.latinize(name.label_unicode)
            if not _LDH.fullmatch(seen):
                return []
            base = [(seen, ("homoglyph",), IDN_WEIGHT)]
            spelled = transliterate(name.label_unicode)
            if spelled and _LDH.fullmatch(spelled):
                base.append((spelled, ("transliteration",), IDN_WEIGHT))
        else:
            base = [(name.label, (), 1.0)]
        out = list(base)
        for query, extra, weight in base:
            for look, real in MULTI_LOOKALIKES:
                if look in query:
                    out.append(
                        (query.replace(look, real), unique((*extra, "homoglyph")), weight * LOOKALIKE_WEIGHT)
                    )
        return out

    def _by_edits(
        self, name: DomainName, query: str, target: Target, extra: tuple[str, ...], weight: float
    ) -> _Hit | None:
        brand_len = len(target.label)
        if brand_len < MIN_LABEL_ALONE:
            return None
        edits = explain(target.label, query) if query != target.label else ()
        if not edits_allowed(brand_len, target.max_edits, edits):
            return None
        swapped = name.suffix != target.suffix
        if target.weak and (
            any(edit.reason != "homoglyph" for edit in edits)
            or (swapped and not self.suspect_suffix(name.suffix))
        ):
            return None
        reasons = [*extra, *(edit.reason for edit in edits)]
        score = weight * edit_score(brand_len, edits)
        if swapped:
            reasons.append("suffix-swap")
            score *= SUFFIX_SWAP_WEIGHT
        if not reasons:
            return None
        return score, target, unique(reasons)

    def _by_affix(
        self,
        name: DomainName,
        query: str,
        target: Target,
        start: int,
        end: int,
        extra: tuple[str, ...],
        weight: float,
    ) -> _Hit | None:
        brand_len = len(target.label)
        reasons = list(extra)
        score = weight
        strong_affix = False
        for side, hyphenated in (
            (query[:start], query[:start].endswith("-")),
            (query[end:], query[end:].startswith("-")),
        ):
            if not side:
                continue
            for token in side.strip("-").split("-"):
                if looks_like_fragment(token, target.fragments):
                    reasons.extend((f"affix:{token}", "homoglyph"))
                    strong_affix = True
                    score *= CODE_AFFIX_WEIGHT * LOOKALIKE_WEIGHT
                    continue
                if not is_affix_token(
                    token,
                    hyphenated=hyphenated,
                    brand_len=brand_len,
                    suffix_fragments=target.fragments,
                    namespace=target.namespace,
                ):
                    return None
                reasons.append(f"affix:{token}")
                strong_affix = strong_affix or token in target.fragments
                known = token in COUNTRY_CODES or token in LANGUAGE_CODES or token in target.fragments
                score *= CODE_AFFIX_WEIGHT if known else AFFIX_WEIGHT
        if target.weak and not strong_affix and not self.suspect_suffix(name.suffix):
            return None
        if name.suffix != target.suffix:
            reasons.append("suffix-swap")
            score *= SUFFIX_SWAP_WEIGHT
        return score, target, unique(reasons)

    def suspect_suffix(self, suffix: str) -> bool:
        """Suffixes where even a weak label is suspicious: abused ones, the new generic TLDs
        (``.agency``, ``.ltd``: where the owners of short and ordinary names are not), and
        private namespaces posing as a registry (``eu.com``, ``com.de``)."""
        if suffix in self._abused:
            return True
        if "." in suffix:
            return self._psl.is_private(suffix)
        return is_new_gtld(suffix)

    def _by_subdomain(self, name: DomainName) -> _Hit | None:
        """``spiegel.de.example.com``: the genuine domain, or a long brand label, in the subdomain;
        ``spie.gel.ltd``: a dot slipped into the brand label, its head left as a subdomain."""
        labels = name.subdomain.split(".")
        dotted = f".{name.subdomain}."
        best: _Hit | None = None
        for tid in self.index.by_label(labels[-1] + name.label):
            target = self.index.targets[tid]
            if len(target.label) >= DOT_SPLIT_MIN_LABEL and not target.weak:
                swapped = name.suffix != target.suffix
                reasons = ("subdomain", "suffix-swap") if swapped else ("subdomain",)
                best = _better(
                    best, (DOT_SPLIT_WEIGHT * (SUFFIX_SWAP_WEIGHT if swapped else 1.0), target, reasons)
                )
        for label in labels:
            for tid in self.index.by_label(label):
                target = self.index.targets[tid]
                if f".{target.genuine}." in dotted:
                    best = _better(best, (SUBDOMAIN_WITH_SUFFIX, target, ("brand-in-subdomain",)))
                elif len(label) >= SUBDOMAIN_MIN_LABEL and not target.weak:
                    best = _better(best, (SUBDOMAIN_LABEL_ONLY, target, ("brand-in-subdomain",)))
        return best


def _better(current: _Hit | None, candidate: _Hit | None) -> _Hit | None:
    if candidate is None:
        return current
    if current is None or candidate[0] > current[0]:
        return candidate
    return current
