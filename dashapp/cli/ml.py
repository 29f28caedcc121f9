"""``flask --app app ml ...``: train, gate, activate and evaluate models, never on a request.

``ml train`` trains and activates at once; ``ml retrain`` trains a candidate and lets the quality
gate decide; ``ml versions`` lists the registry; ``ml rollback`` serves an earlier version;
``ml status`` says what is served and how stale it is; ``ml watch`` is the worker process (Procfile
``worker:``) that retrains once enough new feedback has arrived or an admin asked for it.
"""

from __future__ import annotations

import signal
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from dashapp.services import freshness, model_registry
from dashapp.services.retraining import RetrainPolicy

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


def _policy(threshold: int | None, min_minutes: float | None = None) -> RetrainPolicy:
    """The configured retrain policy (events AND minutes); the command line's values win."""
    policy = RetrainPolicy.from_config(current_app.config, after_events=threshold)
    return policy if min_minutes is None else RetrainPolicy(policy.after_events, min_minutes)


@ml_group.command("retrain")
@click.option(
    "--if-needed",
    is_flag=True,
    help="Only when enough new feedback and time arrived (see `ml watch`) or none is active.",
)
@click.option("--threshold", type=click.IntRange(min=1), help="New events that make it needed.")
@click.option(
    "--min-minutes",
    type=click.FloatRange(min=0),
    help="...and minutes since the last training (default: MIXMAP_RETRAIN_MIN_MINUTES, else 10).",
)
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
    min_minutes: float | None,
    tolerance: float | None,
    embedding: str,
    clusters: int | None,
    data: Path | None,
) -> None:
    """Train a candidate, gate it against the active model and the baseline, activate or reject."""
    outcome = _retrain(
        _policy(threshold, min_minutes) if if_needed else None,
        "cli",
        embedding,
        clusters,
        tolerance,
        data,
    )
    if not outcome.trained:  # a trained one already said "Candidate X activated/rejected: why"
        click.echo(_describe(outcome))


def _retrain(
    policy: RetrainPolicy | None,
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
            policy=policy,
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
    min_minutes: float | None,
    interval: float | None,
    once: bool,
    embedding: str | None,
    clusters: int | None,
    tolerance: float | None,
) -> None:
    """Worker: retrain (gated) when none is active, enough feedback arrived, or an admin asked;
    runs queued background jobs (history imports) between checks."""
    config = current_app.config
    policy = _policy(threshold, min_minutes)
    interval = max(interval or float(config.get("RETRAIN_CHECK_SECONDS") or 60.0), 1.0)
    embedding = embedding or str(config.get("TRAIN_EMBEDDING") or "umap")
    stop = threading.Event() if once else _stop_on_signals()
    click.echo(f"Watching for {policy.describe()} (every {interval:g} s).")
    while not stop.is_set():
        _run_queued_jobs()
        try:
            _retrain(policy, "watch", embedding, clusters, tolerance)
        except click.ClickException as error:
            _echo_progress(f"Not trained: {error.message}")
        except Exception as error:  # the worker outlives one failed run; the run row says why
            _echo_progress(f"Retrain failed: {error}")
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
