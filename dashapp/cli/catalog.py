"""``flask --app app catalog ...``: bring music into the catalogue."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from db.importers.catalogue import (
    ImportResult,
    InvalidRowsError,
    ensure_importable,
    import_parsed,
    parse_catalogue,
)
from db.importers.csv_source import CatalogueFileError
from db.importers.writer import progress_total
from db.session import database

# A file the user can fix: wrong format, encoding, schema or values. Click uses 2 for usage errors
# too, so scripts can tell "your input is wrong" (2) from "something broke" (1).
EXIT_BAD_FILE = 2


@click.group("catalog")
def catalog_group() -> None:
    """Import a real catalogue or generate the demo one."""


@catalog_group.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Import the valid rows and report the skipped ones, instead of refusing the file.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write every problem found to this CSV file (line,column,reason).",
)
@with_appcontext
def import_command(path: Path, skip_invalid: bool, report_path: Path | None) -> None:
    """Import a Spotify catalogue CSV (TidyTuesday spotify_songs or Kaggle Spotify Tracks).

    PATH may be the CSV itself, a gzip-compressed CSV (.csv.gz) or a zip holding one CSV (as
    Kaggle hands it out); archives are unpacked under size and compression-ratio limits.

    The schema is detected from the header. Every row is checked first; a file with any invalid
    row changes nothing unless --skip-invalid is given. Re-importing a file adds nothing.
    Exit code 2 means the file needs fixing; the message says what is wrong.
    """
    size = path.stat().st_size if path.is_file() else 0
    try:
        with click.progressbar(length=max(size, 1), label="Checking", file=sys.stderr) as bar:
            parsed = parse_catalogue(path, progress=bar.update)
        if report_path is not None and parsed.report.problems:
            parsed.report.write_csv(report_path)
        ensure_importable(path, parsed, skip_invalid=skip_invalid)
        writing = click.progressbar(
            length=max(progress_total(parsed.frames), 1), label="Writing", file=sys.stderr
        )
        # One transaction: the session commits once after the last row, or rolls back.
        with database.session_scope() as session, writing as bar:
            result = import_parsed(
                session, path, parsed, skip_invalid=skip_invalid, progress=bar.update
            )
    except InvalidRowsError as error:
        click.echo(f"Error: {error}", err=True)
        for line in error.report.lines():
            click.echo(line, err=True)
        sys.exit(EXIT_BAD_FILE)
    except CatalogueFileError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_BAD_FILE)
    _echo_result(path, result)


def _echo_result(path: Path, result: ImportResult) -> None:
    summary = result.summary
    click.echo(
        f"Imported {path.name} ({result.schema.label}): "
        f"{result.tracks_in_file} tracks in the file; "
        f"{summary.tracks_inserted} new, {summary.tracks_updated} updated; "
        f"{summary.artists_inserted} new artists, {summary.genres_inserted} new genres, "
        f"{summary.track_genres_inserted} new track genres, "
        f"{summary.playlists_inserted} new playlists, {summary.items_inserted} playlist items, "
        f"{summary.track_artists_inserted} artist credits"
    )
    report = result.report
    if report.problems:
        click.echo(
            f"Skipped {len(report.invalid_lines)} invalid rows of {report.rows_read}:", err=True
        )
        for line in report.lines():
            click.echo(line, err=True)
