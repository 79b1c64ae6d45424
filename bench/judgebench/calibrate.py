"""Calibrating the clone rule on some outlets and scoring it on the others.

The outlets are split into folds; for each fold the rule's thresholds are chosen on the cases
whose outlets are all outside it (the clones of those outlets and the pairs of two of them) and
scored on the cases whose outlets are all inside it. The choice: the highest clone recall whose
different-outlet false-clone rate stays at or under the budget, ties broken by fewer false clones
and then by the rule nearest the shipped one. The decision is ``clonewatch.judge.is_clone``,
evaluated for many rules at once on the comparisons' numbers (numpy), so it cannot drift from the judge.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import asdict, dataclass, fields, replace

import numpy as np

from clonewatch.judge import DEFAULT_RULE, CloneRule, is_clone
from judgebench.cases import Scored

# One sign alone is never a clone (a design constraint, not calibrated): pages this corpus lacks,
# aggregators and press reviews, link to an outlet dozens of times or quote its site name.
GRID = {
    "assets": (2, 3, 5, 8),
    "links": (5, 10, 20, 40),
    "structure": (0.5, 0.6, 0.8),
    "text": (0.2, 0.3, 0.5),
    "signs": (2, 3),
    "contradiction_cost": (1, 2, 3),
}


@dataclass(frozen=True, slots=True)
class Figures:
    clones: int
    clones_found: int
    pairs: int
    false_clones: int

    @property
    def recall(self) -> float:
        return self.clones_found / self.clones if self.clones else 0.0

    @property
    def false_rate(self) -> float:
        return self.false_clones / self.pairs if self.pairs else 0.0


class Table:
    """The comparisons' numbers as arrays, for judging many rules at once."""

    def __init__(self, rows: list[Scored]) -> None:
        s = [r.similarity for r in rows]
        self.clone = np.array([r.kind.startswith("clone") for r in rows])
        self.outlets = [(r.genuine, r.source_outlet) for r in rows]
        self.claim = np.array([x.genuine_url_claim is not None for x in s], dtype=int)
        self.site = np.array([bool(x.same_site_name) for x in s], dtype=int)
        self.ids = np.array([bool(x.shared_analytics) for x in s], dtype=int)
        self.assets = np.array([x.shared_assets for x in s])
        self.links = np.array([x.genuine_links for x in s])
        self.structure = np.array([x.structure for x in s])
        self.title = np.array([x.title or 0.0 for x in s])
        self.text = np.array([x.text or 0.0 for x in s])
        self.visual = np.array([x.visual if x.visual is not None else -1.0 for x in s])
        self.against = np.array(
            [
                (x.other_site_claim is not None) + (x.same_site_name is False and x.genuine_url_claim is None)
                for x in s
            ],
            dtype=int,
        )

    def decide(self, rule: CloneRule) -> np.ndarray:
        """``is_clone`` for every row under ``rule``."""
        signs, needed = self.signs(rule)
        return (signs > 0) & (signs >= needed)

    def signs(self, rule: CloneRule) -> tuple[np.ndarray, np.ndarray]:
        """Signs of copying per row, and how many ``rule`` needs for a clone there."""
        template = (self.structure >= rule.structure) & (
            (self.title >= rule.title) | (self.text >= rule.text)
        )
        signs = (
            self.claim + self.site + self.ids + (self.assets >= rule.assets) + (self.links >= rule.links)
            + template + (self.visual >= rule.visual)
        )  # fmt: skip
        return signs, rule.signs + rule.contradiction_cost * self.against

    def figures(self, rule: CloneRule, mask: np.ndarray) -> Figures:
        called = self.decide(rule)
        clones, pairs = mask & self.clone, mask & ~self.clone
        return Figures(
            int(clones.sum()), int((called & clones).sum()), int(pairs.sum()), int((called & pairs).sum())
        )


def check_against_judge(table: Table, rows: list[Scored], sample: int = 500) -> None:
    """The vectorised decision equals is_clone on a sample of rows (and on every clone)."""
    picked = [i for i, r in enumerate(rows) if r.kind.startswith("clone")]
    picked += random.Random(7).sample(range(len(rows)), min(sample, len(rows)))
    fast = table.decide(DEFAULT_RULE)
    for i in picked:
        if bool(fast[i]) != is_clone(rows[i].similarity, DEFAULT_RULE):
            raise AssertionError(f"the bench's decision differs from the judge's on {rows[i].source}")


def rules() -> list[CloneRule]:
    names = list(GRID)
    return [
        replace(DEFAULT_RULE, **dict(zip(names, values, strict=True)))
        for values in itertools.product(*GRID.values())
    ]


def choose(table: Table, mask: np.ndarray, budget: float) -> tuple[CloneRule, Figures]:
    """The rule with the highest recall within the false-clone budget on the masked cases."""
    best: tuple[tuple[float, int, float], CloneRule, Figures] | None = None
    for rule in rules():
        got = table.figures(rule, mask)
        if got.false_rate > budget:
            continue
        key = (got.recall, -got.false_clones, -_distance(rule))
        if best is None or key > best[0]:
            best = (key, rule, got)
    if best is None:
        raise SystemExit("no rule of the grid keeps within the false-clone budget")
    return best[1], best[2]


def folds(outlets: list[str], k: int, seed: int) -> list[set[str]]:
    shuffled = sorted(outlets)
    random.Random(seed).shuffle(shuffled)
    return [set(shuffled[i::k]) for i in range(k)]


def publishers(table: Table, structure: float) -> dict[str, str]:
    """Each outlet's publisher group: outlets joined when a page of one is built like the other's
    front page (template similarity at least ``structure``): sister papers on one system stay together."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (genuine, other), similar in zip(table.outlets, table.structure >= structure, strict=True):
        root(genuine), root(other)
        if similar and genuine != other:
            parent[root(genuine)] = root(other)
    return {name: root(name) for name in parent}


def held_out(
    table: Table, k: int, seeds: list[int], budget: float, groups: dict[str, str], subset: np.ndarray
) -> list[dict[str, object]]:
    """For each seed and fold of ``groups`` (outlet -> group): the rule chosen on the cases of the
    other groups, and its figures on the cases inside the fold (all, and those in ``subset``)."""
    out: list[dict[str, object]] = []
    for seed in seeds:
        for n, fold in enumerate(folds(sorted(set(groups.values())), k, seed)):
            inside = np.array([groups[g] in fold and groups[o] in fold for g, o in table.outlets])
            outside = np.array([groups[g] not in fold and groups[o] not in fold for g, o in table.outlets])
            rule, trained = choose(table, outside, budget)
            out.append({"seed": seed, "fold": n, "groups": len(fold), "rule": changed(rule),
                        "train": asdict(trained), "test": asdict(table.figures(rule, inside)),
                        "test_subset": asdict(table.figures(rule, inside & subset)),
                        "shipped_rule_test": asdict(table.figures(DEFAULT_RULE, inside)),
                        "shipped_rule_test_subset":
                            asdict(table.figures(DEFAULT_RULE, inside & subset))})  # fmt: skip
    return out


def _distance(rule: CloneRule) -> float:
    return sum(abs(float(getattr(rule, f.name)) - float(getattr(DEFAULT_RULE, f.name))) for f in fields(rule))


def changed(rule: CloneRule) -> dict[str, object]:
    return {
        f.name: getattr(rule, f.name)
        for f in fields(rule)
        if getattr(rule, f.name) != getattr(DEFAULT_RULE, f.name)
    }
