"""``flask --app app ml ...``: train and evaluate the recommender, offline, never on a request.

``ml train`` trains once; ``ml status`` says what is served and how stale it is; ``ml watch`` is
the worker process (Procfile ``worker:``) that retrains once enough new feedback has arrived.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from db.queries import model_versions
from db.queries.catalogue import track_count
from db.session import session_scope
from ml.artifact import FORMAT_VERSION, IncompatibleModelError, latest_version, read_metadata

# The worker's threshold when MIXMAP_RETRAIN_AFTER_EVENTS is not set (0 there means "web never
# triggers training"; a worker someone started on purpose should still do something).
DEFAULT_RETRAIN_AFTER_EVENTS = 100
DEFAULT_WATCH_SECONDS = 60.0
# How often the worker looks for queued jobs between retrain checks: an upload should start soon.
JOB_POLL_SECONDS = 5.0


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
    """Train on the stored catalogue and feedback; the web app picks the model up by itself."""
    started = time.perf_counter()
    version = _run_training(sample, embedding, clustering, clusters)
    click.echo(f"Trained model {version} in {time.perf_counter() - started:.1f} s.")


@ml_group.command("status")
@with_appcontext
def status_command() -> None:
    """Which model is served, when it was trained, and how much feedback arrived since."""
    model_dir = Path(current_app.config["MODEL_DIR"])
    version = latest_version(model_dir)
    with session_scope() as session:
        run = model_versions.by_version(session, version) if version else None
        run = run or model_versions.latest(session)
        new_events = model_versions.interactions_after(
            session, run.interactions_until_id if run else 0
        )
        tracks = track_count(session)
    click.echo(f"Catalogue: {tracks:,} tracks. Model folder: {model_dir}")
    if version is None:
        click.echo("Model: none trained yet (run `flask --app app ml train`).")
        click.echo(f"Feedback events so far: {new_events:,}")
        return
    try:
        meta = read_metadata(model_dir, version)
    except (FileNotFoundError, IncompatibleModelError) as error:
        raise click.ClickException(
            f"LATEST names {version} but its metadata is unreadable: {error}"
        ) from None
    clusters = (meta.get("metrics") or {}).get("clusters") or {}
    silhouette = clusters.get("silhouette")
    click.echo(
        f"Model: {version}, trained {meta.get('created_at')}, {meta.get('track_count'):,} tracks, "
        f"{meta.get('cluster_count')} clusters"
        + (f" (silhouette {silhouette:.3f})" if silhouette is not None else "")
    )
    click.echo(f"New feedback events since that run: {new_events:,}")


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
@with_appcontext
def watch_command(threshold: int | None, interval: float, once: bool, embedding: str) -> None:
    """Worker: train when there is no usable model or enough new feedback has arrived."""
    threshold = (
        threshold
        or int(current_app.config.get("RETRAIN_AFTER_EVENTS") or 0)
        or DEFAULT_RETRAIN_AFTER_EVENTS
    )
    model_dir = Path(current_app.config["MODEL_DIR"])
    click.echo(f"Watching for {threshold} new feedback events (every {interval:g} s).")
    while True:
        _run_queued_jobs()
        reason = retrain_reason(model_dir, threshold)
        if reason:
            _echo_progress(f"Retraining: {reason}")
            try:
                _run_training(None, embedding, "kmeans", None)
            except click.ClickException as error:
                _echo_progress(f"Not trained: {error.message}")
        if once:
            return
        _wait_running_jobs(max(interval, 1.0))


def _run_queued_jobs() -> None:
    """Queued background jobs (history imports): someone is watching their progress bar."""
    from dashapp.services.jobs import run_pending_jobs

    try:
        ran = run_pending_jobs()
    except Exception as error:  # a broken job must not stop the worker's retraining
        _echo_progress(f"Running queued jobs failed: {error}")
        return
    if ran:
        _echo_progress(f"Ran {ran} queued job{'s' if ran != 1 else ''}")


def _wait_running_jobs(seconds: float) -> None:
    """Sleep until the next retrain check, starting queued jobs every few seconds meanwhile."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        time.sleep(min(left, JOB_POLL_SECONDS))
        _run_queued_jobs()


def retrain_reason(model_dir: Path, threshold: int) -> str | None:
    """Why the worker should train now, or None when the served model is fresh enough."""
    with session_scope() as session:
        if track_count(session) == 0:
            return None
        run = model_versions.latest(session)
        new_events = model_versions.interactions_after(
            session, run.interactions_until_id if run else 0
        )
    version = latest_version(model_dir)
    if version is None:
        return "no model has been trained yet"
    # The metadata sidecar is enough to tell; loading the whole bundle every tick is not needed.
    try:
        meta = read_metadata(model_dir, version)
    except (FileNotFoundError, IncompatibleModelError) as error:
        return f"the saved model is unusable ({error})"
    if meta.get("format_version") != FORMAT_VERSION:
        return f"the saved model has format {meta.get('format_version')}, not {FORMAT_VERSION}"
    if new_events >= threshold:
        return f"{new_events} new feedback events (threshold {threshold})"
    return None
