from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from ml.artifact import COORDINATE_COLUMNS, load_bundle, save_bundle, validate_bundle
from ml.training import TrainParams, hash_training_data, playlist_cooccurrence, train_model

FAST = TrainParams(embedding="pca", n_clusters=4)


def listening(catalogue: pd.DataFrame, n_listeners: int = 12, seed: int = 0) -> pd.DataFrame:
    """Each listener likes tracks of one genre and skips a few of another."""
    rng = np.random.default_rng(seed)
    genres = sorted(catalogue["genre"].unique())
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for listener in range(n_listeners):
        loved = catalogue[catalogue["genre"] == genres[listener % len(genres)]]["track_id"]
        other = catalogue[catalogue["genre"] == genres[(listener + 1) % len(genres)]]["track_id"]
        for track in rng.choice(loved.to_numpy(), 10, replace=False):
            rows.append((f"user:{listener}", track, "like", start + timedelta(hours=len(rows))))
        for track in rng.choice(other.to_numpy(), 3, replace=False):
            rows.append((f"user:{listener}", track, "skip", start + timedelta(hours=len(rows))))
    return pd.DataFrame(rows, columns=["listener", "track_id", "kind", "at"])


def curated(catalogue: pd.DataFrame) -> pd.DataFrame:
    ids = catalogue["track_id"].to_numpy()
    return pd.DataFrame(
        {
            "playlist_id": ["a"] * 3 + ["b"] * 3,
            "track_id": [ids[0], ids[1], ids[2], ids[0], ids[1], ids[3]],
        }
    )


def test_train_model_produces_a_valid_aligned_bundle(make_catalogue, tmp_path):
    catalogue = make_catalogue(240)
    events = listening(catalogue)
    messages: list[str] = []
    bundle = train_model(catalogue, events, FAST, messages.append, curated(catalogue))

    validate_bundle(bundle)
    assert list(bundle.tracks["track_id"]) == list(catalogue["track_id"])
    assert bundle.features.shape[0] == 240
    assert len(bundle.cluster_names) == 4 and bundle.tracks["cluster"].between(0, 3).all()
    assert bundle.tracks["moods"].map(len).min() >= 1
    for column in COORDINATE_COLUMNS:
        assert bundle.tracks[column].dtype == np.float32
        assert bundle.tracks[column].std() > 0
    assert bundle.listeners is not None and bundle.listeners.n_tracks == 240
    assert bundle.metrics["listeners"] == 12 and bundle.metrics["events"] == len(events)
    assert set(bundle.metrics["seconds"]) >= {
        "features",
        "clusters",
        "map_2d",
        "listeners",
        "total",
    }
    assert bundle.metrics["clusters"]["silhouette"] > 0
    assert bundle.params["embedding"] == "pca"
    assert any("Clustering" in m for m in messages)
    # Liked tracks rate above skipped ones in the feature matrix's rating column.
    rating = bundle.features[:, bundle.featurizer.block_columns("rating")][:, 0]
    liked = bundle.tracks["track_id"].isin(events.loc[events["kind"] == "like", "track_id"])
    skipped = bundle.tracks["track_id"].isin(events.loc[events["kind"] == "skip", "track_id"])
    assert rating[liked.to_numpy()].mean() > 0 > rating[(skipped & ~liked).to_numpy()].mean()
    # And it survives the disk.
    save_bundle(bundle, tmp_path)
    assert load_bundle(tmp_path).version == bundle.version


def test_training_without_events_or_playlists_still_works(make_catalogue):
    catalogue = make_catalogue(60)
    bundle = train_model(catalogue, None, TrainParams(embedding="pca"))
    validate_bundle(bundle)
    assert bundle.cooccurrence is None and bundle.metrics["listeners"] == 0
    assert len(bundle.cluster_names) >= 2  # k chosen automatically


def test_the_same_data_gives_the_same_hash_and_clusters(make_catalogue):
    catalogue = make_catalogue(120)
    events = listening(catalogue)
    first = train_model(catalogue, events, FAST)
    second = train_model(catalogue, events, FAST)
    assert first.data_hash == second.data_hash
    np.testing.assert_array_equal(first.tracks["cluster"], second.tracks["cluster"])
    changed = hash_training_data(catalogue, events.iloc[:-1], None)
    assert changed != first.data_hash


def test_cooccurrence_counts_shared_playlists_once_each():
    tracks = pd.Series(["t0", "t1", "t2", "t3", "t4"])
    playlists = pd.DataFrame(
        {
            "playlist_id": ["a", "a", "a", "b", "b", "b", "b"],
            "track_id": ["t0", "t1", "t2", "t0", "t1", "t3", "unknown"],
        }
    )
    matrix = playlist_cooccurrence(playlists, tracks)
    assert matrix.shape == (5, 5)
    assert matrix[0, 1] == 2 and matrix[1, 0] == 2
    assert matrix[0, 2] == 1 and matrix[2, 3] == 0
    assert matrix.diagonal().sum() == 0
    assert matrix[4].nnz == 0


def test_bad_inputs_are_refused_with_a_reason(make_catalogue):
    catalogue = make_catalogue(30)
    with pytest.raises(ValueError, match="missing columns"):
        train_model(catalogue, pd.DataFrame({"track_id": []}), FAST)
    with pytest.raises(ValueError, match="missing columns"):
        train_model(catalogue.drop(columns=["tempo"]), None, FAST)
