"""Train on what the database holds and put the model in the registry (``flask ml train/retrain``).

``train_from_database`` trains and activates at once (``ml train``, ``flask setup``: an operator
asked for this model). ``retrain`` is the gated path the worker, ``ml retrain`` and the Admin
page's "retrain now" take: it holds out recent feedback, trains a candidate on the rest, compares
it with the active model and the popularity baseline (``ml.gate``), and activates it or keeps it
as ``rejected`` with the reason; it also records what would change for listeners (the diff the
Admin page shows). A ``training_runs`` row is the lock: two retrains at once train once.

Runs offline (the CLI, the worker), never on a web request.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.exc import IntegrityError

from dashapp.services import model_registry
from dashapp.services.retraining import RetrainPolicy
from db.models import utcnow
from db.queries import model_versions, training_runs
from db.queries.catalogue import track_count
from db.queries.training import load_training_data
from db.session import session_scope
from ml.artifact import IncompatibleModelError, ModelBundle
from ml.gate import (
    GATE_METRIC,
    PopularityRanker,
    cluster_moves,
    decide,
    decide_on_check,
    evaluate_holdout,
    history_events,
    playlist_holdout,
    split_holdout,
    top_list_changes,
)
from ml.library_versions import library_mismatches
from ml.scoring_settings import read_settings
from ml.training import TrainParams, train_model

log = logging.getLogger(__name__)

# Absolute tolerance on the gate metric (NDCG@10 over the holdout): a candidate this much worse
# than the active model still passes, because a holdout of a few dozen listeners is noisy.
DEFAULT_TOLERANCE = 0.02
# Listeners whose top-10 the diff compares (the newest feedback first); bounded so a gate on a
# big deployment stays a minute's work.
DIFF_LISTENERS = 200

Progress = Callable[[str], None]


class NothingToTrainError(RuntimeError):
    """The catalogue is empty; the message says how to fill it."""


@dataclass(frozen=True)
class RetrainOutcome:
    trained: bool
    version: str | None
    activated: bool | None
    reason: str


def _training_data(
    sample: int | None, params: TrainParams
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int]:
    with session_scope() as session:
        catalogue, events, playlists, until_id = load_training_data(session)
    if catalogue.empty:
        raise NothingToTrainError(
            "the catalogue is empty: import one first (`flask catalog import FILE` or "
            "`flask catalog demo`)"
        )
    if sample is not None and 0 < sample < len(catalogue):
        rng = np.random.default_rng(params.random_state)
        keep = np.sort(rng.choice(len(catalogue), sample, replace=False))
        catalogue = catalogue.iloc[keep].reset_index(drop=True)
        kept = set(catalogue["track_id"])
        events = events[events["track_id"].isin(kept)].reset_index(drop=True)
        playlists = playlists[playlists["track_id"].isin(kept)].reset_index(drop=True)
    return catalogue, events, playlists, until_id


def _publish(
    bundle: ModelBundle, cache_dir: str | os.PathLike[str] | None, extra: dict[str, Any]
) -> model_registry.VersionInfo:
    metrics = _json_safe(dict(bundle.metrics) | extra)
    return model_registry.publish(
        bundle, metrics, _json_safe(bundle.params), Path(cache_dir) if cache_dir else None
    )


def train_from_database(
    model_dir: str | os.PathLike[str] | None,
    progress: Progress | None = None,
    *,
    sample: int | None = None,
    params: TrainParams | None = None,
    scoring_settings_path: str | os.PathLike[str] | None = None,
) -> str:
    """Train on the stored catalogue and feedback, store it and activate it; return its version.

    ``model_dir`` is this process's cache of model bytes (None: no cache). ``sample`` trains on
    that many randomly chosen tracks (seeded) for a quick model.
    """
    say = progress or (lambda _message: None)
    params = params or TrainParams()
    say("Reading the catalogue and feedback")
    catalogue, events, playlists, until_id = _training_data(sample, params)
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
    say("Saving the model in the registry")
    extra = {"sampled_tracks": len(catalogue)} if sample is not None else {}
    info = _publish(bundle, model_dir, extra)
    model_registry.activate(info.version, "trained with `flask ml train` (no gate)")
    say(f"Model {bundle.version} saved and active")
    return bundle.version


# ---------------------------------------------------------------------- the gated retrain
def retrain_reason(policy: RetrainPolicy | None) -> str | None:
    """Why a retrain is due (``policy``: enough new feedback and time, or no usable active model),
    or None. ``policy`` None means "asked for explicitly": always due, and an empty catalogue
    raises ``NothingToTrainError``."""
    with session_scope() as session:
        if track_count(session) == 0:
            if policy is None:  # asked for explicitly: say why nothing can be trained
                raise NothingToTrainError(
                    "the catalogue is empty: import one first (`flask catalog import FILE` or "
                    "`flask catalog demo`)"
                )
            return None
        serving = model_versions.active(session)
        newest = model_versions.latest(session)
        new_events = model_versions.interactions_after(
            session, newest.interactions_until_id if newest else 0
        )
        libraries = dict(serving.libraries or {}) if serving else None
        last_trained_at = newest.created_at if newest else None
    if policy is None:
        return "asked for"
    if serving is None:
        return "no model is active yet"
    mismatches = library_mismatches(libraries)
    if mismatches:
        return f"the active model was written by other library versions ({mismatches[0]})"
    return policy.reason(new_events, last_trained_at, utcnow())


def has_queued_request() -> bool:
    """Whether a retrain request is waiting for the worker."""
    with session_scope() as session:
        return training_runs.queued(session) is not None


def retrain(
    model_dir: str | os.PathLike[str] | None,
    progress: Progress | None = None,
    *,
    policy: RetrainPolicy | None = None,
    trigger: str = "cli",
    params: TrainParams | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    real_data: Path | None = None,
) -> RetrainOutcome:
    """Train a candidate, gate it, activate or reject it. With ``policy``, only when due.

    ``real_data`` (the shared data folder) adds a fixed check on real curated playlists. Returns
    without training when nothing is due or another retrain holds the lock.
    """
    say = progress or (lambda _message: None)
    # An operator's queued request (Admin "retrain now") is due whatever the policy says.
    explicit = policy is None or has_queued_request()
    if not explicit:
        reason = retrain_reason(policy)
        if reason is None:
            return RetrainOutcome(False, None, None, "not due: the active model is fresh enough")
    try:
        with session_scope() as session:
            run_id = training_runs.claim(session, trigger).id
    except IntegrityError:
        return RetrainOutcome(False, None, None, "another retrain is running; not started")

    def report(message: str) -> None:
        say(message)
        with session_scope() as session:
            training_runs.heartbeat(session, run_id, message)

    try:
        # Checked again under the lock: a retrain that finished meanwhile made this one moot.
        reason = retrain_reason(None if explicit else policy)
        if reason is None:
            with session_scope() as session:
                training_runs.finish(
                    session, run_id, failed=False, outcome="skipped", message="not due"
                )
            return RetrainOutcome(False, None, None, "not due: the active model is fresh enough")
        report(f"Retraining: {reason}")
        checks = _real_data_playlists(real_data) if real_data is not None else None
        outcome = _train_and_gate(model_dir, report, params or TrainParams(), tolerance, checks)
    except Exception as error:
        with session_scope() as session:
            training_runs.finish(session, run_id, failed=True, outcome=None, message=str(error))
        raise
    with session_scope() as session:
        training_runs.finish(
            session,
            run_id,
            failed=False,
            outcome="activated" if outcome.activated else "rejected",
            message=outcome.reason,
            version=outcome.version,
        )
    return outcome


def _train_and_gate(
    model_dir: str | os.PathLike[str] | None,
    say: Progress,
    params: TrainParams,
    tolerance: float,
    real_playlists: pd.DataFrame | None = None,
) -> RetrainOutcome:
    from ml.recommender import Recommender

    say("Reading the catalogue and feedback")
    catalogue, events, playlists, until_id = _training_data(None, params)
    train_events, holdout = split_holdout(events, seed=params.random_state)
    say(f"Holding out the latest feedback of {len(holdout)} listeners")
    bundle = train_model(
        catalogue,
        train_events,
        params,
        say,
        playlists,
        interactions_until_id=until_id,
        scoring=read_settings(),  # the served settings travel in every artifact, retrains too
    )
    say("Saving the candidate in the registry")
    info = _publish(bundle, model_dir, {"holdout_listeners": len(holdout)})
    say("Gating the candidate against the active model and the popularity baseline")
    candidate = Recommender.from_bundle(bundle)
    active_version, active_since, active = _active_model(model_dir)
    baseline = PopularityRanker(bundle.tracks)
    scores: dict[str, Any] = {
        "candidate": evaluate_holdout(candidate, holdout),
        "popularity": evaluate_holdout(baseline, holdout),
    }
    unseen = None
    if active is not None and active_since is not None:
        newer = holdout.newer_than(active_since)
        if len(newer):
            unseen = (evaluate_holdout(candidate, newer), evaluate_holdout(active[1], newer))
            scores["unseen"] = {"candidate": unseen[0], "active": unseen[1]}
    decision = decide(scores["candidate"], scores["popularity"], unseen, tolerance)
    if real_playlists is not None:
        check = playlist_holdout(real_playlists, bundle.tracks["track_id"].astype(str).tolist())
        say(f"Real-data check: {len(check)} curated playlists share tracks with the catalogue")
        real = {
            "playlists": len(check),
            "candidate": evaluate_holdout(candidate, check),
            "active": evaluate_holdout(active[1], check) if active else None,
            "popularity": evaluate_holdout(baseline, check),
        }
        scores["real_data"] = real
        worse = decide_on_check("real-data check", real["candidate"], real["active"], tolerance)
        if decision.activate and worse is not None:
            decision = worse
    gate = {
        "metric": GATE_METRIC,
        "tolerance": tolerance,
        "compared_to": active_version,
        "holdout_listeners": len(holdout),
        "scores": scores,
        **decision.as_dict(),
    }
    diff = None
    if active is not None:
        say("Comparing with the active model (clusters, listeners' top-10)")
        diff = _diff(active[0], active[1], bundle, candidate, events) | {
            "compared_to": active_version
        }
    model_registry.record_gate(
        info.version, _json_safe(gate), _json_safe(diff), decision.activate, decision.reason
    )
    verdict = "activated" if decision.activate else "rejected"
    say(f"Candidate {info.version} {verdict}: {decision.reason}")
    return RetrainOutcome(True, info.version, decision.activate, decision.reason)


def _real_data_playlists(folder: Path) -> pd.DataFrame:
    """Curated playlists of the TidyTuesday file under ``folder`` (playlist_id, track_id)."""
    from db.importers.catalogue import parse_catalogue

    path = Path(folder) / "tidytuesday" / "spotify_songs.csv"
    if not path.is_file():
        raise NothingToTrainError(f"the real-data check needs {path}; it is not there")
    items = parse_catalogue(path).frames.playlist_items
    return pd.DataFrame(
        {
            "playlist_id": items["playlist_external_id"].astype(str).to_numpy(),
            "track_id": items["track_id"].astype(str).to_numpy(),
        }
    )


def _active_model(
    model_dir: str | os.PathLike[str] | None,
) -> tuple[str | None, datetime | None, Any]:
    """(version, trained at, (bundle, recommender)) of the active model; the last is None when
    there is none or it cannot be loaded here."""
    from ml.recommender import Recommender

    info = model_registry.active_version()
    if info is None:
        return None, None, None
    try:
        bundle = model_registry.load(info.version, Path(model_dir) if model_dir else None)
    except (IncompatibleModelError, model_registry.RegistryError) as error:
        log.warning("gate: active model %s unusable (%s); baseline only", info.version, error)
        return info.version, None, None
    return info.version, info.created_at, (bundle, Recommender.from_bundle(bundle))


def _diff(
    old_bundle: ModelBundle, old: Any, new_bundle: ModelBundle, new: Any, events: pd.DataFrame
) -> dict[str, Any]:
    users = events[events["listener"].astype(str).str.startswith("user:")]
    newest = users.sort_values("at").drop_duplicates("listener", keep="last").tail(DIFF_LISTENERS)
    histories = {
        listener: history_events(users[users["listener"] == listener])
        for listener in newest["listener"]
    }
    return cluster_moves(
        old_bundle.tracks, new_bundle.tracks, old_bundle.cluster_names, new_bundle.cluster_names
    ) | top_list_changes(old, new, histories)


def _json_safe(value: object) -> Any:
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
