"""The lazily loaded command line: `rightsmark --help` lists every command exactly as the
loaded commands would, and every lazy command imports and shows its help in a fresh process,
so that laziness cannot hide a broken import or a summary that drifted from its command."""

from __future__ import annotations

import importlib
import pkgutil

import click
import pytest
from click.testing import CliRunner

import api.cli
from api.cli.lazy import LazyGroup
from api.cli.main import LAZY_COMMANDS, main
from tests.support.server import cli

EVERY_COMMAND = (
    "accounts", "audits", "complaints", "deliver", "export", "import", "init", "keys", "licences",
    "lifecycle",
    "log",
    "opendata",
    "serve",
    "standards", "verify",
)  # fmt: skip


def listed(help_text: str) -> list[str]:
    section = help_text.split("Commands:\n", 1)[1]
    return [
        line.split()[0] for line in section.splitlines() if line.startswith("  ") and line[2] != " "
    ]


def loaded_commands() -> dict[str, click.Command]:
    group = LazyGroup(lazy=LAZY_COMMANDS)
    return {name: group.load(name) for name in LAZY_COMMANDS}


def test_help_lists_every_command_in_a_fresh_process() -> None:
    result = cli("--help")
    assert result.returncode == 0, result.stderr
    assert listed(result.stdout) == list(EVERY_COMMAND)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("width", [60, 80, 120, 250])
def test_the_lazy_listing_is_what_the_loaded_commands_print(width: int) -> None:
    """Summaries are kept beside the import paths: held here to each command's own help."""
    lazy = LazyGroup("rightsmark", lazy=LAZY_COMMANDS, help=main.help)
    eager = click.Group("rightsmark", help=main.help)
    for name, command in {**main.commands, **loaded_commands()}.items():
        eager.add_command(command, name)
        if name in main.commands:
            lazy.add_command(command, name)
    runner = CliRunner()
    lazy_help = runner.invoke(lazy, ["--help"], terminal_width=width, prog_name="rightsmark")
    eager_help = runner.invoke(eager, ["--help"], terminal_width=width, prog_name="rightsmark")
    assert lazy_help.exit_code == eager_help.exit_code == 0
    assert lazy_help.output == eager_help.output


def test_every_command_defined_in_the_cli_package_is_reachable() -> None:
    """A new command module must be registered in LAZY_COMMANDS (or be a subcommand)."""
    reachable: set[int] = set()

    def walk(command: click.Command) -> None:
        reachable.add(id(command))
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                walk(sub)

    walk(main)
    for command in loaded_commands().values():
        walk(command)
    for info in pkgutil.walk_packages(api.cli.__path__, "api.cli."):
        module = importlib.import_module(info.name)
        for attribute, value in vars(module).items():
            if isinstance(value, click.Command) and value.__module__ == module.__name__:
                assert id(value) in reachable, f"{info.name}.{attribute} is not a command"


@pytest.mark.parametrize("name", sorted(LAZY_COMMANDS))
def test_each_lazy_command_loads_and_shows_its_help(name: str) -> None:
    result = cli(name, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: ")
    assert f" {name} [OPTIONS]" in result.stdout.splitlines()[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", sorted(LAZY_COMMANDS))
def test_each_subcommand_of_a_lazy_group_shows_its_help(name: str) -> None:
    command = loaded_commands()[name]
    subcommands = list(command.commands) if isinstance(command, click.Group) else []
    for sub in subcommands:
        result = CliRunner().invoke(main, [name, sub, "--help"], prog_name="rightsmark")
        assert result.exit_code == 0, result.output
        assert f"Usage: rightsmark {name} {sub}" in result.output
