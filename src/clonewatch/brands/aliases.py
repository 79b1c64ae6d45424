"""The labels a brand is known by besides its domains' own: given aliases, the standard Latin spellings of
its native name, its full name written out, and the Latin spellings of a genuine label in another script."""

from __future__ import annotations

import re
from collections.abc import Iterable

import idna
from anyascii import anyascii

from clonewatch.names.translit import romanizations
from clonewatch.names.words import ARTICLES

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
# German ä, ö, ü written ae, oe, ue (not after a vowel: the ue of ``neue`` and ``frauen`` is no umlaut).
_UMLAUT_DIGRAPH = re.compile(r"(?<![aeiou])([aou])e")
_UMLAUTS = frozenset("äöüÄÖÜ")
# A derived spelling this short names nothing on its own (a Hebrew name's bare consonants, ``ert``).
MIN_DERIVED = 4
MAX_LABEL = 63


def alias_label(text: str) -> str | None:
    """A given alias as a label (lower case, hyphens kept), or None when it cannot be one."""
    label = text.strip().lower()
    return label if _LABEL.fullmatch(label) and len(label) <= MAX_LABEL else None


def without_article(name: str) -> str:
    """A brand's name without its leading article, when more than one word follows (``New York
    Times``; ``Die Zeit`` keeps its own)."""
    first, _, rest = name.strip().partition(" ")
    return rest if first.lower() in ARTICLES and " " in rest.strip() else name


def abbreviated_name(label: str, name: str) -> str | None:
    """The form of the name (with or without its leading article) that ``label`` abbreviates, or None:
    the initials of its words (``dw``, Deutsche Welle; ``dnb``, De Nederlandsche Bank; small words such
    as ``of`` may be skipped), or the initials of its first words before the last in full (``nytimes``,
    The New York Times)."""
    for form in dict.fromkeys((without_article(name), name)):
        if _abbreviates(label, [w for w in re.split(r"[^a-z0-9]+", anyascii(form).lower()) if w]):
            return form
    return None


def _abbreviates(label: str, words: list[str]) -> bool:
    if len(words) < 2 or not label.isalnum():
        return False
    initials = "".join(w[0] for w in words)
    if label == initials or any(label == initials[:k] + "".join(words[k:]) for k in range(1, len(words))):
        return True
    it = iter(initials)
    return len(label) >= 2 and label[0] == initials[0] and all(c in it for c in label)


def derived_aliases(
    *,
    name: str,
    domains: Iterable[str],
    given: Iterable[str] = (),
    native: str | None = None,
    language: str | None = None,
    genuine_labels: Iterable[str] = (),
) -> tuple[str, ...]:
    """Every alias of a brand, given ones first, without the genuine labels themselves."""
    own = set(genuine_labels)
    out: list[str] = []

    def add(label: str, *, derived: bool) -> None:
        if label in own or label in out or not _LABEL.fullmatch(label) or len(label) > MAX_LABEL:
            return
        if derived and len(label.replace("-", "")) < MIN_DERIVED:
            return
        out.append(label)

    for alias in given:
        if alias.isascii():
            add(alias.lower(), derived=False)
        else:
            for spelled in romanizations(alias, language):
                add(spelled, derived=False)
    if native:
        for spelled in romanizations(native, language):
            add(spelled, derived=True)
    # the full name written out where the domain is its abbreviation (``Deutsche Welle``, dw.com)
    for form in dict.fromkeys(filter(None, (abbreviated_name(label, name) for label in own))):
        for spelled in romanizations(form, language)[:1]:
            add(spelled, derived=True)
    for domain in domains:
        first = domain.split(".", 1)[0]
        if first.startswith("xn--"):
            try:
                shown = idna.decode(first)
            except idna.IDNAError:
                continue
            for spelled in romanizations(shown, language):
                add(spelled, derived=True)
    if _UMLAUTS.intersection(f"{name}{native or ''}"):
        # an umlaut the label writes out (``sueddeutsche``, Süddeutsche) is also written without its e
        for label in [*sorted(own), *out]:
            add(_UMLAUT_DIGRAPH.sub(r"\1", label), derived=True)
    return tuple(out)
