"""Docs that cannot drift: every command has help and is in the README; CI runs the README test command."""

from __future__ import annotations

import re

import typer.main

from clonewatch.cli import app
from tests.conftest import ROOT


def _commands() -> list[str]:
    group = typer.main.get_command(app)
    names: list[str] = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            names.extend(f"{name} {sub}" for sub in subcommands)
        else:
            names.append(name)
    return names


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    for name in _commands():
        assert f"clonewatch {name}" in readme, name
        command = group
        for part in name.split():
            command = command.commands[part]  # type: ignore[attr-defined]
        assert command.help, name


def test_help_texts_keep_no_docstring_indent() -> None:
    """A docstring's indented lines would show indented in --help (the exit codes appended to it
    stop typer from dedenting): every command's help starts its lines at the margin."""
    group = typer.main.get_command(app)
    for name in _commands():
        command = group
        for part in name.split():
            command = command.commands[part]  # type: ignore[attr-defined]
        indented = [line for line in (command.help or "").splitlines() if line.startswith("    ")]
        assert indented == [], name


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    last = [line for line in ci.splitlines() if line.strip() and not re.match(r"\s*(#|set |cd )", line)][-1]
    assert last.strip() == "./run test"
    assert "./run test" in readme
