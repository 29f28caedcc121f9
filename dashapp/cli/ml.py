"""``flask --app app ml ...``: train, gate, activate and evaluate models, never on a request.

``ml train`` trains and activates at once; ``ml retrain`` trains a candidate and lets the quality
gate decide; ``ml versions`` lists the registry; ``ml rollback`` serves an earlier version;
``ml status`` says what is served and how stale it is; ``ml watch`` is the worker process (Procfile
``worker:``) that retrains once enough new feedback has arrived or an admin asked for it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from dashapp.services import freshness, model_registry

# The worker's threshold when MIXMAP_RETRAIN_AFTER_EVENTS is not set (0 there means "web never
# triggers training"; a worker someone started on purpose should still do something).
DEFAULT_RETRAIN_AFTER_EVENTS = 100
DEFAULT_WATCH_SECONDS = 60.0


@click.group("ml")
def ml_group() -> None:
    """Train, evaluate and inspect the recommender models."""


def _echo_progress(message: str) -> None:
    click.echo(f"[{datetime.now(UTC):%H:%M:%S}] {message}")


def _run_training(sample: int | None, embedding: str, clustering: str, clusters: int | None) -> str:
    from dashapp.services.training import NothingToTrainError, train_from_database
    from ml.training import TrainParams

    params = TrainParams(embedding=embedding, clustering=clustering, n_clusters=clusters)
    try:
        return train_from_database(
            current_app.config["MODEL_DIR"], _echo_progress, sample=sample, params=params
        )
    except NothingToTrainError as error:
        raise click.ClickException(str(error)) from None


@ml_group.command("train")
@click.option("--sample", type=click.IntRange(min=2), help="Train on this many random tracks.")
@click.option(
    "--embedding",
    type=click.Choice(["umap", "pca"]),
    default="umap",
    show_default=True,
    help="Map projection; pca is fast and rough.",
)
@click.option(
    "--clustering", type=click.Choice(["kmeans", "hdbscan"]), default="kmeans", show_default=True
)
@click.option("--clusters", type=click.IntRange(min=2), help="K-Means k (default: chosen).")
@with_appcontext
def train_command(
    sample: int | None, embedding: str, clustering: str, clusters: int | None
) -> None:
    """Train and activate at once (no gate); every web process picks the model up by itself."""
    started = time.perf_counter()
    version = _run_training(sample, embedding, clustering, clusters)
    click.echo(f"Trained model {version} in {time.perf_counter() - started:.1f} s.")


@ml_group.command("status")
@with_appcontext
def status_command() -> None:
    """Which model is active, when it was trained, and how much feedback arrived since."""
    active = model_registry.active_version()
    status = freshness.model_freshness(active.version if active else None)
    click.echo(f"Model cache folder: {current_app.config['MODEL_DIR']}")
    if active is None:
        click.echo("Model: none active yet (run `flask --app app ml train`).")
        click.echo(f"Feedback events so far: {status.new_events:,}")
        return
    clusters = active.metrics.get("clusters") or {}
    silhouette = clusters.get("silhouette") if isinstance(clusters, dict) else None
    click.echo(
        f"Model: {active.version}, trained {active.created_at:%Y-%m-%d %H:%M} UTC, "
        f"{active.track_count:,} tracks, {_size(active.size_bytes)}"
        + (f" (silhouette {silhouette:.3f})" if silhouette is not None else "")
    )
    click.echo(f"New feedback events since that run: {status.new_events:,}")


def _size(size: int | None) -> str:
    return f"{size / 1e6:.1f} MB" if size else "no artifact"


def _gate_summary(gate: dict[str, Any]) -> str:
    scores = gate.get("scores") or {}
    metric = gate.get("metric", "ndcg@10")
    parts = []
    for name in ("candidate", "popularity"):
        value = (scores.get(name) or {}).get(metric)
        if value is not None:
            parts.append(f"{name} {value:.3f}")
    real = scores.get("real_data") or {}
    if real.get("candidate"):
        parts.append(
            f"real playlists: candidate {real['candidate'][metric]:.3f}"
            + (f" vs active {real['active'][metric]:.3f}" if real.get("active") else "")
        )
    unseen = scores.get("unseen") or {}
    if unseen:
        parts.append(
            f"newer feedback: candidate {unseen['candidate'][metric]:.3f} "
            f"vs active {unseen['active'][metric]:.3f}"
        )
    return f"{metric}: " + ", ".join(parts) if parts else ""


@ml_group.command("versions")
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
@with_appcontext
def versions_command(limit: int) -> None:
    """The registry, newest first: status, size, gate metrics, and why."""
    rows = model_registry.versions(limit)
    if not rows:
        click.echo("No model versions yet (run `flask --app app ml train`).")
        return
    for row in rows:
        click.echo(
            f"{row.version}  {row.status:<9}  {row.created_at:%Y-%m-%d %H:%M}  "
            f"{row.track_count:>7,} tracks  {_size(row.size_bytes):>11}  {_gate_summary(row.gate)}"
        )
        if row.status_reason:
            click.echo(f"    {row.status_reason}")
        if row.diff:
            click.echo(
                f"    vs {row.diff.get('compared_to')}: {row.diff.get('tracks_moved', 0):,} tracks "
                f"changed cluster, {row.diff.get('clusters_moved_count', 0)} clusters split, "
                f"top-10 changed for {row.diff.get('top10_changed', 0)} of "
                f"{row.diff.get('listeners', 0)} listeners"
            )


@ml_group.command("rollback")
@click.argument("version", required=False)
@with_appcontext
def rollback_command(version: str | None) -> None:
    """Serve VERSION again (default: the version that served before the active one)."""
    try:
        info = model_registry.rollback(version)
    except model_registry.RegistryError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Active model is now {info.version}; web processes switch within "
        f"{current_app.config.get('MODEL_RELOAD_SECONDS', 30):g} s."
    )


def _threshold(threshold: int | None) -> int:
    return (
        threshold
        or int(current_app.config.get("RETRAIN_AFTER_EVENTS") or 0)
        or DEFAULT_RETRAIN_AFTER_EVENTS
    )


@ml_group.command("retrain")
@click.option(
    "--if-needed",
    is_flag=True,
    help="Only when enough new feedback arrived (MIXMAP_RETRAIN_AFTER_EVENTS) or none is active.",
)
@click.option("--threshold", type=click.IntRange(min=1), help="New events that make it needed.")
@click.option(
    "--tolerance",
    type=click.FloatRange(min=0),
    envvar="MIXMAP_GATE_TOLERANCE",
    default=None,
    help="How much worse (NDCG@10, absolute) a candidate may be and still be activated.",
)
@click.option("--embedding", type=click.Choice(["umap", "pca"]), default="umap", show_default=True)
@click.option("--clusters", type=click.IntRange(min=2), help="K-Means k (default: chosen).")
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    help="Shared data folder: also gate on its real curated playlists (TidyTuesday).",
)
@with_appcontext
def retrain_command(
    if_needed: bool,
    threshold: int | None,
    tolerance: float | None,
    embedding: str,
    clusters: int | None,
    data: Path | None,
) -> None:
    """Train a candidate, gate it against the active model and the baseline, activate or reject."""
    outcome = _retrain(
        _threshold(threshold) if if_needed else None, "cli", embedding, clusters, tolerance, data
    )
    if not outcome.trained:  # a trained one already said "Candidate X activated/rejected: why"
        click.echo(_describe(outcome))


def _retrain(
    threshold: int | None,
    trigger: str,
    embedding: str,
    clusters: int | None,
    tolerance: float | None,
    data: Path | None = None,
) -> Any:
    from dashapp.services.training import DEFAULT_TOLERANCE, NothingToTrainError, retrain
    from ml.training import TrainParams

    try:
        return retrain(
            current_app.config["MODEL_DIR"],
            _echo_progress,
            threshold=threshold,
            trigger=trigger,
            params=TrainParams(embedding=embedding, n_clusters=clusters),
            tolerance=DEFAULT_TOLERANCE if tolerance is None else tolerance,
            real_data=data,
        )
    except NothingToTrainError as error:
        raise click.ClickException(str(error)) from None


def _describe(outcome: Any) -> str:
    if not outcome.trained:
        return f"Not trained: {outcome.reason}."
    verdict = "activated" if outcome.activated else "rejected"
    return f"Candidate {outcome.version} {verdict}: {outcome.reason}"


@ml_group.command("watch")
@click.option(
    "--threshold",
    type=click.IntRange(min=1),
    help="Retrain after this many new feedback events "
    f"(default: MIXMAP_RETRAIN_AFTER_EVENTS, else {DEFAULT_RETRAIN_AFTER_EVENTS}).",
)
@click.option("--interval", type=float, default=DEFAULT_WATCH_SECONDS, show_default=True)
@click.option("--once", is_flag=True, help="Check once, train if due, exit (for cron and tests).")
@click.option("--embedding", type=click.Choice(["umap", "pca"]), default="umap", show_default=True)
@click.option("--clusters", type=click.IntRange(min=2), help="K-Means k (default: chosen).")
@click.option(
    "--tolerance",
    type=click.FloatRange(min=0),
    envvar="MIXMAP_GATE_TOLERANCE",
    default=None,
    help="How much worse (NDCG@10, absolute) a candidate may be and still be activated.",
)
@with_appcontext
def watch_command(
    threshold: int | None,
    interval: float,
    once: bool,
    embedding: str,
    clusters: int | None,
    tolerance: float | None,
) -> None:
    """Worker: retrain (gated) when none is active, enough feedback arrived, or an admin asked."""
    threshold = _threshold(threshold)
    click.echo(f"Watching for {threshold} new feedback events (every {interval:g} s).")
    while True:
        try:
            _retrain(threshold, "watch", embedding, clusters, tolerance)
        except click.ClickException as error:
            _echo_progress(f"Not trained: {error.message}")
        except Exception as error:  # the worker outlives one failed run; the run row says why
            _echo_progress(f"Retrain failed: {error}")
        if once:
            return
        time.sleep(max(interval, 0.5))
