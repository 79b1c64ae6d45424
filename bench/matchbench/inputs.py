"""Deterministic benchmark inputs: the big feed, keyword files, quality sets."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

from benchkit.log import progress

GENERATOR_VERSION = 1
DEFAULT_SEED = 20240611

# Real suffixes, weighted roughly like a newly-registered-domain feed (com dominates).
SUFFIXES: tuple[tuple[str, int], ...] = (
    ("com", 40),
    ("net", 5),
    ("org", 4),
    ("de", 4),
    ("fr", 3),
    ("co.uk", 3),
    ("com.ua", 1),
    ("info", 3),
    ("online", 3),
    ("xyz", 3),
    ("top", 3),
    ("ru", 3),
    ("pl", 2),
    ("it", 2),
    ("es", 2),
    ("nl", 2),
    ("io", 1),
    ("site", 2),
    ("shop", 2),
    ("store", 1),
    ("ua", 1),
    ("eu", 1),
    ("cfd", 1),
    ("lol", 1),
    ("life", 1),
    ("live", 1),
    ("space", 1),
    ("click", 1),
    ("today", 1),
    ("me", 1),
    ("co", 1),
    ("cc", 1),
    ("ltd", 1),
    ("us", 1),
    ("ca", 1),
    ("com.br", 1),
    ("com.au", 1),
    ("co.jp", 1),
    ("in", 1),
    ("biz", 1),
)
ONSETS = (
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "w",
    "z",
    "br",
    "ch",
    "cl",
    "cr",
    "dr",
    "fl",
    "fr",
    "gl",
    "gr",
    "kl",
    "pl",
    "pr",
    "sh",
    "sk",
    "sl",
    "sp",
    "st",
    "str",
    "th",
    "tr",
    "",
    "",
)
VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea", "ee", "ie", "oo", "ou", "y")
CODAS = ("", "", "", "", "n", "r", "s", "t", "l", "m", "ck", "ng", "x", "rd", "st")


@dataclass(frozen=True)
class DataPaths:
    project_root: Path
    data_dir: Path
    out_dir: Path

    @property
    def benign_gz(self) -> Path:
        return self.data_dir / "benign_dev.txt.gz"

    @property
    def doppelganger_csv(self) -> Path:
        return self.data_dir / "doppelganger_dev.csv"

    @property
    def dev_brands(self) -> Path:
        return self.data_dir / "dev_brands.txt"

    @property
    def psl(self) -> Path:
        return self.project_root / "src" / "clonewatch" / "data" / "public_suffix_list.dat"


@dataclass(frozen=True)
class LookalikeRow:
    domain: str
    genuine: str


def read_lines(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [s for line in fh if (s := line.strip().lower()) and not s.startswith("#")]


def read_lookalikes(path: Path) -> list[LookalikeRow]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [
            LookalikeRow(row["domain"].strip().lower(), row["genuine"].strip().lower())
            for row in csv.DictReader(fh)
            if row["kind"].strip() == "lookalike"
        ]


def write_lines(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.writelines(f"{line}\n" for line in lines)
    tmp.replace(path)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- public suffix handling (ICANN section of the PSL that clonewatch bundles) ---------------------------

_FALLBACK_SUFFIXES = frozenset({"co.uk", "com.ua", "gouv.fr", "com.br", "com.au", "co.jp", "org.uk"})


class SuffixList:
    def __init__(self, psl_path: Path | None) -> None:
        self.rules: set[str] = set()
        self.exceptions: set[str] = set()
        if psl_path is not None and psl_path.is_file():
            with psl_path.open(encoding="utf-8") as fh:
                for raw in fh:
                    line = raw.strip()
                    if line.startswith("// ===END ICANN DOMAINS==="):
                        break
                    if not line or line.startswith("//"):
                        continue
                    rule = line.split()[0].lower()
                    if rule.startswith("!"):
                        self.exceptions.add(rule[1:])
                    else:
                        self.rules.add(rule)
        else:
            self.rules = set(_FALLBACK_SUFFIXES)

    def suffix_labels(self, labels: list[str]) -> int:
        """Number of trailing labels that form the public suffix (longest matching rule, default 1)."""
        for i in range(len(labels)):
            candidate = ".".join(labels[i:])
            if candidate in self.exceptions:
                return len(labels) - i - 1
            if candidate in self.rules:
                return len(labels) - i
            if i + 1 < len(labels) and "*." + ".".join(labels[i + 1 :]) in self.rules:
                return len(labels) - i
        return 1

    def brand_label(self, domain: str) -> str:
        """Registrable label (``bild`` for bild.de, ``pravda`` for pravda.com.ua).

        A domain that is itself a public suffix (``gouv.fr``) has no registrable label: its first label
        is used.
        """
        labels = domain.strip().rstrip(".").lower().split(".")
        n = self.suffix_labels(labels)
        if n >= len(labels):
            return labels[0]
        return labels[-n - 1]


# --- generated padding names ----------------------------------------------------------------------------


def _suffix_table() -> tuple[list[str], list[int]]:
    names = [s for s, _ in SUFFIXES]
    cum: list[int] = []
    total = 0
    for _, w in SUFFIXES:
        total += w
        cum.append(total)
    return names, cum


def _word(rng: random.Random) -> str:
    n = rng.choice((1, 2, 2, 2, 3, 3, 4))
    parts = [rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(n)]
    return "".join(parts)


def generated_name(rng: random.Random, suffixes: list[str], cum: list[int]) -> str:
    roll = rng.random()
    if roll < 0.15:
        label = f"{_word(rng)}-{_word(rng)}"
    elif roll < 0.25:
        label = f"{_word(rng)}{rng.randint(0, 999)}"
    elif roll < 0.28:
        label = f"{_word(rng)}-{rng.randint(1, 99)}"
    else:
        label = _word(rng)
    label = label[:40].strip("-") or "x"
    suffix = rng.choices(suffixes, cum_weights=cum, k=1)[0]
    return f"{label}.{suffix}"


def build_feed(paths: DataPaths, size: int, seed: int = DEFAULT_SEED) -> Path:
    """Write (or reuse) the shuffled feed of exactly ``size`` names; return its path."""
    feed = paths.out_dir / f"feed-{size}-s{seed}.txt"
    meta_path = feed.with_suffix(".meta.json")
    sources = {p.name: sha256_file(p) for p in (paths.benign_gz, paths.doppelganger_csv)}
    meta = {"version": GENERATOR_VERSION, "size": size, "seed": seed, "sources": sources}
    if feed.is_file() and meta_path.is_file():
        try:
            if json.loads(meta_path.read_text(encoding="utf-8")) == meta:
                progress(f"feed: reusing {feed} ({size:,} names)")
                return feed
        except ValueError:
            pass
    progress(f"feed: building {size:,} names (seed {seed}) ...")
    rng = random.Random(seed)
    lookalikes = list(dict.fromkeys(r.domain for r in read_lookalikes(paths.doppelganger_csv)))
    benign = list(dict.fromkeys(read_lines(paths.benign_gz)))
    names = lookalikes[:size]
    room = size - len(names)
    if room < len(benign):
        benign = rng.sample(benign, room)
    seen = set(names)
    for name in benign:
        if name not in seen:
            seen.add(name)
            names.append(name)
    suffixes, cum = _suffix_table()
    while len(names) < size:
        name = generated_name(rng, suffixes, cum)
        if name not in seen:
            seen.add(name)
            names.append(name)
    rng.shuffle(names)
    write_lines(feed, names)
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    progress(f"feed: wrote {feed}")
    return feed


def write_keywords(paths: DataPaths, brands_file: Path, suffixes: SuffixList) -> tuple[Path, dict[str, str]]:
    """openSquat keyword file from a brand-domain file; returns (path, {brand domain: keyword})."""
    mapping = {domain: suffixes.brand_label(domain) for domain in read_lines(brands_file)}
    path = paths.out_dir / "rival-keywords.txt"
    write_lines(path, list(dict.fromkeys(mapping.values())))
    return path, mapping
