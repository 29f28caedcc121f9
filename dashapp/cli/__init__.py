"""Command-line groups mounted on ``flask --app app``."""

from __future__ import annotations

from flask import Flask

from dashapp.cli.db import db_group


def register_cli(server: Flask) -> None:
    server.cli.add_command(db_group)
