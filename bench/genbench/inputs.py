"""Benchmark inputs: data paths, the dev brands, the look-alike rows, the Public Suffix List for dnstwist."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import idna


@dataclass(frozen=True)
class DataPaths:
    """Where the inputs are and where the outputs go."""

    project: Path
    data: Path
    out: Path

    @property
    def dev_brands(self) -> Path:
        return self.data / "dev_brands.txt"

    @property
    def doppelganger_csv(self) -> Path:
        return self.data / "doppelganger_dev.csv"

    @property
    def psl(self) -> Path:
        return self.project / "src" / "clonewatch" / "data" / "public_suffix_list.dat"


@dataclass(frozen=True)
class LookalikeRow:
    """One ``lookalike`` row of doppelganger_dev.csv: the look-alike and the genuine domain it imitates."""

    domain: str
    genuine: str


@dataclass
class SuffixRules:
    """The Public Suffix List as a flat list of suffixes for dnstwist's ``tld_dictionary``."""

    suffixes: list[str] = field(default_factory=list)
    icann: int = 0
    private: int = 0
    skipped_wildcard: int = 0
    skipped_exception: int = 0
    idn_punycoded: int = 0
    idn_skipped: int = 0


def to_ascii(name: str) -> str:
    """The lower-case ASCII (punycode) form of a host name, for comparing names across tools."""
    name = name.strip().rstrip(".").lower()
    if name.isascii():
        return name
    try:
        return idna.encode(name, uts46=True).decode("ascii")
    except idna.IDNAError:
        return name


def read_brand_domains(path: Path) -> list[str]:
    """The genuine domains of a brands file, one per line (``#`` comments and labels ignored)."""
    domains: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        body = line.split("#", 1)[0].split(",", 1)[0].strip()
        if body:
            domains.append(to_ascii(body))
    return domains


def read_lookalikes(path: Path) -> list[LookalikeRow]:
    """The ``lookalike`` rows of doppelganger_dev.csv, ASCII forms."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            LookalikeRow(to_ascii(row["domain"]), to_ascii(row["genuine"]))
            for row in csv.DictReader(fh)
            if row.get("kind", "").strip() == "lookalike"
        ]


def read_public_suffixes(path: Path) -> SuffixRules:
    """Every rule of the PSL, ICANN and private sections, in file order: wildcard (``*.``) and
    exception (``!``) rules skipped, IDN rules converted to punycode (skipped if IDNA rejects them)."""
    rules = SuffixRules()
    seen: set[str] = set()
    private = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("//"):
            if "BEGIN PRIVATE DOMAINS" in line:
                private = True
            continue
        if not line:
            continue
        rule = line.split()[0]
        if rule.startswith("!"):
            rules.skipped_exception += 1
            continue
        if "*" in rule:
            rules.skipped_wildcard += 1
            continue
        if not rule.isascii():
            try:
                rule = idna.encode(rule, uts46=True).decode("ascii")
            except idna.IDNAError:
                rules.idn_skipped += 1
                continue
            rules.idn_punycoded += 1
        rule = rule.lower()
        if rule in seen:
            continue
        seen.add(rule)
        rules.suffixes.append(rule)
        if private:
            rules.private += 1
        else:
            rules.icann += 1
    return rules


def write_lines(path: Path, lines: list[str]) -> Path:
    """Write one item per line and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path
