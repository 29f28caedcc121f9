"""``flask --app app catalog demo``: fill an empty catalogue with generated music and listeners."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click
from flask.cli import with_appcontext

from dashapp.cli.catalog import catalog_group
from db.demo.listeners import DEMO_LOGIN_EMAIL, DEMO_LOGIN_PASSWORD
from db.demo.load import (
    DEFAULT_LISTENERS,
    DEFAULT_SEED,
    DEFAULT_TRACKS,
    CatalogueNotEmptyError,
    DemoLoadSummary,
    load_demo_data,
)
from db.session import database


@catalog_group.command("demo")
@click.option(
    "--tracks",
    "n_tracks",
    type=click.IntRange(min=1),
    default=DEFAULT_TRACKS,
    show_default=True,
    help="How many tracks to generate.",
)
@click.option(
    "--listeners",
    "n_listeners",
    type=click.IntRange(min=1),
    default=DEFAULT_LISTENERS,
    show_default=True,
    help="How many demo listeners (with histories) to generate.",
)
@click.option(
    "--seed",
    type=int,
    default=DEFAULT_SEED,
    show_default=True,
    help="The same seed always generates the same catalogue.",
)
@click.option(
    "--replace", is_flag=True, help="Delete the current catalogue and the demo listeners first."
)
@with_appcontext
def demo_command(n_tracks: int, n_listeners: int, seed: int, replace: bool) -> None:
    """Generate a demo catalogue and demo listeners, deterministically from a seed.

    Only fills an empty catalogue; --replace deletes the catalogue (and with it every
    interaction, ban and playlist entry on its tracks) and the demo listeners first.
    """
    click.echo(f"Generating {n_tracks:,} tracks and {n_listeners:,} listeners (seed {seed})…")
    try:
        run_demo(n_tracks=n_tracks, n_listeners=n_listeners, seed=seed, replace=replace)
    except CatalogueNotEmptyError as error:
        click.echo(
            f"Nothing to do: {error}. `catalog demo` only fills an empty catalogue; add "
            "--replace to delete it (and the demo listeners) and generate a new one.",
            err=True,
        )
        sys.exit(1)


def run_demo(*, n_tracks: int, n_listeners: int, seed: int, replace: bool = False) -> None:
    """Generate and write the demo data with a progress bar; shared with ``flask setup``."""
    with database.session_scope() as session, _ProgressBar() as progress:
        summary = load_demo_data(
            session,
            n_tracks=n_tracks,
            n_listeners=n_listeners,
            seed=seed,
            replace=replace,
            on_generated=progress.start,
        )
    _echo_summary(summary)


class _ProgressBar:
    """A click progress bar that starts once the generator knows how much it will write."""

    def __init__(self) -> None:
        self._bar = None

    def start(self, total: int) -> Callable[[int], None]:
        self._bar = click.progressbar(length=max(total, 1), label="Writing", file=sys.stderr)
        self._bar.__enter__()
        return self._bar.update

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc_info)


def _echo_summary(summary: DemoLoadSummary) -> None:
    written = summary.catalogue
    if summary.replaced_tracks:
        click.echo(f"Removed the previous catalogue ({summary.replaced_tracks:,} tracks).")
    click.echo(
        f"Demo catalogue: {written.tracks_inserted:,} tracks by {written.artists_inserted:,} "
        f"artists in {summary.genres} genres, {written.playlists_inserted:,} curated playlists."
    )
    click.echo(
        f"Demo listeners: {summary.listeners.users:,} with {summary.listeners.interactions:,} "
        f"listening events and {summary.listeners.bans:,} bans."
    )
    click.echo(f"Log in as {DEMO_LOGIN_EMAIL} with the password {DEMO_LOGIN_PASSWORD}.")
