"""``flask --app app``: every command group is listed and loads, with the subcommands other
modules attach to it, although building the app imports none of them (dashapp/cli)."""

from __future__ import annotations

from dashapp.cli import COMMANDS


def test_every_group_is_listed_and_its_attached_subcommands_load(app):
    runner = app.test_cli_runner()
    listing = runner.invoke(args=["--help"])
    assert listing.exit_code == 0, listing.output
    for name in COMMANDS:
        assert f"  {name} " in listing.output, name

    catalog = runner.invoke(args=["catalog", "--help"])
    assert {"import", "enrich", "demo"} <= set(catalog.output.split())
    ml = runner.invoke(args=["ml", "--help"])
    expected = {"retrain", "rollback", "versions", "watch", "evaluate", "tune"}
    assert expected <= set(ml.output.split())


def test_an_unknown_command_is_refused(app):
    result = app.test_cli_runner().invoke(args=["nonsense"])
    assert result.exit_code != 0 and "No such command" in result.output
