"""A click group whose subcommands are imported only when they run (or their help is shown).

`rightsmark --help` lists every command from a one-line summary kept beside its import path,
so it imports none of them; `rightsmark audits score` imports the audits module and what it
needs, not the database layer or the HTTP client. The tests check that the listing is the one
the loaded commands would print and that every lazy command imports and shows its help.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, NamedTuple

import click


class LazyCommand(NamedTuple):
    target: str  # "package.module:attribute", the click command or group
    summary: str  # the command's first sentence, as `--help` lists it


class LazyGroup(click.Group):
    """A group that imports a lazy subcommand's module on first use."""

    def __init__(self, *args: Any, lazy: Mapping[str, LazyCommand], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy)
        self._loaded: dict[str, click.Command] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            return self.load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def load(self, name: str) -> click.Command:
        """Import the lazy command `name`: an import error surfaces here, as it would eagerly."""
        if name not in self._loaded:
            module_name, _, attribute = self.lazy[name].target.partition(":")
            command = getattr(importlib.import_module(module_name), attribute)
            if not isinstance(command, click.Command):
                raise TypeError(f"{self.lazy[name].target} is not a click command")
            self._loaded[name] = command
        return self._loaded[name]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's listing, with each lazy command not yet loaded shown from its summary."""
        commands: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            if name in self.lazy and name not in self._loaded:
                command: click.Command | None = click.Command(name, help=self.lazy[name].summary)
            else:
                command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                commands.append((name, command))
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            rows = [(name, command.get_short_help_str(limit)) for name, command in commands]
            with formatter.section("Commands"):
                formatter.write_dl(rows)
