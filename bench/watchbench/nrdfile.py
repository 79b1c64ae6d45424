"""A 1,000,000-line newly-registered-domain file: generated names plus planted look-alikes, cached."""

from __future__ import annotations

import random
from pathlib import Path

from watchbench.ctpool import lookalikes

SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ne",
    "tor",
    "ban",
    "sil",
    "ver",
    "qua",
    "dex",
    "ri",
    "mon",
    "pel",
    "zu",
    "tra",
)
SUFFIXES = ("com", "net", "org", "xyz", "online", "shop", "info", "de", "fr", "co.uk", "top", "site")


def build(out_dir: Path, lines: int, seed: int = 3) -> tuple[Path, int]:
    """``nrd-LINES/`` holding one daily file; returns the directory and the number of planted look-alikes."""
    directory = out_dir / f"nrd-{lines}"
    path = directory / "2026-11-24.txt"
    fakes = [f"{form}" for form in lookalikes()]
    planted = min(len(fakes) * 20, lines // 1000)
    if path.exists():
        return directory, planted
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names: list[str] = []
    for i in range(lines - planted):
        label = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.3:
            label += str(rng.randint(1, 999))
        names.append(f"{label}{i}.{rng.choice(SUFFIXES)}")
    for i in range(planted):
        fake = fakes[i % len(fakes)]
        label, _, suffix = fake.partition(".")
        names.insert(rng.randrange(len(names) + 1), f"{label}{'' if i < len(fakes) else i}.{suffix}")
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(names) + "\n")
    tmp.rename(path)
    return directory, planted
