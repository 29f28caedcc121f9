"""``flask --app app history import EMAIL FILE...`` and ``flask --app app jobs run-once``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from dashapp.cli.catalog import EXIT_BAD_FILE


@click.group("history")
def history_group() -> None:
    """Import listening history (Spotify, Last.fm, ListenBrainz) into a user's feedback."""


def _echo_progress(fraction: float, message: str) -> None:
    click.echo(f"[{datetime.now(UTC):%H:%M:%S}] {fraction:4.0%} {message}")


@history_group.command("import")
@click.argument("email")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@with_appcontext
def import_command(email: str, files: tuple[Path, ...]) -> None:
    """Import FILES (read and checked together; nothing is written if any is bad) for EMAIL."""
    from dashapp.services import history_import

    user_id = history_import.user_id_for_email(email)
    if user_id is None:
        raise click.ClickException(f"There is no account with the email {email!r}.")
    contents = [(path.name, path.read_bytes()) for path in files]
    try:
        report = history_import.import_files(user_id, contents, _echo_progress)
    except history_import.HistoryImportError as error:
        click.echo(f"Error: {error} Nothing was imported.", err=True)
        raise SystemExit(EXIT_BAD_FILE) from None
    click.echo(report.summary())
    if report.matched_by:
        click.echo(
            "Matched by: "
            + ", ".join(f"{name} {count:,}" for name, count in report.matched_by.items())
        )
    if report.top_unmatched_artists:
        click.echo("Top unmatched artists:")
        for artist, count in report.top_unmatched_artists:
            click.echo(f"  {count:>7,}  {artist}")


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs (history imports) that the worker runs."""


@jobs_group.command("run-once")
@click.option("--max-jobs", type=click.IntRange(min=1), help="Stop after this many jobs.")
@with_appcontext
def run_once_command(max_jobs: int | None) -> None:
    """Run every queued job now, then exit (tests, cron, or a stuck queue)."""
    from dashapp.services.jobs import run_pending_jobs

    ran = run_pending_jobs(max_jobs)
    click.echo(f"Ran {ran} job{'s' if ran != 1 else ''}.")
