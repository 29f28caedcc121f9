"""``flask --app app ml evaluate``: Mixmap against the baselines on the offline protocols.

Reads the real data files (never the database), tunes every model on the validation listeners and
prints one markdown table per protocol for the chosen split (docs/EVALUATION.md quotes it).
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from dashapp.cli.ml import ml_group
from db.importers.catalogue import parse_catalogue
from db.importers.hetrec import read_hetrec
from ml.evaluation import markdown_table, run_protocol, verdict
from ml.protocols import lastfm_artists, playlist_continuation

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
def evaluate_command(
    data_dir: Path,
    protocol: str,
    split: str,
    sample: int | None,
    seed: int,
    no_mixmap: bool,
    no_baselines: bool,
) -> None:
    """Evaluate Mixmap and the baselines; print a markdown table per protocol."""
    csv_path = data_dir / TIDYTUESDAY_FILE
    if not csv_path.is_file():
        raise click.ClickException(
            f"{csv_path} not found: pass --data pointing at the shared data folder"
        )
    started = time.perf_counter()
    click.echo(f"Reading {csv_path} ...", err=True)
    parsed = parse_catalogue(csv_path)
    frames = parsed.frames
    builders = []
    if protocol in ("playlist", "all"):
        builders.append(lambda: playlist_continuation(frames, seed))
    if protocol in ("lastfm", "all"):
        hetrec = read_hetrec(data_dir / HETREC_FOLDER)
        builders.append(lambda: lastfm_artists(frames, hetrec, seed))

    for build in builders:
        built = build()
        click.echo(f"\n## {built.name}\n", err=True)
        run = run_protocol(
            built,
            split=split,
            sample=sample,
            seed=seed,
            include_mixmap=not no_mixmap,
            candidates=[] if no_baselines else None,
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
            click.echo("\nPaired differences on this split (Mixmap minus model, 95 % CI):\n")
            for line in verdict(run, seed=seed):
                click.echo(f"- {line}")
        click.echo(f"\n({run.seconds:.0f} s for this protocol)")
    click.echo(f"\nTotal {time.perf_counter() - started:.0f} s", err=True)
