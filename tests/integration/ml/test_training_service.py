"""Training from the database: the frames it reads, the bundle it saves, the run it records."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from dashapp.services import model_registry
from dashapp.services.training import train_from_database
from db.demo.catalogue import generate_catalogue
from db.importers.writer import write_catalogue
from db.models import Interaction, ModelVersion
from db.queries import model_versions
from db.queries.catalogue import catalogue_frame
from db.queries.training import load_training_data
from db.session import session_scope
from ml.training import TrainParams
from music.catalogue_frames import catalogue_frame as parsed_catalogue_frame
from music.schema import AUDIO_FEATURES, CATALOGUE_COLUMNS

FAST = TrainParams(embedding="pca", n_clusters=6)  # fixed k: tests skip k selection


def test_stored_catalogue_reads_back_as_the_parsed_frame(db):
    frames = generate_catalogue(150, seed=3)
    with session_scope() as session:
        write_catalogue(session, frames)
    with session_scope() as session:
        stored = catalogue_frame(session)
    parsed = parsed_catalogue_frame(frames).sort_values("track_id").reset_index(drop=True)

    assert list(stored.columns) == list(CATALOGUE_COLUMNS)
    assert list(stored["track_id"]) == list(parsed["track_id"])
    for column in (*AUDIO_FEATURES, "popularity", "duration_ms", "key", "mode"):
        np.testing.assert_allclose(stored[column], parsed[column], err_msg=column)
    assert list(stored["genres"]) == list(parsed["genres"])
    assert list(stored["subgenres"]) == list(parsed["subgenres"])
    assert all(g in gs for g, gs in zip(stored["genre"], stored["genres"], strict=True))
    np.testing.assert_allclose(stored["artist_popularity"], parsed["artist_popularity"])
    pd.testing.assert_series_equal(
        stored["release_year"], parsed["release_year"], check_names=False
    )


def test_training_data_holds_users_feedback_and_curated_playlists(demo_db):
    with session_scope() as session:
        catalogue, events, playlists, until_id = load_training_data(session)
        newest = session.scalar(select(func.max(Interaction.id)))
        user_events = session.scalar(select(func.count()).select_from(Interaction))
    assert len(catalogue) == 300
    assert until_id == newest
    listeners = events["listener"].str.split(":").str[0]
    assert (listeners == "user").sum() == user_events
    assert (listeners == "playlist").sum() == len(playlists) > 0
    assert set(events["track_id"]) <= set(catalogue["track_id"])
    assert str(events["at"].dtype).startswith("datetime64") and events["at"].dt.tz is not None


def test_train_from_database_saves_a_bundle_and_records_the_run(demo_db, tmp_path):
    messages: list[str] = []
    version = train_from_database(tmp_path, messages.append, params=FAST)

    active = model_registry.active_version()
    assert active is not None and active.version == version and active.status == "active"
    bundle = model_registry.load(version, None)
    assert bundle.n_tracks == 300 and bundle.listeners is not None
    assert bundle.cooccurrence is not None and bundle.cooccurrence.nnz > 0
    with session_scope() as session:
        run = model_versions.latest(session)
        assert run is not None and run.version == version
        assert run.track_count == 300
        assert run.interactions_until_id == bundle.interactions_until_id > 0
        assert run.metrics["clusters"]["silhouette"] is not None
        assert run.params["embedding"] == "pca"
        assert model_versions.interactions_after(session, run.interactions_until_id) == 0
    assert any("Saving" in m for m in messages)


def test_a_sampled_run_trains_on_fewer_tracks(demo_db, tmp_path):
    train_from_database(tmp_path, sample=120, params=FAST)
    assert model_registry.load(model_registry.active_version().version, None).n_tracks == 120
    with session_scope() as session:
        run = session.scalars(select(ModelVersion)).one()
        assert run.metrics["sampled_tracks"] == 120


def test_the_served_recommender_weights_are_the_artifacts_tuned_settings(demo_db, tmp_path):
    from dataclasses import replace

    from dashapp.services.model_store import build_loaded_model
    from ml.recommender import ScoringWeights
    from ml.scoring_settings import CONTEXTS, write_settings

    settings_path = write_settings(
        {"history": {"weights": {"collaborative": 3.0}, "source": "tuned on test data"}},
        tmp_path / "scoring.json",
    )
    version = train_from_database(
        tmp_path / "models", params=FAST, scoring_settings_path=settings_path
    )
    bundle = model_registry.load(version, tmp_path / "models")
    assert bundle.scoring["history"]["source"] == "tuned on test data"
    served = build_loaded_model(bundle).recommender  # what the web process serves
    for context in CONTEXTS:
        artifact = replace(ScoringWeights(), **bundle.scoring[context]["weights"])
        assert served.weights_for(context) == artifact
    assert served.weights_for("history").collaborative == 3.0
