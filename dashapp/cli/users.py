"""``flask --app app users ...``: the operator's account commands (``make-admin``, ``list``)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from dashapp.services import accounts


@click.group("users")
def users_group() -> None:
    """Manage accounts from the command line."""


@users_group.command("make-admin")
@click.argument("email")
@click.option("--revoke", is_flag=True, help="Take the admin role away instead.")
@with_appcontext
def make_admin_command(email: str, revoke: bool) -> None:
    """Give the account registered as EMAIL the admin role (the Admin page, retrain, rollback)."""
    try:
        account = accounts.set_admin(email, not revoke)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    role = "an administrator" if account.is_admin else "no longer an administrator"
    click.echo(f"{account.email} is {role}.")
