"""``flask --app app catalog enrich`` and ``flask --app app lastfm import``: the integrations'
offline work (long runs, progress on stderr, exit code 2 when configuration or input is wrong)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from dashapp.cli.catalog import EXIT_BAD_FILE, catalog_group
from dashapp.services import enrichment, lastfm_import
from integrations.errors import IntegrationError, NotConfigured


@catalog_group.command("enrich")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="At most N tracks (Spotify) and N artists (Last.fm) this run; the next run continues.",
)
@with_appcontext
def enrich_command(limit: int | None) -> None:
    """Add Spotify metadata (album art, preview/open links, artist genres) and Last.fm tags,
    moods and similar artists to the catalogue. Needs SPOTIFY_CLIENT_ID + SPOTIFY_CLIENT_SECRET
    and/or LASTFM_API_KEY. Responses are cached in the database; re-running asks only for what is
    missing. Audio features are not fetched: Spotify closed that endpoint to new apps in 2024."""
    try:
        tracks, artists = enrichment.planned_work(limit)
        with click.progressbar(
            length=max(tracks + artists, 1), label="Enriching", file=sys.stderr
        ) as bar:
            report = enrichment.enrich_catalogue(limit, progress=bar.update)
    except NotConfigured as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_BAD_FILE)
    for skipped in report.skipped:
        click.echo(f"Skipped {skipped}.", err=True)
    click.echo(report.summary())
    if report.error:
        click.echo(f"Error: stopped early: {report.error} Run again to continue.", err=True)
        sys.exit(1)


@click.group("lastfm")
def lastfm_group() -> None:
    """Import listening history from Last.fm (needs LASTFM_API_KEY)."""


@lastfm_group.command("import")
@click.argument("email")
@click.argument("username")
@click.option(
    "--pages",
    type=click.IntRange(min=1),
    default=None,
    help="At most N pages of 200 scrobbles, newest first (default: the whole history).",
)
@with_appcontext
def lastfm_import_command(email: str, username: str, pages: int | None) -> None:
    """Import USERNAME's Last.fm scrobbles as plays of the account EMAIL (matched by artist and
    title against the catalogue; importing again stores nothing twice)."""
    try:
        user_id = lastfm_import.user_id_for_email(email)
        bar = click.progressbar(length=100, label="Importing", file=sys.stderr)

        def progress(fraction: float, _message: str) -> None:
            bar.update(max(round(fraction * 100) - bar.pos, 0))

        with bar:
            report = lastfm_import.import_scrobbles(user_id, username, pages, progress=progress)
    except NotConfigured as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_BAD_FILE)
    except lastfm_import.LastfmImportError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_BAD_FILE if error.partial is None else 1)
    except IntegrationError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    click.echo(report.summary())
    for artist, count in report.top_unmatched_artists:
        click.echo(f"  not in the catalogue: {artist} ({count} plays)")
