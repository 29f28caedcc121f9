"""Command-line groups mounted on ``flask --app app``.

The groups are imported when a command is looked up, not when the app is built: a web process
builds the same app and never runs a command, and importing them (alembic, the evaluation harness
and the scikit-learn models it compares against) cost every web boot ~0.3 CPU s
(docs/SCALING.md). This is click's documented pattern for lazily loaded subcommands.

Each command module attaches its commands to a group when imported, so ``COMMANDS`` lists per
top-level command its ``module:attribute`` and then the modules that attach more to it.
"""

from __future__ import annotations

import importlib

import click
from flask import Flask
from flask.cli import AppGroup

COMMANDS: dict[str, tuple[str, ...]] = {
    "db": ("dashapp.cli.db:db_group",),
    # `catalog enrich` (integrations) and `catalog demo` (demo) attach themselves.
    "catalog": (
        "dashapp.cli.catalog:catalog_group",
        "dashapp.cli.integrations",
        "dashapp.cli.demo",
    ),
    "ml": ("dashapp.cli.ml:ml_group", "dashapp.cli.evaluate"),  # `ml evaluate`, `ml tune`
    "setup": ("dashapp.cli.setup:setup_command",),
    "history": ("dashapp.cli.history:history_group",),
    "jobs": ("dashapp.cli.history:jobs_group",),
    "users": ("dashapp.cli.users:users_group",),
    "lastfm": ("dashapp.cli.integrations:lastfm_group",),
}


class LazyCommands(AppGroup):
    """The app's command group, importing each of Mixmap's groups on first lookup."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            self.add_command(load_command(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)


def load_command(name: str) -> click.Command:
    """Import the command ``name`` and the modules that attach subcommands to it."""
    target, *attaching = COMMANDS[name]
    module, attribute = target.split(":")
    command = getattr(importlib.import_module(module), attribute)
    for extra in attaching:
        importlib.import_module(extra)
    return command


def register_cli(server: Flask) -> None:
    lazy = LazyCommands(name=server.cli.name)
    lazy.commands.update(server.cli.commands)  # whatever was registered before (blueprints)
    server.cli = lazy
