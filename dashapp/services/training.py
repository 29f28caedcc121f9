"""Train on what the database holds, save the bundle, record the run (``flask ml train``).

Runs offline (the CLI, the worker, ``flask setup``), never on a web request.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from db.models import ModelVersion
from db.queries.training import load_training_data
from db.session import session_scope
from ml.artifact import prune_versions, save_bundle
from ml.scoring_settings import read_settings
from ml.training import TrainParams, train_model

# Bundles kept on disk besides the served one (older ones are deleted after a run).
KEEP_VERSIONS = 3


class NothingToTrainError(RuntimeError):
    """The catalogue is empty; the message says how to fill it."""


def train_from_database(
    model_dir: str | os.PathLike[str],
    progress: Callable[[str], None] | None = None,
    *,
    sample: int | None = None,
    params: TrainParams | None = None,
    scoring_settings_path: str | os.PathLike[str] | None = None,
) -> str:
    """Train on the stored catalogue and feedback; return the new model's version.

    ``sample`` trains on that many randomly chosen tracks (seeded) for a quick model.
    """
    say = progress or (lambda _message: None)
    say("Reading the catalogue and feedback")
    with session_scope() as session:
        catalogue, events, playlists, until_id = load_training_data(session)
    if catalogue.empty:
        raise NothingToTrainError(
            "the catalogue is empty: import one first (`flask catalog import FILE` or "
            "`flask catalog demo`)"
        )
    params = params or TrainParams()
    if sample is not None and 0 < sample < len(catalogue):
        rng = np.random.default_rng(params.random_state)
        keep = np.sort(rng.choice(len(catalogue), sample, replace=False))
        catalogue = catalogue.iloc[keep].reset_index(drop=True)
        kept = set(catalogue["track_id"])
        events = events[events["track_id"].isin(kept)].reset_index(drop=True)
        playlists = playlists[playlists["track_id"].isin(kept)].reset_index(drop=True)
    # The served scoring settings come from `ml tune` (ml/scoring_settings.json) into the
    # artifact; the web process reads them from the artifact only.
    bundle = train_model(
        catalogue,
        events,
        params,
        say,
        playlists,
        interactions_until_id=until_id,
        scoring=read_settings(scoring_settings_path),
    )
    say("Saving the model")
    path = save_bundle(bundle, model_dir)
    metrics = dict(bundle.metrics)
    if sample is not None:
        metrics["sampled_tracks"] = len(catalogue)
    with session_scope() as session:
        session.add(
            ModelVersion(
                version=bundle.version,
                created_at=bundle.created_at,
                artifact_path=Path(path).name,
                data_hash=bundle.data_hash,
                track_count=bundle.n_tracks,
                interactions_until_id=until_id,
                metrics=_json_safe(metrics),
                params=_json_safe(bundle.params),
            )
        )
    prune_versions(model_dir, keep=KEEP_VERSIONS)
    say(f"Model {bundle.version} saved")
    return bundle.version


def _json_safe(value: object) -> object:
    """Plain JSON types for the JSON columns (numpy scalars and tuples are not)."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
