"""The served model: loaded at start, swapped when a newer one is saved, kept when one is broken."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest

from dashapp.services import model_store
from dashapp.services.model_store import ModelStore
from ml.artifact import save_bundle
from ml.training import TrainParams, train_model
from tests.unit.ml.conftest import build_catalogue


@pytest.fixture(scope="module")
def bundle():
    return train_model(build_catalogue(120), None, TrainParams(embedding="pca", n_clusters=4))


def test_no_model_means_none_until_one_is_saved(app, bundle):
    model_store.init_app(app)
    assert model_store.current() is None

    save_bundle(bundle, app.config["MODEL_DIR"])
    loaded = model_store.current()  # MODEL_RELOAD_SECONDS = 0 in tests: checked on each call
    assert loaded is not None and loaded.version == bundle.version
    assert loaded.bundle.n_tracks == 120 and loaded.created_at == bundle.created_at
    assert len(loaded.recommender.similar_tracks(bundle.tracks["track_id"][0], k=3)) == 3
    assert app.extensions["model_store"] is model_store.store


def test_a_newer_model_replaces_the_served_one_and_a_broken_one_does_not(tmp_path, bundle):
    store = ModelStore()
    save_bundle(replace(bundle, version="v1"), tmp_path)
    store.configure(tmp_path, reload_seconds=0)
    first = store.current()
    assert first is not None and first.version == "v1"

    save_bundle(replace(bundle, version="v2"), tmp_path)
    assert store.current().version == "v2"

    save_bundle(replace(bundle, version="v3"), tmp_path)
    meta = tmp_path / "v3.json"
    meta.write_text(json.dumps(json.loads(meta.read_text()) | {"format_version": 999}))
    assert store.current().version == "v2"  # v3 is refused and v2 keeps serving


def test_the_background_watcher_swaps_without_any_request_waiting(tmp_path, bundle):
    store = ModelStore()
    save_bundle(replace(bundle, version="v1"), tmp_path)
    store.configure(tmp_path, reload_seconds=0.05)
    try:
        held = store.current()
        assert held.version == "v1"
        save_bundle(replace(bundle, version="v2"), tmp_path)
        deadline = time.monotonic() + 60  # generous: the CI box may be busy
        while store.current().version != "v2" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert store.current().version == "v2"
        assert held.version == "v1"  # a request holding the old model keeps a consistent one
    finally:
        store.stop()
