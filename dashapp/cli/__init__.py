"""Command-line groups mounted on ``flask --app app``.

Each command module attaches its commands to a group when imported; importing them here is what
makes them appear.
"""

from __future__ import annotations

from flask import Flask

from dashapp.cli.catalog import catalog_group
from dashapp.cli.db import db_group
from dashapp.cli.evaluate import evaluate_command  # noqa: F401  (attaches `ml evaluate`)
from dashapp.cli.history import history_group, jobs_group
from dashapp.cli.integrations import lastfm_group  # also attaches `catalog enrich`
from dashapp.cli.ml import ml_group
from dashapp.cli.setup import setup_command  # also attaches `catalog demo` (dashapp/cli/demo.py)
from dashapp.cli.users import users_group


def register_cli(server: Flask) -> None:
    for group in (
        db_group,
        catalog_group,
        ml_group,
        setup_command,
        history_group,
        jobs_group,
        users_group,
        lastfm_group,
    ):
        server.cli.add_command(group)
