"""A web process serves the trained model without the training code: it never imports umap or
the trainer, so it cannot train on a request (and boots without their import cost)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from dashapp.services import model_registry
from db.session import database
from ml.training import TrainParams, train_model
from tests.shared_data import REPO_ROOT
from tests.unit.ml.synthetic_catalogue import build_catalogue

CHILD = textwrap.dedent(
    """
    import sys
    from app import create_app
    from dashapp.config import Config
    from dashapp.services import model_store

    server = create_app(Config.for_testing(sys.argv[1], sys.argv[2]))
    loaded = model_store.current()
    assert loaded is not None, "no model loaded"
    health = server.test_client().get("/healthz").get_json()
    assert health["model"] == loaded.version, health
    assert len(loaded.recommender.similar_tracks(loaded.bundle.tracks["track_id"][0], k=3)) == 3
    banned = [m for m in ("umap", "pynndescent", "numba", "ml.training", "ml.embedding",
                          "dashapp.services.training") if m in sys.modules]
    print("loaded", loaded.version, "banned", banned)
    """
)


def test_a_web_process_loads_and_serves_the_model_without_umap_or_the_trainer(sqlite_db, tmp_path):
    bundle = train_model(build_catalogue(80), None, TrainParams(embedding="pca", n_clusters=3))
    model_registry.publish(bundle, {}, {}, None)
    model_registry.activate(bundle.version, "test")
    url = database.engine.url.render_as_string(hide_password=False)
    child = subprocess.run(
        [sys.executable, "-c", CHILD, url, str(tmp_path / "web-cache")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    assert f"loaded {bundle.version} banned []" in child.stdout
