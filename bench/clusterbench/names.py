"""Domain names of the world: look-alikes of a brand, random front names for redirectors, fake outlets,
ordinary sites (some of which contain a brand's label), all unique within one world."""

from __future__ import annotations

import itertools
import random
import string
from collections.abc import Callable, Sequence

# Suffixes the operations register on (cheap, from public reporting) and the ordinary web's, weighted.
CHEAP = (
    "lol live click rest cfd top xyz online site pm ltd info today world life fun cyou icu bond sbs shop "
    "store news press media space website pw us in me cc"
).split()
FAKE_SLD = ("eu.com", "com.co", "de.com", "us.com", "co.com", "net.co")
ORDINARY = (
    ("com", 40),
    ("net", 6),
    ("org", 6),
    ("de", 8),
    ("fr", 5),
    ("co.uk", 4),
    ("it", 3),
    ("com.ua", 2),
    ("co.il", 1),
    ("info", 3),
    ("io", 2),
    ("co", 2),
    ("eu", 2),
    ("nl", 2),
    ("pl", 2),
    ("online", 2),
    ("xyz", 3),
    ("site", 2),
    ("shop", 2),
    ("store", 1),
)
_ORDINARY_TLDS = [t for t, _ in ORDINARY]
_ORDINARY_CUM = list(itertools.accumulate(w for _, w in ORDINARY))

ONSETS = "b c d f g h j k l m n p r s t v w z br ch cl dr fl gr kr pl pr sh st tr".split()
VOWELS = "a e i o u a e i o ai ea io".split()
CODAS = ["", "", "", "n", "r", "s", "l", "x", "t", "m"]
WORDS = (
    "news daily today live info online world post times herald journal voice report press media truth "
    "digest update wire star globe express tribune review insider now 24 hub portal club shop store home "
    "travel food tech auto health finance invest sport game music photo design studio group consult legal"
).split()
AFFIXES = ("news", "today", "live", "info", "online", "24", "ua", "de", "fr", "eu", "daily", "now", "tv")
NEWS_ADJECTIVES = "reliable recent real free true honest open clear direct global euro national".split()
NEWS_NOUNS = "news report voice truth view review daily times herald observer journal wire".split()
_LOOKS_ALIKE = {"l": "i1", "i": "l1", "o": "0", "0": "o", "m": "n", "n": "m", "e": "a", "a": "e", "u": "v"}
_KEYS = "qwertyuiop asdfghjkl zxcvbnm".split()


def _neighbours(char: str) -> str:
    for row in _KEYS:
        at = row.find(char)
        if at >= 0:
            return row[max(0, at - 1) : at] + row[at + 1 : at + 2]
    return ""


class NameBook:
    """Every name handed out once: ``take`` retries a maker until its name is new."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, make: Callable[[], str]) -> str:
        for _ in range(1000):
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("name space exhausted")

    def reserve(self, names: Sequence[str]) -> None:
        self.used.update(names)


def word(rng: random.Random, syllables: int | None = None) -> str:
    count = syllables if syllables is not None else rng.choice((2, 2, 2, 3, 3, 4))
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(count))


def ordinary_suffix(rng: random.Random) -> str:
    return rng.choices(_ORDINARY_TLDS, cum_weights=_ORDINARY_CUM)[0]


def ordinary(rng: random.Random) -> str:
    """An ordinary site: a pronounceable word, sometimes joined with a common word, a hyphen or digits."""
    label = word(rng)
    roll = rng.random()
    if roll < 0.25:
        label += rng.choice(WORDS)
    elif roll < 0.35:
        label = f"{label}-{rng.choice(WORDS)}"
    elif roll < 0.4:
        label += str(rng.randint(1, 999))
    return f"{label}.{ordinary_suffix(rng)}"


def brandish(rng: random.Random, label: str) -> str:
    """An ordinary name holding a brand's label (a shop, a fan site, a longer word): a match candidate."""
    other = rng.choice(WORDS) if rng.random() < 0.7 else word(rng, 1)
    joined = f"{label}{other}" if rng.random() < 0.5 else f"{label}-{other}"
    if rng.random() < 0.3:
        joined = f"{other}{label}"
    return f"{joined}.{ordinary_suffix(rng) if rng.random() < 0.7 else rng.choice(CHEAP)}"


def _edit(rng: random.Random, label: str) -> str:
    i = rng.randrange(len(label))
    kind = rng.choice(("omit", "repeat", "replace", "insert", "swap", "hyphen"))
    if kind == "omit" and len(label) > 4:
        return label[:i] + label[i + 1 :]
    if kind == "repeat":
        return label[: i + 1] + label[i:]
    if kind == "replace":
        pool = _LOOKS_ALIKE.get(label[i], "") + _neighbours(label[i])
        return label[:i] + rng.choice(pool or string.ascii_lowercase) + label[i + 1 :]
    if kind == "insert":
        return label[:i] + rng.choice(string.ascii_lowercase) + label[i:]
    if kind == "swap" and i + 1 < len(label):
        return label[:i] + label[i + 1] + label[i] + label[i + 2 :]
    if kind == "hyphen" and 0 < i < len(label) - 1 and "-" not in label:
        return label[:i] + "-" + label[i:]
    return label + label[-1]


def lookalike(rng: random.Random, label: str) -> str:
    """A name that imitates ``label``: suffix swap, one edit, an affix, a fake second-level domain."""
    name = label
    roll = rng.random()
    if roll < 0.35:
        name = _edit(rng, label)
    elif roll < 0.6:
        affix = rng.choice(AFFIXES)
        name = f"{label}-{affix}" if rng.random() < 0.7 else f"{affix}-{label}"
    elif roll < 0.68:
        name = f"{label}{rng.choice(AFFIXES)}"
    suffix = rng.choice(FAKE_SLD) if rng.random() < 0.08 else rng.choice(CHEAP)
    return f"{name.strip('-')}.{suffix}"


def front(rng: random.Random) -> str:
    """A redirector's throw-away name: random letters and digits, or two short syllable words."""
    if rng.random() < 0.5:
        chars = string.ascii_lowercase + string.digits
        label = rng.choice(string.ascii_lowercase) + "".join(
            rng.choice(chars) for _ in range(rng.randint(5, 9))
        )
    else:
        label = word(rng, rng.choice((2, 3))) + rng.choice(("", "", str(rng.randint(1, 99))))
    return f"{label}.{rng.choice(CHEAP)}"


def outlet(rng: random.Random) -> str:
    """An operation's own 'original' outlet: reliable-recent-news.org style."""
    parts = [rng.choice(NEWS_ADJECTIVES), rng.choice(NEWS_NOUNS)]
    if rng.random() < 0.5:
        parts.insert(1, rng.choice(NEWS_ADJECTIVES))
    return "-".join(parts) + "." + rng.choice(("org", "com", "net", "media", "news", "info", "press"))


def infrastructure(rng: random.Random) -> str:
    """A domain an operation runs its own machinery on (traffic distribution, name servers)."""
    return f"{word(rng, 2)}{rng.choice(('', 'trk', 'go', 'cdn', 'api', 'dns'))}.{rng.choice(CHEAP)}"
