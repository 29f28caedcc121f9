"""``flask --app app ml evaluate``: Mixmap against the baselines on the offline protocols.

Reads the real data files (never the database), tunes every model on the validation listeners and
prints one markdown table per protocol for the chosen split (docs/EVALUATION.md quotes it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import click
from flask.cli import with_appcontext

from dashapp.cli.ml import ml_group
from db.importers.catalogue import parse_catalogue
from ml.evaluation import markdown_table
from ml.evaluation_run import margin_over_best, run_protocol, verdict
from ml.protocols import Protocol, lastfm_artists, playlist_continuation
from ml.scoring_settings import SETTINGS_FILE, read_settings, write_settings
from ml.tuning import tune_scoring_settings
from music.catalogue_frames import CatalogueFrames
from music.hetrec import read_hetrec

TIDYTUESDAY_FILE = Path("tidytuesday") / "spotify_songs.csv"
HETREC_FOLDER = Path("hetrec2011-lastfm-2k")


@ml_group.command("evaluate")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("../shared/data"),
    show_default=True,
    help="Folder holding tidytuesday/spotify_songs.csv and hetrec2011-lastfm-2k/.",
)
@click.option(
    "--protocol",
    type=click.Choice(["playlist", "lastfm", "all"]),
    default="all",
    show_default=True,
)
@click.option(
    "--split",
    type=click.Choice(["validation", "test"]),
    default="test",
    show_default=True,
    help="Where to report; every choice is tuned on validation either way.",
)
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=None,
    help="Evaluate (and tune on) a seeded sample of this many listeners per split.",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--no-mixmap", is_flag=True, help="Run the baselines only.")
@click.option(
    "--no-baselines",
    is_flag=True,
    help="Run Mixmap only (baseline results do not depend on Mixmap's settings).",
)
@click.option(
    "--served-only",
    is_flag=True,
    help="Skip the tuned Mixmap row (its grid is what `ml tune` already ran on this validation "
    "split); report the baselines and 'Mixmap as served'.",
)
@click.option(
    "--settings",
    "settings_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=SETTINGS_FILE,
    show_default=True,
    help="Served scoring settings for the 'Mixmap as served' row (what `ml train` serves).",
)
@with_appcontext
def evaluate_command(
    data_dir: Path,
    protocol: str,
    split: str,
    sample: int | None,
    seed: int,
    no_mixmap: bool,
    no_baselines: bool,
    served_only: bool,
    settings_path: Path,
) -> None:
    """Evaluate Mixmap and the baselines; print a markdown table per protocol."""
    started = time.perf_counter()
    builders = protocol_builders(data_dir, protocol, seed)
    served = None if no_mixmap else read_settings(settings_path)

    for build in builders:
        built = build()
        click.echo(f"\n## {built.name}\n", err=True)
        run = run_protocol(
            built,
            split=split,
            sample=sample,
            seed=seed,
            include_mixmap=not (no_mixmap or served_only),
            candidates=[] if no_baselines else None,
            served_scoring=served,
            progress=lambda message: click.echo(message, err=True),
        )
        click.echo(f"\n### {built.name} — {split} split, {run.listeners} listeners\n")
        click.echo(
            "Protocol: " + "; ".join(f"{key}: {value}" for key, value in built.notes.items())
        )
        click.echo(
            f"Listeners: {len(built.validation)} validation, {len(built.test)} test"
            f"{f' (sampled {sample} each)' if sample else ''}; targets are {built.target_label}s.\n"
        )
        click.echo(markdown_table(run.reports, seed))
        click.echo("\nTuned on validation (setting: NDCG@10):\n")
        for model, tried in run.tuning.items():
            if len(tried) > 1:
                shown = "; ".join(f"{settings}: {score:.4f}" for settings, score in tried)
                click.echo(f"- {model}: {shown}")
        if not no_mixmap and not no_baselines:
            if not served_only:
                click.echo("\nPaired differences on this split (Mixmap minus model, 95 % CI):\n")
                for line in verdict(run, seed=seed):
                    click.echo(f"- {line}")
            if served is not None:
                click.echo("\nMixmap as served minus model (95 % CI):\n")
                for line in verdict(run, model="Mixmap as served", seed=seed):
                    click.echo(f"- {line}")
                click.echo("")
                for line in margin_over_best(run, seed=seed):
                    click.echo(f"**{line}**")
        click.echo(f"\n({run.seconds:.0f} s for this protocol)")
    click.echo(f"\nTotal {time.perf_counter() - started:.0f} s", err=True)


def protocol_builders(data_dir: Path, protocol: str, seed: int) -> list[Callable[[], Protocol]]:
    """Lazily built protocols over the real data files (``protocol``: playlist, lastfm or all)."""
    csv_path = data_dir / TIDYTUESDAY_FILE
    if not csv_path.is_file():
        raise click.ClickException(
            f"{csv_path} not found: pass --data pointing at the shared data folder"
        )
    click.echo(f"Reading {csv_path} ...", err=True)
    frames: CatalogueFrames = parse_catalogue(csv_path).frames
    builders: list[Callable[[], Protocol]] = []
    if protocol in ("playlist", "all"):
        builders.append(lambda: playlist_continuation(frames, seed))
    if protocol in ("lastfm", "all"):
        hetrec = read_hetrec(data_dir / HETREC_FOLDER)
        builders.append(lambda: lastfm_artists(frames, hetrec, seed))
    return builders


@ml_group.command("tune")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("../shared/data"),
    show_default=True,
)
@click.option(
    "--protocol",
    type=click.Choice(["playlist", "lastfm", "all"]),
    default="all",
    show_default=True,
    help="playlist tunes the playlist (and seed) context, lastfm the history context.",
)
@click.option("--sample", type=click.IntRange(min=1), default=None, help="Validation sample.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=SETTINGS_FILE,
    show_default=True,
    help="Where to write the settings the next `ml train` puts into the artifact.",
)
@with_appcontext
def tune_command(data_dir: Path, protocol: str, sample: int | None, seed: int, out: Path) -> None:
    """Choose the served scoring settings per context on validation; the next train serves them.

    Contexts not tuned by this run keep what ``--out`` already holds.
    """
    started = time.perf_counter()
    protocols = [build() for build in protocol_builders(data_dir, protocol, seed)]
    tuned = tune_scoring_settings(
        protocols, seed=seed, sample=sample, progress=lambda m: click.echo(m, err=True)
    )
    settings = read_settings(out) if out.exists() else tuned
    for context, entry in tuned.items():
        if entry["source"] != "defaults":
            settings[context] = entry
    path = write_settings(settings, out)
    for context, entry in settings.items():
        click.echo(f"{context}: {entry['weights'] or 'defaults'} ({entry['source']})")
    click.echo(f"Wrote {path} in {time.perf_counter() - started:.0f} s; `ml train` serves it next.")
