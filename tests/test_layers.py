"""Imports point down the pipeline only (design.md): a stage never imports a later stage, nor the
CLI or web layer. Every import counts, lazy and type-only ones included."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "clonewatch"
# Lower ranks are used by higher ones, never the other way. Equal ranks are independent siblings.
RANKS = {
    "clonewatch.errors": -1,
    "clonewatch.when": 0,
    "clonewatch.inert": 0,
    "clonewatch.data": 0,
    "clonewatch.net": 1,
    "clonewatch.names": 1,
    "clonewatch.graphs": 1,
    "clonewatch.brands": 2,
    "clonewatch.match": 3,
    "clonewatch.generate": 4,
    "clonewatch.probe": 5,
    "clonewatch.judge": 6,
    # refreshes the files names and probe read, through net: above both, below the CLI
    "clonewatch.data.update": 6,
    "clonewatch.pipeline": 7,
    "clonewatch.store": 7,
    "clonewatch.cluster": 8,
    "clonewatch.social": 8,
    "clonewatch.scale": 8.5,  # runs match, probe and cluster work on Dask; watch probes on it
    "clonewatch.spread": 9,  # joins cluster and social
    "clonewatch.watch": 9,
    "clonewatch.report": 10,
    "clonewatch.web": 11,
    "clonewatch.cli": 12,  # `serve` and `users` start the web layer
    "clonewatch.testing": 12,  # the test kit starts real servers; nothing in the product uses it
    "clonewatch.__main__": 13,
    "clonewatch": 13,
}


def layer(module: str) -> str:
    """The longest RANKS key that is ``module`` or a package containing it."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in RANKS:
            return candidate
    raise AssertionError(f"{module} is in no layer: add it to RANKS")


def module_name(path: Path, package: Path) -> str:
    relative = path.relative_to(package.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "clonewatch" or name.startswith("clonewatch.")}


def violations(package: Path) -> list[str]:
    wrong = []
    for path in sorted(package.rglob("*.py")):
        source = module_name(path, package)
        own = layer(source)
        for target in sorted(imports_of(path)):
            theirs = layer(target)
            if theirs != own and RANKS[theirs] >= RANKS[own] and not own.startswith(f"{theirs}."):
                wrong.append(f"{source} imports {target} ({own} {RANKS[own]} -> {theirs} {RANKS[theirs]})")
    return wrong


def test_no_stage_imports_a_later_stage_or_the_cli() -> None:
    assert violations(PACKAGE) == []


def test_the_check_catches_an_upward_import(tmp_path: Path) -> None:
    probe = tmp_path / "clonewatch" / "probe"
    probe.mkdir(parents=True)
    (probe / "collect.py").write_text("def f():\n    from clonewatch.judge import judge\n", encoding="utf-8")
    (tmp_path / "clonewatch" / "net.py").write_text("import clonewatch.cli.common\n", encoding="utf-8")
    assert violations(tmp_path / "clonewatch") == [
        "clonewatch.net imports clonewatch.cli.common (clonewatch.net 1 -> clonewatch.cli 12)",
        "clonewatch.probe.collect imports clonewatch.judge (clonewatch.probe 5 -> clonewatch.judge 6)",
    ]


@pytest.mark.parametrize("module", ["clonewatch.probe.chain", "clonewatch.data.update", "clonewatch.cli"])
def test_every_module_has_a_layer(module: str) -> None:
    assert layer(module) in RANKS
