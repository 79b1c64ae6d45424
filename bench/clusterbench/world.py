"""The generated world: planted operations and noise, shuffled, written once as probe evidence JSONL with
the operations' seeds and the ground truth beside it, and reused while the generator is unchanged."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchkit.log import progress
from clusterbench import dates, names
from clusterbench.brands import BRANDS
from clusterbench.infra import Web
from clusterbench.model import Site
from clusterbench.noise import NoiseMaker
from clusterbench.operations import SIZE, Operation, Planter
from clusterbench.pages import Templates
from clusterbench.records import evidence_record

GENERATOR_VERSION = 5
DEFAULT_SEED = 20250602
MIN_SIZE = 1000
# Shares of the noise (the rest are ordinary live sites, including the operations' hosting neighbours).
NOISE_MIX = {
    "unregistered": 0.18,
    "no-website": 0.06,
    "parked": 0.20,
    "network": 0.05,
    "defensive": 0.03,
    "clone": 0.015,
    "redirector": 0.025,
}
COINCIDE = 0.6  # chance that a domainer's parked batch is bought with an operation's (same registrar and day)
NEIGHBOURS = (5, 20)  # unrelated sites in each operation's /24
PLANTED_SHARE = 0.4  # at most this share of the world is planted (small --size shrinks the operations)


def default_operations(size: int) -> int:
    return max(3, min(30, size // 1000))


@dataclass
class OperationTruth:
    name: str
    brands: list[str]
    registrars: list[str]
    batches: list[str]  # "REGISTRAR DAY"
    network: str
    members: dict[str, str]  # domain -> clone | redirector | original
    tags: dict[str, list[str]]
    seeds: list[str]
    infra: list[str]  # its own hosts that are not evidence records (name server and TDS hosts)

    @classmethod
    def of(cls, op: Operation) -> OperationTruth:
        return cls(
            name=op.name,
            brands=[b.name for b in op.brands],
            registrars=[r.name for r in op.registrars],
            batches=[f"{r.name} {day.isoformat()}" for r, day, _ in op.batches],
            network=f"{op.prefix}.0/24",
            members=dict(op.roles),
            tags=op.tags,
            seeds=op.seeds,
            infra=op.infra,
        )

    def role_counts(self) -> Counter[str]:
        return Counter(self.members.values())


@dataclass
class World:
    size: int
    seed: int
    evidence: Path
    seeds_file: Path
    truth_file: Path
    operations: list[OperationTruth]
    noise: dict[str, str] = field(repr=False)  # domain -> its label ("noise:parked:sedo")
    verdicts: dict[str, int]

    @property
    def planted(self) -> int:
        return sum(len(op.members) for op in self.operations)

    def as_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "seed": self.seed,
            "evidence": str(self.evidence),
            "seeds_file": str(self.seeds_file),
            "truth_file": str(self.truth_file),
            "planted": self.planted,
            "verdicts": self.verdicts,
            "noise_kinds": dict(sorted(Counter(_kind(v) for v in self.noise.values()).items())),
            "operations": [
                {
                    "name": op.name,
                    "members": len(op.members),
                    "roles": dict(op.role_counts()),
                    "brands": op.brands,
                    "batches": op.batches,
                    "network": op.network,
                    "seeds": op.seeds,
                }
                for op in self.operations
            ],
        }


def _kind(label: str) -> str:
    return ":".join(label.split(":")[:2])


def paths_for(out_dir: Path, size: int, seed: int, operations: int) -> tuple[Path, Path, Path]:
    stem = out_dir / f"cluster-{size}-o{operations}-s{seed}"
    return Path(f"{stem}.evidence.jsonl"), Path(f"{stem}.seeds.txt"), Path(f"{stem}.truth.json")


def build(out_dir: Path, size: int, seed: int, operations: int) -> World:
    """The world for (size, seed, operations): reused when its files are there, else generated."""
    evidence, seeds_file, truth_file = paths_for(out_dir, size, seed, operations)
    if evidence.exists() and seeds_file.exists() and truth_file.exists():
        try:
            raw = json.loads(truth_file.read_text(encoding="utf-8"))
        except ValueError:
            raw = {}
        if raw.get("generator_version") == GENERATOR_VERSION:
            progress(f"data: reusing {evidence.name}")
            return _world(size, seed, evidence, seeds_file, truth_file, raw)
    return generate(out_dir, size, seed, operations)


def _world(size: int, seed: int, evidence: Path, seeds: Path, truth: Path, raw: dict[str, Any]) -> World:
    ops = [OperationTruth(**op) for op in raw["operations"]]
    return World(size, seed, evidence, seeds, truth, ops, raw["noise"], raw["verdicts"])


def operation_sizes(rng: random.Random, size: int, count: int) -> list[int]:
    """50..500 members each (one near each end), fewer when the world is too small to hold them."""
    top = min(SIZE[1], max(10, int(PLANTED_SHARE * size / count)))
    low = min(SIZE[0], top)
    sizes = [rng.randint(low, top) for _ in range(count)]
    if count >= 2:
        sizes[0] = rng.randint(low, min(top, low + 30))
        sizes[1] = rng.randint(max(low, top - 100), top)
    return sizes


def generate(out_dir: Path, size: int, seed: int, operations: int) -> World:
    evidence, seeds_file, truth_file = paths_for(out_dir, size, seed, operations)
    rng = random.Random(seed)
    sizes = operation_sizes(rng, size, operations)
    progress(f"data: generating {size:,} evidence records, {operations} operations of {sizes} members")
    book = names.NameBook()
    book.reserve([b.domain for b in BRANDS])
    web = Web(rng, size - sum(sizes))
    planter = Planter(rng, web, book)
    ops = [planter.plant(i, n) for i, n in enumerate(sizes)]
    noise = make_noise(rng, NoiseMaker(rng, web, Templates(rng), book), ops, size - sum(sizes))
    sites = [site for op in ops for site in op.members] + noise
    rng.shuffle(sites)
    out_dir.mkdir(parents=True, exist_ok=True)
    with evidence.open("w", encoding="utf-8") as fh:
        for site in sites:
            fh.write(json.dumps(evidence_record(site, dates.probed_at(rng)), ensure_ascii=False) + "\n")
    seeds_file.write_text("".join(f"{seed_name}\n" for op in ops for seed_name in op.seeds), encoding="utf-8")
    truths = [OperationTruth.of(op) for op in ops]
    raw = {
        "generator_version": GENERATOR_VERSION,
        "size": size,
        "seed": seed,
        "operations": [asdict(t) for t in truths],
        "noise": {site.domain: site.truth for site in noise},
        "verdicts": dict(sorted(Counter(site.verdict for site in sites).items())),
    }
    truth_file.write_text(json.dumps(raw) + "\n", encoding="utf-8")
    progress(f"data: wrote {evidence} ({evidence.stat().st_size / 2**20:,.0f} MB), {seeds_file.name}")
    return _world(size, seed, evidence, seeds_file, truth_file, raw)


def make_noise(rng: random.Random, maker: NoiseMaker, ops: list[Operation], total: int) -> list[Site]:
    """``total`` noise sites: the operations' neighbours and the domainers' batches bought with theirs
    first, then every other kind in its share, ordinary sites for the rest."""
    want = {kind: round(total * share) for kind, share in NOISE_MIX.items()}
    noise: list[Site] = []
    for op in ops:
        taken = set(op.addresses)
        noise += [maker.neighbour(op.prefix, taken) for _ in range(rng.randint(*NEIGHBOURS))]
    parked = want["parked"]
    for op in ops:
        for registrar, day, _ in op.batches:
            if parked > 0 and rng.random() < COINCIDE:
                batch = maker.parked_batch(
                    min(parked, rng.randint(10, 80)), registrar, day, maker.web.parking()
                )
                noise += batch
                parked -= len(batch)
    while parked > 0:
        count = min(parked, rng.randint(1, 5) if rng.random() < 0.5 else rng.randint(10, 150))
        day = dates.days_ago(rng, 1, 700)
        noise += maker.parked_batch(count, maker.web.registrar(), day, maker.web.parking())
        parked -= count
    left = want["defensive"]
    while left > 0:
        batch = maker.defensive(rng.choice(BRANDS), min(left, rng.randint(3, 40)))
        noise += batch
        left -= len(batch)
    left = want["network"]
    while left > 0:
        batch = maker.network(min(left, rng.randint(2, 8)))
        noise += batch
        left -= len(batch)
    noise += [maker.unregistered() for _ in range(want["unregistered"])]
    noise += [maker.no_website() for _ in range(want["no-website"])]
    noise += [maker.lone_clone() for _ in range(want["clone"])]
    noise += [maker.redirector() for _ in range(want["redirector"])]
    noise += [maker.ordinary() for _ in range(max(0, total - len(noise)))]
    return noise[:total]
