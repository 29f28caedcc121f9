"""``flask --app app db ...``: schema migrations."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from db import migrate
from db.session import database


@click.group("db")
def db_group() -> None:
    """Database schema migrations (Alembic)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade(revision: str) -> None:
    """Migrate the database schema up to REVISION (default: the newest)."""
    migrate.upgrade(database.engine, revision)
    click.echo(f"database at revision {migrate.current_revision(database.engine)}")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade(revision: str) -> None:
    """Migrate the database schema down to REVISION ("base" empties it)."""
    migrate.downgrade(database.engine, revision)
    click.echo(f"database at revision {migrate.current_revision(database.engine)}")


@db_group.command("current")
@with_appcontext
def current() -> None:
    """Print the schema revision the database is at."""
    click.echo(migrate.current_revision(database.engine) or "empty (run `db upgrade`)")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@with_appcontext
def revision(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    migrate.make_revision(database.engine, message)
