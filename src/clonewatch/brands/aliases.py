"""The labels a brand is known by besides its domains' own: given aliases, the standard Latin spellings of
its native name, its full name written out, and the Latin spellings of a genuine label in another script."""

from __future__ import annotations

import re
from collections.abc import Iterable

import idna
from anyascii import anyascii

from clonewatch.names.translit import romanizations

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
# A derived spelling this short names nothing on its own (a Hebrew name's bare consonants, ``ert``).
MIN_DERIVED = 4
MAX_LABEL = 63


def alias_label(text: str) -> str | None:
    """A given alias as a label (lower case, hyphens kept), or None when it cannot be one."""
    label = text.strip().lower()
    return label if _LABEL.fullmatch(label) and len(label) <= MAX_LABEL else None


def is_abbreviation(label: str, name: str) -> bool:
    """``dw`` for Deutsche Welle, ``faz`` for Frankfurter Allgemeine Zeitung: the label is the
    initials of the name's words (small words such as ``of`` may be skipped)."""
    words = [w for w in re.split(r"[^a-z0-9]+", anyascii(name).lower()) if w]
    if len(words) < 2 or not label.isalnum():
        return False
    initials = "".join(w[0] for w in words)
    if label == initials:
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
    if any(is_abbreviation(label, name) for label in own):
        for spelled in romanizations(name, language)[:1]:
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
    return tuple(out)
