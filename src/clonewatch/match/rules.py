"""Length-aware acceptance and scoring: which edits still read as the brand, and how strongly."""

from __future__ import annotations

from collections.abc import Sequence

from clonewatch.match.edits import Edit

# Short labels accept only subtle edits (a doubled or dropped double letter, a look-alike glyph,
# a hyphen added or dropped, two inner neighbours swapped), so ``build`` is not ``bild``; medium
# labels also take near misses (vowel swaps, keyboard slips); long ones any edit within budget.
NEAR_MISS = 0.84
ANY_EDIT = 0.72

SUFFIX_SWAP_WEIGHT = 0.95
IDN_WEIGHT = 0.98
AFFIX_WEIGHT = 0.8
CODE_AFFIX_WEIGHT = 0.85
SUBDOMAIN_WITH_SUFFIX = 0.8
SUBDOMAIN_LABEL_ONLY = 0.7
SUBDOMAIN_MIN_LABEL = 6
DOT_SPLIT_WEIGHT = 0.75
DOT_SPLIT_MIN_LABEL = 5
# The exact label of an ordinary word or short name on a suffix nobody abuses: flagged, scored low.
COMMON_LABEL_WEIGHT = 0.55
# The same on an abused suffix: flagged for the suffix, below a distinctive name's exact label, and
# its edits below its own exact label (the subtle edits a weak label takes there cost under a tenth).
COMMON_ON_ABUSED_WEIGHT = 0.9
# Reasons that say why a name stands out rather than how it was changed from the brand's label.
CONTEXT_REASONS = frozenset({"common-label", "abused-suffix", "private-namespace", "new-gtld"})
# A look-alike that is itself this common a word (Zipf 3: once per million words) is that word.
CANDIDATE_WORD_ZIPF = 3.0
# Edits that can turn one word into another (``bild`` -> ``build``); a transposed, doubled or
# look-alike letter reads as a slip, not as a new word.
NEW_WORD_EDITS = frozenset({"replacement", "insertion", "addition", "omission", "vowel-swap", "bitsquatting"})
# Digits glued to a distinctive label read as an edition when there are exactly this many (``bild24``);
# one digit or three and more make numbered series (``forbes8``, ``heise101``).
DIGIT_AFFIX_LENGTH = 2
# A letter doubled (``abcc``): the one edit a label of three letters or fewer takes. (A letter
# dropped or added anywhere was measured on real new registrations: random four-letter names.)
SHORT_LABEL_EDITS = frozenset({"repetition"})


def edits_allowed(brand_len: int, budget: int, edits: Sequence[Edit]) -> bool:
    """Whether a label ``edits`` away from a brand label of ``brand_len`` characters still reads as it."""
    if not edits:
        return True
    if len(edits) > budget:
        return False
    if brand_len <= 3:
        return len(edits) == 1 and edits[0].reason in SHORT_LABEL_EDITS
    if brand_len == 4:
        return all(edit.subtle for edit in edits)
    if brand_len <= 6:
        return all(edit.subtle or edit.weight >= NEAR_MISS for edit in edits)
    return all(edit.subtle or edit.weight >= ANY_EDIT for edit in edits)


def is_slip(edit: Edit) -> bool:
    """A slip of the eye or the hand: a subtle edit, two letters swapped or a neighbouring key."""
    return edit.subtle or edit.slip or edit.reason == "transposition"


def length_factor(brand_len: int) -> float:
    """An edit stands out more in a short label than in a long one."""
    return min(1.0, 0.75 + 0.025 * brand_len)


def edit_score(brand_len: int, edits: Sequence[Edit]) -> float:
    score = 1.0
    for edit in edits:
        score *= edit.weight
    if edits:
        score *= length_factor(brand_len)
    return score


def unique(reasons: Sequence[str]) -> tuple[str, ...]:
    """Reasons in first-seen order without repeats."""
    return tuple(dict.fromkeys(reasons))
