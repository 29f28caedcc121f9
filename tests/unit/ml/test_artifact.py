"""ml/artifact.py: bundles round-trip, LATEST moves atomically, broken bundles are refused."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from ml import artifact
from ml.artifact import (
    FORMAT_VERSION,
    IncompatibleModelError,
    ModelBundle,
    latest_version,
    load_bundle,
    new_version,
    prune_versions,
    save_bundle,
)
from ml.features import TrackFeaturizer
from ml.library_versions import library_versions
from tests.unit.ml.synthetic_catalogue import build_catalogue


def small_bundle(n_tracks: int = 40, version: str | None = None, seed: int = 0) -> ModelBundle:
    catalogue = build_catalogue(n_tracks, seed=seed)
    featurizer = TrackFeaturizer().fit(catalogue)
    features = featurizer.transform(catalogue)
    labels = np.arange(n_tracks) % 3
    centroids = np.stack([features[labels == c].mean(axis=0) for c in range(3)])
    tracks = catalogue.copy()
    tracks["cluster"] = labels
    tracks["moods"] = [("happy",)] * n_tracks
    for column in artifact.COORDINATE_COLUMNS:
        tracks[column] = np.arange(n_tracks, dtype=np.float32)
    created = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)
    return ModelBundle(
        format_version=FORMAT_VERSION,
        version=version or new_version(created, f"hash{seed}"),
        created_at=created,
        tracks=tracks,
        featurizer=featurizer,
        features=features,
        cluster_names=["A", "B", "C"],
        cluster_centroids=centroids,
        cooccurrence=sparse.identity(n_tracks, format="csr", dtype=np.float32),
        metrics={"silhouette": np.float64(0.25)},
        params={"k": 3},
        data_hash=f"hash{seed}",
        interactions_until_id=7,
    )


def test_round_trip_keeps_every_field_and_points_latest_at_it(tmp_path):
    bundle = small_bundle()
    path = save_bundle(bundle, tmp_path)

    assert path.exists()
    assert latest_version(tmp_path) == bundle.version
    loaded = load_bundle(tmp_path)
    assert loaded.version == bundle.version
    assert loaded.created_at == bundle.created_at
    pd.testing.assert_frame_equal(loaded.tracks, bundle.tracks)
    np.testing.assert_array_equal(loaded.features, bundle.features)
    np.testing.assert_array_equal(loaded.cluster_centroids, bundle.cluster_centroids)
    assert (loaded.cooccurrence != bundle.cooccurrence).nnz == 0
    assert loaded.cluster_names == ["A", "B", "C"]
    assert loaded.interactions_until_id == 7
    # The loaded featurizer still transforms new rows the same way.
    np.testing.assert_allclose(loaded.featurizer.transform(bundle.tracks), bundle.features)
    meta = json.loads((tmp_path / f"{bundle.version}.json").read_text())
    assert meta["track_count"] == 40 and meta["metrics"]["silhouette"] == 0.25


def test_latest_moves_to_the_newest_save_and_old_versions_stay_loadable(tmp_path):
    first = small_bundle(version="v1")
    second = small_bundle(n_tracks=30, version="v2", seed=1)
    save_bundle(first, tmp_path)
    save_bundle(second, tmp_path)

    assert latest_version(tmp_path) == "v2"
    assert load_bundle(tmp_path).n_tracks == 30
    assert load_bundle(tmp_path, "v1").n_tracks == 40
    assert not list(tmp_path.glob("*.tmp")), "temporary files must not be left behind"


def test_missing_model_raises_file_not_found(tmp_path):
    assert latest_version(tmp_path) is None
    with pytest.raises(FileNotFoundError):
        load_bundle(tmp_path)
    with pytest.raises(FileNotFoundError):
        load_bundle(tmp_path, "nope")


def test_a_bundle_from_another_format_version_is_refused_before_unpickling(tmp_path):
    bundle = small_bundle(version="v1")
    save_bundle(bundle, tmp_path)
    meta_path = tmp_path / "v1.json"
    meta = json.loads(meta_path.read_text())
    meta["format_version"] = FORMAT_VERSION + 1
    meta_path.write_text(json.dumps(meta))
    # Corrupt the pickle too: the refusal must come from the metadata, not from unpickling.
    (tmp_path / "v1.joblib").write_bytes(b"not a pickle")

    with pytest.raises(IncompatibleModelError, match="format version"):
        load_bundle(tmp_path)


def test_a_corrupt_bundle_file_is_refused_with_a_clear_error(tmp_path):
    save_bundle(small_bundle(version="v1"), tmp_path)
    (tmp_path / "v1.joblib").write_bytes(b"garbage")
    with pytest.raises(IncompatibleModelError, match="could not be unpickled"):
        load_bundle(tmp_path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: replace(b, features=b.features[:-1]), "rows"),
        (lambda b: replace(b, features=b.features.astype(np.float64)), "float32"),
        (lambda b: replace(b, cluster_names=["A", "B"]), "centroids"),
        (lambda b: replace(b, tracks=b.tracks.drop(columns=["x2"])), "missing columns"),
        (lambda b: replace(b, cooccurrence=sparse.identity(3, format="csr")), "cooccurrence"),
        (lambda b: replace(b, version="../escape"), "file name"),
        (lambda b: replace(b, created_at=datetime(2026, 1, 1)), "time zone"),
    ],
)
def test_misaligned_bundles_are_refused_on_save(tmp_path, change, message):
    with pytest.raises(IncompatibleModelError, match=message):
        save_bundle(change(small_bundle()), tmp_path)
    assert latest_version(tmp_path) is None


def test_a_failed_write_leaves_latest_on_the_previous_model(tmp_path, monkeypatch):
    save_bundle(small_bundle(version="v1"), tmp_path)

    def explode(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(artifact.joblib, "dump", explode)
    with pytest.raises(OSError, match="disk full"):
        save_bundle(small_bundle(version="v2"), tmp_path)
    assert latest_version(tmp_path) == "v1"
    assert not (tmp_path / "v2.joblib").exists()
    assert not list(tmp_path.glob("*.tmp"))


def test_prune_keeps_the_newest_and_the_latest(tmp_path):
    for version in ("v1", "v2", "v3", "v4"):
        save_bundle(
            small_bundle(n_tracks=12, version=version), tmp_path, update_latest=version == "v1"
        )
    removed = prune_versions(tmp_path, keep=2)
    assert removed == ["v2"]
    assert artifact.available_versions(tmp_path) == ["v1", "v3", "v4"]


def test_new_version_sorts_by_time_and_is_file_name_safe():
    early = new_version(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "ab/cd:ef0123456")
    late = new_version(datetime(2026, 1, 2, 3, 4, 6, tzinfo=UTC), "00")
    assert early == "20260102T030405Z-abcdef01"
    assert early < late


def test_joblib_bytes_carry_the_track_table_pre_pickled_and_older_bundles_still_load(monkeypatch):
    bundle = small_bundle(n_tracks=30, version="v1")
    assert isinstance(bundle.__getstate__()["tracks"], bytes)  # one field for joblib to copy
    data = artifact.bundle_to_bytes(bundle)
    loaded = artifact.bundle_from_bytes(
        data, sha256=artifact.sha256_hex(data), version="v1", libraries=library_versions()
    )
    pd.testing.assert_frame_equal(loaded.tracks, bundle.tracks)
    assert type(loaded.listeners) is type(bundle.listeners)

    # A bundle written before the fields were pre-pickled holds the objects themselves.
    monkeypatch.setattr(artifact, "_PREPICKLED_FIELDS", ())
    older = artifact.bundle_to_bytes(bundle)
    monkeypatch.undo()
    loaded_older = artifact.bundle_from_bytes(
        older,
        sha256=artifact.sha256_hex(older),
        version="v1",
        libraries=library_versions(),
    )
    pd.testing.assert_frame_equal(loaded_older.tracks, bundle.tracks)


def test_a_shallow_copy_shares_the_track_table():
    bundle = small_bundle(n_tracks=12)
    assert copy.copy(bundle).tracks is bundle.tracks
