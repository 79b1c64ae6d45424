"""The app as a whole: one error handler for every command, and help for every command and option."""

from __future__ import annotations

from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from clonewatch.cli import app
from clonewatch.cli.common import ClonewatchGroup
from clonewatch.errors import ClonewatchError, FeedError, StoreUnavailable


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = []
    for name, command in group.commands.items():
        if getattr(command, "commands", None):
            paths.extend(_commands(command, (*prefix, name)))
        else:
            paths.append((*prefix, name))
    return paths


def _command(group: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        group = group.commands[name]
    return group


COMMANDS = _commands(typer.main.get_command(app))


def test_the_command_tree_is_the_documented_one() -> None:
    assert {" ".join(path) for path in COMMANDS} >= {
        "match", "generate", "probe", "watch", "findings", "history", "update-data",
        "brands list", "social links", "social coordinate", "social graph", "db upgrade",
    }  # fmt: skip


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
@pytest.mark.parametrize(
    ("error", "code"),
    [
        (FeedError("feed.txt line 3: not a name"), 2),  # an InputError: bad usage or input
        (StoreUnavailable("cannot open database at sqlite:///x.db: disk I/O error"), 1),
        (ClonewatchError("something else went wrong"), 1),
    ],
    ids=["input", "store", "other"],
)
def test_a_clonewatch_error_from_any_command_is_one_line_and_its_exit_code(
    path: tuple[str, ...], error: ClonewatchError, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, ClonewatchGroup)
    command = _command(group, path)
    called: list[bool] = []

    def raise_it(**_: Any) -> None:
        called.append(True)
        raise error

    command.callback, command.params = raise_it, []  # the command itself, minus its arguments
    with pytest.raises(SystemExit) as exited:
        group.main([*path], prog_name="clonewatch")
    out, err = capsys.readouterr()
    assert called == [True]
    assert exited.value.code == code
    assert err == f"clonewatch: error: {error}\n"
    assert out == ""


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_and_option_has_help(path: tuple[str, ...]) -> None:
    command = _command(typer.main.get_command(app), path)
    assert command.help and command.help.strip(), path
    for param in command.params:
        assert getattr(param, "help", None), (path, param.name)
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    summary = " ".join(command.help.split()[:4])
    assert summary in " ".join(result.output.replace("│", " ").split()), (path, result.output)
