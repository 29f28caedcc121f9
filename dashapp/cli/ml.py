"""``flask --app app ml ...``: train and evaluate the recommender, offline, never on a request.

``ml train`` trains once; ``ml status`` says what is served and how stale it is; ``ml watch`` is
the worker process (Procfile ``worker:``) that retrains once enough new feedback has arrived.
"""

from __future__ import annotations

import signal
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from dashapp.services.retraining import RetrainPolicy
from db.models import utcnow
from db.queries import model_versions
from db.queries.catalogue import track_count
from db.session import session_scope
from ml.artifact import FORMAT_VERSION, IncompatibleModelError, latest_version, read_metadata

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
    "(default: MIXMAP_RETRAIN_AFTER_EVENTS, else 100).",
)
@click.option(
    "--min-minutes",
    type=click.FloatRange(min=0),
    help="...and at least this many minutes after the last training "
    "(default: MIXMAP_RETRAIN_MIN_MINUTES, else 10).",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=1),
    help="Seconds between checks (default: MIXMAP_RETRAIN_CHECK_SECONDS, else 60).",
)
@click.option("--once", is_flag=True, help="Check once, train if due, exit (for cron and tests).")
@click.option(
    "--embedding",
    type=click.Choice(["umap", "pca"]),
    help="Map projection (default: MIXMAP_TRAIN_EMBEDDING, else umap).",
)
@with_appcontext
def watch_command(
    threshold: int | None,
    min_minutes: float | None,
    interval: float | None,
    once: bool,
    embedding: str | None,
) -> None:
    """Worker: train when there is no usable model or enough new feedback has arrived."""
    config = current_app.config
    policy = RetrainPolicy.from_config(config, after_events=threshold)
    if min_minutes is not None:
        policy = RetrainPolicy(policy.after_events, min_minutes)
    interval = max(interval or float(config.get("RETRAIN_CHECK_SECONDS") or 60.0), 1.0)
    embedding = embedding or str(config.get("TRAIN_EMBEDDING") or "umap")
    model_dir = Path(config["MODEL_DIR"])
    stop = threading.Event() if once else _stop_on_signals()
    click.echo(f"Watching for {policy.describe()} (every {interval:g} s).")
    while not stop.is_set():
        _run_queued_jobs()
        reason = retrain_reason(model_dir, policy)
        if reason:
            _echo_progress(f"Retraining: {reason}")
            try:
                _run_training(None, embedding, "kmeans", None)
            except click.ClickException as error:
                _echo_progress(f"Not trained: {error.message}")
        if once:
            return
        _wait_running_jobs(interval, stop)
    click.echo("Stopped watching.")


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


def _wait_running_jobs(seconds: float, stop: threading.Event) -> None:
    """Wait until the next retrain check (or a stop signal), starting queued jobs meanwhile."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if stop.wait(min(left, JOB_POLL_SECONDS)):
            return
        _run_queued_jobs()


def _stop_on_signals() -> threading.Event:
    """An event set by SIGTERM (honcho, the platform) or SIGINT (Ctrl-C): the worker then exits
    between checks with status 0. A training under way finishes first (whoever sent the signal
    decides how long to wait: honcho 5 s, Heroku 30 s, then SIGKILL); a second signal stops now."""
    stop = threading.Event()

    def handle(_signum: int, _frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, handle)
    return stop


def retrain_reason(model_dir: Path, policy: RetrainPolicy) -> str | None:
    """Why the worker should train now, or None when the served model is fresh enough."""
    with session_scope() as session:
        if track_count(session) == 0:
            return None
        run = model_versions.latest(session)
        new_events = model_versions.interactions_after(
            session, run.interactions_until_id if run else 0
        )
        last_trained_at = run.created_at if run else None
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
    return policy.reason(new_events, last_trained_at, utcnow())
