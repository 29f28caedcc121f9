"""The registry's rules: one active version, rollback, the gated retrain on the demo listeners'
feedback, the retrain lock, the Admin page's queued request, and `users make-admin`."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from dashapp.services import model_registry, training
from dashapp.services.retraining import RetrainPolicy
from db.models import Interaction, ModelVersion, Track, TrainingRun
from db.session import session_scope
from ml.gate import GateDecision
from ml.training import TrainParams, train_model
from music.schema import InteractionKind
from tests.shared_data import SHARED_DATA, require_shared_data
from tests.unit.ml.synthetic_catalogue import build_catalogue

FAST = TrainParams(embedding="pca", n_clusters=6)


@pytest.fixture(scope="module")
def bundle():
    return train_model(build_catalogue(80), None, TrainParams(embedding="pca", n_clusters=3))


def publish(bundle, version: str) -> None:
    model_registry.publish(replace(bundle, version=version), {}, {}, None)
    model_registry.activate(version, "test")


def statuses() -> dict[str, str]:
    with session_scope() as session:
        return dict(session.execute(select(ModelVersion.version, ModelVersion.status)).all())


def test_exactly_one_version_is_active_and_the_database_enforces_it(db, bundle):
    publish(bundle, "v1")
    publish(bundle, "v2")
    assert statuses() == {"v1": "retired", "v2": "active"}
    with pytest.raises(IntegrityError), session_scope() as session:
        session.execute(
            update(ModelVersion).where(ModelVersion.version == "v1").values(status="active")
        )
    assert statuses() == {"v1": "retired", "v2": "active"}  # the failed write left nothing


def test_rollback_restores_the_previous_version_or_a_named_one(db, bundle):
    for version in ("v1", "v2", "v3"):
        publish(bundle, version)
    assert model_registry.rollback().version == "v2"
    assert statuses() == {"v1": "retired", "v2": "active", "v3": "retired"}
    assert model_registry.rollback("v3").version == "v3"
    assert model_registry.active_version().status_reason == "rollback from v2"
    with pytest.raises(model_registry.RegistryError, match="already active"):
        model_registry.rollback("v3")
    with pytest.raises(model_registry.RegistryError, match="no model version"):
        model_registry.rollback("nope")


def test_retrain_on_the_demo_listeners_feedback_gates_and_ml_versions_shows_why(demo_app):
    runner = demo_app.test_cli_runner()
    first = runner.invoke(args=["ml", "retrain", "--embedding", "pca", "--clusters", "6"])
    assert first.exit_code == 0, first.output
    assert "Holding out the latest feedback of" in first.output
    assert "activated: ndcg@10" in first.output  # no active model yet: compared to the baseline
    first_version = model_registry.active_version().version

    like_unheard_tracks(n=8)  # newer than the active model: the fair ground to compare it on
    second = runner.invoke(args=["ml", "retrain", "--embedding", "pca", "--clusters", "6"])
    assert second.exit_code == 0, second.output
    newest = model_registry.versions(1)[0]
    assert newest.version != first_version
    assert newest.gate["compared_to"] == first_version
    assert newest.gate["holdout_listeners"] > 0
    assert set(newest.gate["scores"]) == {"candidate", "popularity", "unseen"}
    assert newest.gate["scores"]["unseen"]["active"]["listeners"] == 1
    assert newest.status in ("active", "rejected")
    assert newest.status_reason and newest.status_reason in second.output
    assert newest.diff["listeners"] > 0 and "top10_changed" in newest.diff

    listing = runner.invoke(args=["ml", "versions"])
    assert listing.exit_code == 0
    assert newest.version in listing.output and "ndcg@10: candidate" in listing.output
    assert "newer feedback: candidate" in listing.output and "top-10 changed for" in listing.output


def test_a_rejected_candidate_is_kept_with_its_reason_and_the_active_one_serves(
    demo_app, monkeypatch
):
    runner = demo_app.test_cli_runner()
    assert (
        runner.invoke(args=["ml", "train", "--embedding", "pca", "--clusters", "6"]).exit_code == 0
    )
    serving = model_registry.active_version().version
    monkeypatch.setattr(
        training, "decide", lambda *args: GateDecision(False, "worse, forced by the test")
    )
    result = runner.invoke(args=["ml", "retrain", "--embedding", "pca", "--clusters", "6"])
    assert result.exit_code == 0 and "rejected: worse, forced by the test" in result.output
    assert model_registry.active_version().version == serving
    rejected = model_registry.versions(1)[0]
    assert rejected.status == "rejected" and rejected.status_reason == "worse, forced by the test"
    with session_scope() as session:
        run = session.scalars(select(TrainingRun)).one()
        assert run.outcome == "rejected" and run.version == rejected.version


def like_unheard_tracks(n: int) -> None:
    """One demo listener likes ``n`` tracks they had not heard, now."""
    with session_scope() as session:
        user_id = session.scalar(select(Interaction.user_id))
        heard = set(
            session.scalars(select(Interaction.track_id).where(Interaction.user_id == user_id))
        )
        fresh = [t for t in session.scalars(select(Track.id).order_by(Track.id)) if t not in heard]
        for track_id in fresh[:n]:
            session.add(Interaction(user_id=user_id, track_id=track_id, kind=InteractionKind.LIKE))


def add_feedback(n: int) -> None:
    with session_scope() as session:
        user_id, track_id = session.execute(
            select(Interaction.user_id, Interaction.track_id)
        ).first()
        for _ in range(n):
            session.add(Interaction(user_id=user_id, track_id=track_id, kind=InteractionKind.PLAY))


def test_two_concurrent_retrains_train_once(demo_db, tmp_path):
    training.train_from_database(tmp_path, params=FAST)
    add_feedback(3)
    before = len(model_registry.versions())
    start = threading.Barrier(2)
    outcomes: list[training.RetrainOutcome] = []

    def run() -> None:
        start.wait()
        outcomes.append(training.retrain(tmp_path, policy=RetrainPolicy(3, 0), params=FAST))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert sorted(o.trained for o in outcomes) == [False, True]
    skipped = next(o for o in outcomes if not o.trained)
    assert "another retrain is running" in skipped.reason or "not due" in skipped.reason
    assert len(model_registry.versions()) == before + 1


def test_retrain_now_is_queued_once_and_the_worker_runs_it_with_progress(demo_app):
    runner = demo_app.test_cli_runner()
    assert (
        runner.invoke(args=["ml", "train", "--embedding", "pca", "--clusters", "6"]).exit_code == 0
    )
    assert model_registry.queue_retrain(None) is True
    assert model_registry.queue_retrain(None) is False  # one request waits at a time

    # Nothing new since the model: only the queued request makes the worker train.
    watch = runner.invoke(
        args=["ml", "watch", "--once", "--threshold", "1000", "--embedding", "pca"]
    )
    assert watch.exit_code == 0 and "Retraining: asked for" in watch.output
    with session_scope() as session:
        run = session.scalars(select(TrainingRun)).one()
        assert run.status == "done" and run.trigger == "admin"
        assert run.outcome in ("activated", "rejected") and run.version
        assert run.progress and run.finished_at is not None


def test_users_make_admin(runner):
    from dashapp.services import accounts

    accounts.register("ops@example.com", "a long operator password")
    result = runner.invoke(args=["users", "make-admin", "OPS@example.com"])
    assert result.exit_code == 0 and "ops@example.com is an administrator" in result.output
    assert accounts.authenticate("ops@example.com", "a long operator password").is_admin
    missing = runner.invoke(args=["users", "make-admin", "nobody@example.com"])
    assert missing.exit_code != 0 and "No account" in missing.output


def test_retrain_with_data_adds_the_fixed_real_playlist_check(demo_app):
    data = require_shared_data(SHARED_DATA)
    runner = demo_app.test_cli_runner()
    args = ["ml", "retrain", "--embedding", "pca", "--clusters", "6", "--data", str(data)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Real-data check:" in result.output
    real = model_registry.versions(1)[0].gate["scores"]["real_data"]
    # The demo catalogue shares no track with the real playlists: the check is empty, not faked.
    assert real["playlists"] == 0 and real["candidate"] == {}
    missing = runner.invoke(args=[*args[:-1], str(data / "nowhere")])
    assert missing.exit_code != 0 and "real-data check needs" in missing.output


def test_retrain_on_an_empty_catalogue_says_what_to_do_and_records_the_failure(runner):
    result = runner.invoke(args=["ml", "retrain", "--embedding", "pca"])
    assert result.exit_code != 0 and "catalogue is empty" in result.output
    with session_scope() as session:
        run = session.scalars(select(TrainingRun)).one()
        assert run.status == "failed" and "catalogue is empty" in run.message
