"""``flask --app app setup``: everything a fresh machine needs before it can serve (``make run``).

Each step checks before it acts, so running it again changes nothing: migrate the schema; fill an
empty catalogue (import ``--catalog PATH``, or generate the demo data); train a model when none
is active in the registry. Training lives in another module that may not exist yet in an early
checkout; then the step says so and setup still succeeds, because the app serves without a model.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from dashapp.cli.catalog import catalog_group
from dashapp.cli.demo import run_demo
from db import migrate
from db.demo.load import DEFAULT_LISTENERS, DEFAULT_SEED, DEFAULT_TRACKS, track_count
from db.session import database

TRAINING_MODULE = "dashapp.services.training"


@click.command("setup")
@click.option(
    "--catalog",
    "catalog_path",
    type=click.Path(path_type=Path),
    help=(
        "Import this catalogue (.csv, .csv.gz or a zip of one CSV) into an empty catalogue "
        "instead of generating demo data; unusable rows are reported and skipped."
    ),
)
@click.option(
    "--demo-tracks",
    type=click.IntRange(min=1),
    help=f"Size of the demo catalogue generated into an empty database [{DEFAULT_TRACKS}].",
)
@click.option(
    "--demo-listeners",
    type=click.IntRange(min=1),
    help=f"How many demo listeners (with histories) it gets [{DEFAULT_LISTENERS}].",
)
@with_appcontext
def setup_command(
    catalog_path: Path | None, demo_tracks: int | None, demo_listeners: int | None
) -> None:
    """Migrate, load a catalogue when it is empty, train a model when none exists."""
    migrate.upgrade(database.engine)
    click.echo(f"Database schema at revision {migrate.current_revision(database.engine)}.")
    _ensure_catalogue(catalog_path, demo_tracks, demo_listeners)
    _ensure_model(Path(current_app.config["MODEL_DIR"]), current_app.config.get("TRAIN_EMBEDDING"))
    click.echo("Setup complete.")


def _ensure_catalogue(
    catalog_path: Path | None, demo_tracks: int | None, demo_listeners: int | None
) -> None:
    with database.session_scope() as session:
        tracks = track_count(session)
    if tracks:
        click.echo(f"Catalogue: {tracks:,} tracks already loaded; nothing to import.")
        if catalog_path is not None:
            click.echo(
                f"  ({catalog_path} was not imported into a non-empty catalogue; run "
                f"`flask --app app catalog import {catalog_path}` to add it.)"
            )
        return
    if catalog_path is None:
        click.echo("Catalogue is empty: generating the demo catalogue and listeners.")
        run_demo(
            n_tracks=demo_tracks or DEFAULT_TRACKS,
            n_listeners=demo_listeners or DEFAULT_LISTENERS,
            seed=DEFAULT_SEED,
        )
        return
    import_command = catalog_group.commands.get("import")
    if import_command is None:
        raise click.ClickException(
            "catalogue import is not available in this version; run `make run` without "
            "CATALOG= to start with the demo catalogue."
        )
    click.echo(f"Catalogue is empty: importing {catalog_path}.")
    # The import command owns the file checks, progress bars and the exit code 2 for bad files.
    # Setup imports what it can: rows that cannot be used (a track of 0 ms) are listed and
    # skipped with a summary, where `catalog import` refuses the file unless --skip-invalid.
    click.get_current_context().invoke(import_command, path=catalog_path, skip_invalid=True)


def _ensure_model(model_dir: Path, embedding: str | None = None) -> None:
    state = _model_state(model_dir)
    if state == "ok":
        click.echo("Model: an active model is in the registry.")
        return
    train = _training_entry()
    if train is None:
        click.echo("model training not available yet — skipping")
        return
    reason = "none trained yet" if state == "missing" else "the saved one is incompatible"
    click.echo(f"Model: {reason}; training one (a few minutes on a small machine)…")
    # Progress lines when the trainer takes them (``progress(message)``), else it runs quietly.
    accepted = inspect.signature(train).parameters
    options: dict[str, object] = {}
    if "progress" in accepted:
        options["progress"] = lambda message: click.echo(f"  {message}")
    if embedding and "params" in accepted:
        from ml.training import TrainParams  # the trainer exists, so its parameters do too

        options["params"] = TrainParams(embedding=embedding)
    train(model_dir, **options)
    click.echo("Model: trained and activated in the registry.")


def _model_state(model_dir: Path) -> str:
    """ "ok", "missing" or "incompatible" for the registry's active model (``model_dir`` is only
    the cache; the database decides what serves)."""
    from dashapp.services import model_registry
    from ml.library_versions import library_mismatches

    active = model_registry.active_version()
    if active is None:
        return "missing"
    mismatches = library_mismatches(active.libraries)
    if mismatches:
        click.echo(f"Model: {active.version} was written by {', '.join(mismatches)}", err=True)
        return "incompatible"
    return "ok"


def _training_entry() -> Callable[[Path], object] | None:
    """``train_from_database`` when the training service exists, else None."""
    try:
        module = importlib.import_module(TRAINING_MODULE)
    except ModuleNotFoundError as error:
        # Only the module itself being absent means "not available"; a missing dependency
        # inside it is a real error the user must see.
        if error.name != TRAINING_MODULE:
            raise
        return None
    return getattr(module, "train_from_database", None)
