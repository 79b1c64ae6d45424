"""A million distinct CT entries from a pool of a few thousand real certificates.

Each pooled certificate or precertificate is made with ``cryptography`` once, with a 10-letter
placeholder in its subject CN and SANs (``hqzqzqzqzqz.shop-example.com``). Entry ``i`` is pool entry
``i % size`` with the placeholder replaced by ``i`` as ten digits: same length, so every DER length
stays right, and every entry names hosts no other entry names. The signature no longer matches,
which the monitor never checks (it parses, it does not audit). The monitor still decodes, parses
and matches every entry in full. One entry in a hundred also carries a fixed look-alike SAN.
The pool is cached in bench/out so that reruns skip the signing.
"""

from __future__ import annotations

import random
import struct
from pathlib import Path

from clonewatch.testing.ctlog import CertFactory, LogEntry

PLACEHOLDER = b"qzqzqzqzqz"
LOOKALIKE_LABELS = (
    "spiegel",
    "bild",
    "welt",
    "faz",
    "zeit",
    "tagesschau",
    "lemonde",
    "leparisien",
    "washingtonpost",
)
LOOKALIKE_FORMS = ("{}.ltd", "{}-news.live", "{}.lol", "{}24.click", "ua-{}.rest", "{}-online.top")


def lookalikes() -> list[str]:
    return [form.format(label) for label in LOOKALIKE_LABELS for form in LOOKALIKE_FORMS]


def build_pool(size: int, seed: int = 1) -> list[LogEntry]:
    rng = random.Random(seed)
    factory = CertFactory()
    fakes = lookalikes()
    placeholder = PLACEHOLDER.decode()
    pool: list[LogEntry] = []
    for i in range(size):
        sans = [f"h{placeholder}.shop-example.com", f"*.c{placeholder}.cdn-example.net"]
        sans += [f"www.h{placeholder}.shop-example.com"] * (i % 3 == 0)
        if i % 100 == 0:
            sans.append(rng.choice(fakes))
        make = factory.precert_entry if i % 2 else factory.x509_entry
        entry = make(sans, sans[0])
        if entry.leaf_input.count(PLACEHOLDER) != len(sans) + 1 - (i % 100 == 0):
            continue  # the placeholder also occurs by chance in key or signature bytes: skip this one
        pool.append(entry)
    return pool


def save(pool: list[LogEntry], path: Path) -> None:
    with path.open("wb") as handle:
        for entry in pool:
            handle.write(struct.pack(">II", len(entry.leaf_input), len(entry.extra_data)))
            handle.write(entry.leaf_input + entry.extra_data)


def load(path: Path) -> list[LogEntry]:
    data = path.read_bytes()
    pool: list[LogEntry] = []
    at = 0
    while at < len(data):
        leaf, extra = struct.unpack_from(">II", data, at)
        at += 8
        pool.append(LogEntry(data[at : at + leaf], data[at + leaf : at + leaf + extra]))
        at += leaf + extra
    return pool


def cached_pool(out_dir: Path, size: int) -> list[LogEntry]:
    path = out_dir / f"ct-pool-{size}.bin"
    if path.exists():
        return load(path)
    pool = build_pool(size)
    save(pool, path)
    return pool


class CyclingEntries:
    """``size`` entries served from ``pool``, each with its own names (see the module docstring)."""

    def __init__(self, pool: list[LogEntry], size: int) -> None:
        self.pool = pool
        self.size = size

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: int) -> LogEntry:
        if not 0 <= index < self.size:
            raise IndexError(index)
        entry = self.pool[index % len(self.pool)]
        digits = b"%010d" % index
        return LogEntry(
            entry.leaf_input.replace(PLACEHOLDER, digits), entry.extra_data.replace(PLACEHOLDER, digits)
        )
