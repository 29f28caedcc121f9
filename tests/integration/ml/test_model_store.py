"""The served model comes from the registry: loaded at start, swapped when another version is
activated, kept when the new blob is corrupt or was written by other library versions."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from sqlalchemy import update

from dashapp.services import model_registry, model_store
from dashapp.services.model_store import LoadedModel, ModelStore
from db.models import ModelVersion
from db.queries import model_versions
from db.session import session_scope
from ml.training import TrainParams, train_model
from tests.unit.ml.synthetic_catalogue import build_catalogue


@pytest.fixture(scope="module")
def bundle():
    return train_model(build_catalogue(120), None, TrainParams(embedding="pca", n_clusters=4))


def publish(bundle, version: str, *, activate: bool = True) -> None:
    model_registry.publish(replace(bundle, version=version), {}, {}, None)
    if activate:
        model_registry.activate(version, "test")


def test_no_model_means_none_until_one_is_activated(app, bundle):
    assert model_store.current() is None  # create_app configured the store: nothing active

    publish(bundle, bundle.version, activate=False)
    assert model_store.current() is None  # a candidate does not serve
    model_registry.activate(bundle.version, "test")
    loaded = model_store.current()  # MODEL_RELOAD_SECONDS = 0 in tests: checked on each call
    assert loaded is not None and loaded.version == bundle.version
    assert loaded.bundle.n_tracks == 120 and loaded.created_at == bundle.created_at
    assert len(loaded.recommender.similar_tracks(bundle.tracks["track_id"][0], k=3)) == 3


def test_derived_data_is_built_once_per_served_version_and_goes_with_it(db, tmp_path, bundle):
    store = ModelStore()
    publish(bundle, "v1")
    store.configure(tmp_path / "cache", reload_seconds=0)
    builds: list[str] = []

    def count_tracks(loaded: LoadedModel) -> int:
        builds.append(loaded.version)
        return loaded.bundle.n_tracks

    v1 = store.current()
    assert v1.derived(count_tracks) == 120 and store.current().derived(count_tracks) == 120
    assert builds == ["v1"]  # every request after the first reads the memo
    assert v1.catalogue is store.current().catalogue
    assert v1.catalogue.loc[bundle.tracks["track_id"][5], "name"] == bundle.tracks["name"][5]

    publish(bundle, "v2")
    v2 = store.current()
    assert v2.derived(count_tracks) == 120 and builds == ["v1", "v2"]
    assert v2.catalogue is not v1.catalogue


def test_a_new_active_version_swaps_and_a_corrupt_or_foreign_one_is_refused(
    db, tmp_path, bundle, caplog
):
    store = ModelStore()
    publish(bundle, "v1")
    store.configure(tmp_path / "cache", reload_seconds=0)
    assert store.current().version == "v1"

    publish(bundle, "v2")
    assert store.current().version == "v2"

    publish(bundle, "v3")
    with session_scope() as session:  # one flipped byte: the sha256 no longer matches
        blob = bytearray(model_versions.artifact(session, "v3").artifact)
        blob[len(blob) // 2] ^= 0xFF
        session.execute(
            update(ModelVersion).where(ModelVersion.version == "v3").values(artifact=bytes(blob))
        )
    with caplog.at_level(logging.ERROR, logger="dashapp.services.model_store"):
        assert store.current().version == "v2"  # v3 refused, v2 keeps serving
    assert "v3 refused" in caplog.text and "corrupt" in caplog.text

    publish(bundle, "v4")
    with session_scope() as session:
        session.execute(
            update(ModelVersion)
            .where(ModelVersion.version == "v4")
            .values(libraries={"python": "3.11.0", "numpy": "0.1", "scipy": "0.1"})
        )
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="dashapp.services.model_store"):
        assert store.current().version == "v2"
    assert "other library versions" in caplog.text and "numpy 0.1" in caplog.text

    publish(bundle, "v5")
    assert store.current().version == "v5"


def test_requests_asking_at_once_build_derived_data_once(bundle):
    loaded = model_store.build_loaded_model(bundle)
    builds: list[int] = []
    started = threading.Barrier(4)

    def slow_index(model: LoadedModel) -> int:
        builds.append(1)
        time.sleep(0.2)  # long enough for every other request to arrive meanwhile
        return model.bundle.n_tracks

    def request() -> int:
        started.wait()
        return loaded.derived(slow_index)

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: request(), range(4)))
    assert results == [120] * 4 and len(builds) == 1


def test_the_cache_is_used_only_when_its_bytes_match_the_recorded_sha256(db, tmp_path, bundle):
    cache = tmp_path / "cache"
    publish(bundle, "v1")
    info = model_registry.active_version()
    assert info is not None and info.sha256 is not None
    assert model_registry.load("v1", cache).version == "v1"
    cached = cache / f"{info.sha256}.joblib"
    assert cached.read_bytes()  # written on first load

    cached.write_bytes(b"not a pickle anyone made")  # a tampered cache file is never unpickled
    assert model_registry.load("v1", cache).version == "v1"
    assert cached.read_bytes() != b"not a pickle anyone made"  # refreshed from the database


def test_the_background_watcher_swaps_without_any_request_waiting(db, tmp_path, bundle):
    store = ModelStore()
    publish(bundle, "v1")
    store.configure(tmp_path, reload_seconds=0.05)
    try:
        held = store.current()
        assert held.version == "v1"
        publish(bundle, "v2")
        deadline = time.monotonic() + 60  # generous: the CI box may be busy
        while store.current().version != "v2" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert store.current().version == "v2"
        assert held.version == "v1"  # a request holding the old model keeps a consistent one
    finally:
        store.stop()


def test_the_cache_keeps_only_the_newest_blobs(db, tmp_path, bundle):
    cache = tmp_path / "cache"
    for version in ("v1", "v2", "v3", "v4", "v5"):
        model_registry.publish(replace(bundle, version=version), {}, {}, cache)
        time.sleep(0.01)  # distinct modification times
    assert len(list(cache.glob("*.joblib"))) == model_registry.CACHE_KEEP
    newest = model_registry.versions(1)[0]
    assert (cache / f"{newest.sha256}.joblib").exists()
