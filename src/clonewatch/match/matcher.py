"""Score one parsed name against every watched brand through the brand index."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from clonewatch.brands import Brand, BrandKind
from clonewatch.match.affixes import (
    COUNTRY_CODES,
    LANGUAGE_CODES,
    NEWS_WORDS,
    is_affix_token,
    is_article,
    looks_like_fragment,
)
from clonewatch.match.cache import cached_index
from clonewatch.match.edits import LOOKALIKE_WEIGHT, MULTI_LOOKALIKES, Edit, explain
from clonewatch.match.index import COMMON_ZIPF, WEAK_MAX_LEN, Found, Target
from clonewatch.match.profile import Profile
from clonewatch.match.records import Match
from clonewatch.match.rules import (
    AFFIX_WEIGHT,
    CANDIDATE_WORD_ZIPF,
    CODE_AFFIX_WEIGHT,
    COMMON_LABEL_WEIGHT,
    COMMON_ON_ABUSED_WEIGHT,
    DIGIT_AFFIX_LENGTH,
    DOT_SPLIT_MIN_LABEL,
    DOT_SPLIT_WEIGHT,
    IDN_WEIGHT,
    NEW_WORD_EDITS,
    SHORT_LABEL_EDITS,
    SUBDOMAIN_LABEL_ONLY,
    SUBDOMAIN_MIN_LABEL,
    SUBDOMAIN_WITH_SUFFIX,
    SUFFIX_SWAP_WEIGHT,
    edit_score,
    edits_allowed,
    is_slip,
    unique,
)
from clonewatch.names import Confusables, DomainName, default_confusables, default_psl
from clonewatch.names.confusables import transliterate
from clonewatch.names.suffixes import abused_suffix_set, is_new_gtld
from clonewatch.names.translit import romanizations
from clonewatch.names.words import LANGUAGES, zipf

# A label of one or two characters (``ga`` for ga.de) identifies nothing on its own: only the
# genuine domain inside a subdomain, or the genuine suffix glued to it (``ga-de``), counts.
MIN_LABEL_ALONE = 3
_LDH = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_Hit = tuple[float, Target, tuple[str, ...]]
_Query = tuple[str, tuple[str, ...], float]
_MULTI_LOOKS = re.compile("|".join(look for look, _ in MULTI_LOOKALIKES))
# Bodies that publish no editions: news words beside their labels are not theirs.
_NO_EDITIONS = frozenset({BrandKind.GOVERNMENT, BrandKind.INTERNATIONAL})


class Matcher:
    """Flags names that imitate a watched brand and explains each hit with named transformations."""

    def __init__(
        self,
        brands: Iterable[Brand],
        *,
        confusables: Confusables | None = None,
        profile: Profile | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.index = cached_index(list(brands), cache_dir=cache_dir)
        self.profile = profile
        self._confusables = confusables or default_confusables()
        self._abused = abused_suffix_set() | frozenset(profile.suffixes if profile else ())
        self._profile_words = frozenset(profile.affix_words if profile else ())
        self._psl = default_psl()
        self._genuine_labels = frozenset(target.label for target in self.index.targets)
        self._genuine_suffixes = tuple(
            f".{domain}" for domain in self.index.genuine if domain.count(".") >= 1
        )

    def is_genuine(self, name: DomainName) -> bool:
        """The name is a watched genuine domain or one of its subdomains."""
        if name.registrable in self.index.genuine or name.ascii in self.index.genuine:
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
        if target.alias is not None:
            reasons = (f"alias:{target.alias}", *reasons)
        return Match(
            domain=name.ascii,
            unicode=name.unicode,
            brand=target.brand.name,
            genuine=target.genuine,
            score=round(min(1.0, max(0.0, score)), 3),
            reasons=reasons,
            alias=target.alias,
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
            # the punycode label itself: a brand written in another script, on another suffix
            base = [(name.label, (), 1.0)]
            seen = self._confusables.latinize(name.label_unicode)
            if _LDH.fullmatch(seen):
                base.append((seen, ("homoglyph",), IDN_WEIGHT))
            spellings = [transliterate(name.label_unicode) or "", *romanizations(name.label_unicode)]
            for spelled in dict.fromkeys(spellings):
                if spelled and spelled != seen and _LDH.fullmatch(spelled):
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
        if brand_len < MIN_LABEL_ALONE and (query != target.label or extra):
            return None  # only the exact label of a one- or two-character name is that name
        edits = explain(target.label, query) if query != target.label else ()
        if not edits_allowed(brand_len, target.max_edits, edits):
            return None
        swapped = name.suffix != target.suffix
        suspect = self.suspect_suffix(name.suffix)
        respelled = query.replace("-", "") != target.label.replace("-", "")
        new_word = any(edit.reason in NEW_WORD_EDITS for edit in edits)
        if respelled and not name.is_idn and _is_words(query, target.language, glued=swapped and new_word):
            return None  # words of their own a letter or two from the brand (``build`` for ``bild``)
        if target.weak and edits and not (suspect and _weak_edits_allowed(brand_len, edits)):
            return None
        subtle = all(edit.subtle for edit in edits)
        if target.core and not subtle and not _core_kept(target, query):
            return None  # ``chsnews`` for ``cbsnews``: another short name beside the same word
        if swapped and len(edits) > 1 and not subtle and target.label not in query:
            return None  # misspelt twice and on another suffix: too little of the name is left
        if swapped and target.word and not all(is_slip(edit) for edit in edits):
            return None  # a word misspelt (``marcines``) is another word or name, unless it is a slip
        added = sum(c.isdigit() for c in query) > sum(c.isdigit() for c in target.label)
        if added and any(edit.reason in ("insertion", "addition") for edit in edits):
            return None  # a digit added to a name numbers a series (``quorzelnews7``), it is no slip
        short = target.weak and brand_len <= WEAK_MAX_LEN
        if short and swapped and "homoglyph" in extra and not name.is_idn:
            return None  # ``rn`` for ``m`` in a three-letter label makes another three letters
        if target.weak and "transliteration" in extra:
            return None  # a word of another script spelled in Latin is not an ordinary label's look-alike
        reasons = [*extra, *(edit.reason for edit in edits)]
        score = weight * edit_score(brand_len, edits)
        if swapped:
            reasons.append("suffix-swap")
            score *= SUFFIX_SWAP_WEIGHT
            if target.weak and not (name.is_idn and "homoglyph" in extra):
                # the exact label on any suffix is a look-alike, but an ordinary word or short name
                # there is weak: an abused suffix is what makes it stand out, and the record says so
                # (its edits count only on a suspect suffix, so they lean on it); spelled in look-alike
                # glyphs of another script, it is nobody's ordinary word
                why, factor = self._ordinary_label(name.suffix, leaned_on_suffix=bool(edits))
                reasons.extend(why)
                score *= factor
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
        own = {code for code in (target.country, target.language) if code} | set(target.fragments)
        publishes = target.brand.kind not in _NO_EDITIONS
        tokens: list[str] = []
        needs_suffix = False  # an ordinary label that stands out only for a suspect suffix
        for side, hyphenated, before in (
            (query[:start], query[:start].endswith("-"), True),
            (query[end:], query[end:].startswith("-"), False),
        ):
            if not side:
                continue
            for token in side.strip("-").split("-"):
                tokens.append(token)
                if looks_like_fragment(token, target.fragments):
                    reasons.extend((f"affix:{token}", "homoglyph"))
                    score *= CODE_AFFIX_WEIGHT * LOOKALIKE_WEIGHT
                    continue
                if token.isdigit() and (target.weak or len(token) != DIGIT_AFFIX_LENGTH):
                    return None  # numbered series (``abc365``, ``dnb98``) are spam, not editions
                # an ordinary label takes only an article of its own language (``derspiegel``)
                article = not hyphenated and is_article(
                    token, before=before, language=target.language if target.weak else None
                )
                if not hyphenated and not article and token in NEWS_WORDS and not publishes:
                    # a ministry has no editions: ``…today`` glued to it makes another name (with a
                    # hyphen, ``…-news`` still reads as a page of it)
                    return None
                if not article and not is_affix_token(
                    token,
                    hyphenated=hyphenated,
                    brand_len=brand_len,
                    suffix_fragments=target.fragments,
                    namespace=target.namespace,
                    extra_words=self._profile_words,
                ):
                    return None
                edition = _edition_word(token, hyphenated=hyphenated, before=before)
                strong = token in own or token in self._profile_words
                if target.weak and not target.namespace and not strong:
                    if not ((edition or article) and publishes and self.suspect_suffix(name.suffix)):
                        # an ordinary label needs its own country or suffix, or an outlet's news word
                        # or article on a suspect suffix (a body that publishes no editions has none)
                        return None
                    needs_suffix = True
                if token in target.fragments and token not in target.suffix.split(".") and (
                    not hyphenated or brand_len <= 2
                ) and token != target.suffix.replace(".", ""):
                    return None  # a suffix cut short reads as one only after a hyphen (``bild-d``)
                foreign = token in COUNTRY_CODES and token != target.country and token not in target.fragments
                if foreign and (target.weak or target.namespace):
                    return None  # ``gov`` with another country's code belongs to that country
                reasons.append(f"affix:{token}")
                known = token in own or (token in LANGUAGE_CODES and not foreign)
                score *= CODE_AFFIX_WEIGHT if known else AFFIX_WEIGHT
        swapped = name.suffix != target.suffix
        if swapped and target.namespace and not own.intersection(tokens):
            return None  # ``sama-gov``, ``anything-nhs``: a namespace label alone names no country
        if name.suffix != target.suffix:
            reasons.append("suffix-swap")
            score *= SUFFIX_SWAP_WEIGHT
        if needs_suffix:
            why, factor = self._ordinary_label(name.suffix, leaned_on_suffix=True)
            reasons.extend(why)
            score *= factor
        return score, target, unique(reasons)

    def _ordinary_label(self, suffix: str, *, leaned_on_suffix: bool) -> tuple[tuple[str, ...], float]:
        """The reasons and score factor of an ordinary word or short name flagged on another suffix:
        on an abused one, what made it stand out; on a new generic TLD it ``leaned_on_suffix`` for,
        that; scored low elsewhere."""
        why = self.abuse_reason(suffix)
        if why is not None:
            return ("common-label", why), COMMON_ON_ABUSED_WEIGHT
        return ("common-label", "new-gtld") if leaned_on_suffix else ("common-label",), COMMON_LABEL_WEIGHT

    def suspect_suffix(self, suffix: str) -> bool:
        """Suffixes where even a weak label is suspicious: abused ones, the new generic TLDs
        (``.agency``, ``.ltd``: where the owners of short and ordinary names are not), and
        private namespaces posing as a registry (``eu.com``, ``com.de``)."""
        if suffix in self._abused:
            return True
        if "." in suffix:
            return self._psl.is_private(suffix)
        return is_new_gtld(suffix)

    def abused_suffix(self, suffix: str) -> bool:
        """Suffixes that abuse statistics (or the campaign profile) name, and private namespaces."""
        return self.abuse_reason(suffix) is not None

    def abuse_reason(self, suffix: str) -> str | None:
        """Why ``suffix`` is abused, as a reason: named by abuse statistics (or the campaign profile),
        or a private namespace posing as a registry (``eu.com``); None for other suffixes."""
        if suffix in self._abused:
            return "abused-suffix"
        if "." in suffix and self._psl.is_private(suffix):
            return "private-namespace"
        return None

    def _by_subdomain(self, name: DomainName) -> _Hit | None:
        """``spiegel.de.example.com``: the genuine domain, or a long brand label, in the subdomain, or
        the genuine domain at the head of a longer name (``nato.int.com``, ``bbc.co.uk.com``);
        ``spie.gel.ltd``: a dot slipped into the brand label, its head left as a subdomain."""
        labels = name.subdomain.split(".")
        dotted = f".{name.ascii}."
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


def _is_words(label: str, language: str | None, *, glued: bool) -> bool:
    """The label is a word of English or the brand's language, a common word of any other language
    (``publik``), or (``glued``) two words (``currentanime``, ``worldbanks``)."""
    languages = ("en", language)
    if zipf(label, languages) >= CANDIDATE_WORD_ZIPF or zipf(label, LANGUAGES) >= COMMON_ZIPF:
        return True
    common = CANDIDATE_WORD_ZIPF
    return glued and any(
        zipf(label[:i], languages) >= common and zipf(label[i:], languages) >= common
        for i in range(3, len(label) - 2)
    )


def _edition_word(token: str, *, hyphenated: bool, before: bool) -> bool:
    """A news word that makes an edition of an ordinary label: after it or hyphenated (``bildnews``,
    ``news-bild``); glued before it, it makes a compound of its own (``infocamera``, ``onlineagora``)."""
    return token in NEWS_WORDS and (hyphenated or not before)


def _core_kept(target: Target, query: str) -> bool:
    """The short distinctive part of ``target``'s label (``cbs`` in cbsnews) reads intact in
    ``query``, or the word beside it does and the part takes what a label that short takes."""
    assert target.core is not None
    label = target.label
    start, end = target.core
    core = label[start:end]
    word = (label[end:] if start == 0 else label[:start]).strip("-")
    # the part is intact when the word still begins (or ends) right beside it
    if start == 0:
        if query.startswith(core) and query[len(core) :].lstrip("-")[:1] == word[0]:
            return True
        rest = query[: -len(word)] if query.endswith(word) else None
    else:
        if query.endswith(core) and query[: -len(core)].rstrip("-")[-1:] == word[-1]:
            return True
        rest = query[len(word) :] if query.startswith(word) else None
    if rest is None:
        return False
    rest = rest.strip("-")
    return edits_allowed(len(core), target.max_edits, explain(core, rest))


def _weak_edits_allowed(brand_len: int, edits: Sequence[Edit]) -> bool:
    """A short label takes one letter doubled, dropped or added (``abcc`` for ``abc``); a longer
    ordinary word only look-alike glyphs and doubled letters (``bildd``, ``blld``)."""
    if brand_len <= 3:
        return len(edits) == 1 and edits[0].reason in SHORT_LABEL_EDITS
    return all(edit.reason in ("homoglyph", "repetition") for edit in edits)


def _better(current: _Hit | None, candidate: _Hit | None) -> _Hit | None:
    if candidate is None:
        return current
    if current is None or candidate[0] > current[0]:
        return candidate
    return current
