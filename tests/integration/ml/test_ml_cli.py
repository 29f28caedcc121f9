"""`flask ml train`, `ml status` and `ml watch --once` against a small demo database."""

from __future__ import annotations

from dashapp.services import model_registry
from db.models import Interaction
from db.session import session_scope
from music.schema import InteractionKind


def test_train_then_status_then_watch(demo_app):
    runner = demo_app.test_cli_runner()
    model_dir = demo_app.config["MODEL_DIR"]

    status = runner.invoke(args=["ml", "status"])
    assert status.exit_code == 0 and "none active yet" in status.output

    result = runner.invoke(
        args=["ml", "train", "--sample", "150", "--embedding", "pca", "--clusters", "6"]
    )
    assert result.exit_code == 0, result.output
    assert "Clustering" in result.output and "Trained model" in result.output
    version = model_registry.active_version().version
    assert model_registry.load(version, model_dir).n_tracks == 150

    status = runner.invoke(args=["ml", "status"])
    assert version in status.output and "New feedback events since that run: 0" in status.output

    # Fresh model, no new feedback: the worker has nothing to do.
    watch = runner.invoke(args=["ml", "watch", "--once", "--threshold", "2"])
    assert watch.exit_code == 0 and "Retraining" not in watch.output

    track_id = model_registry.load(version, model_dir).tracks["track_id"][0]
    with session_scope() as session:
        user_id = session.query(Interaction.user_id).first()[0]
        for _ in range(2):
            session.add(Interaction(user_id=user_id, track_id=track_id, kind=InteractionKind.LIKE))
    status = runner.invoke(args=["ml", "status"])
    assert "New feedback events since that run: 2" in status.output

    # Enough events, but the last training is seconds old: a one-hour minimum holds the retrain.
    held = ["ml", "watch", "--once", "--threshold", "2", "--min-minutes", "60"]
    watch = runner.invoke(args=[*held, "--embedding", "pca"])
    assert watch.exit_code == 0 and "Retraining" not in watch.output, watch.output
    assert model_registry.active_version().version == version

    watch = runner.invoke(args=["ml", "watch", "--once", "--threshold", "2", "--embedding", "pca"])
    assert watch.exit_code == 0 and "Retraining: 2 new feedback events" in watch.output
    newest = model_registry.versions(1)[0]
    assert newest.version != version and newest.status in ("active", "rejected")
    assert newest.gate["scores"]["candidate"]  # the worker's retrain went through the gate
    assert newest.track_count == 300  # the worker trains on the whole catalogue


def test_train_on_an_empty_catalogue_says_what_to_do(app):
    result = app.test_cli_runner().invoke(args=["ml", "train", "--embedding", "pca"])
    assert result.exit_code != 0
    assert "catalogue is empty" in result.output
