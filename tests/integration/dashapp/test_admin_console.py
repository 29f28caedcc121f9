"""The Admin page as an operator console: versions and their gate scores, the stored diff,
"retrain now" queued for the worker, rollback, accounts; every action refused to non-admins."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from dashapp.services import accounts, model_registry
from db.models import TrainingRun
from db.session import session_scope
from ml.training import TrainParams, train_model
from tests.integration.dashapp.test_pages import as_user, dash_update, rendered_json
from tests.unit.ml.synthetic_catalogue import build_catalogue


@pytest.fixture(scope="module")
def bundle():
    return train_model(build_catalogue(60), None, TrainParams(embedding="pca", n_clusters=3))


@pytest.fixture
def two_versions(app, bundle):
    """v1 then v2 active; v2's gate compared it with v1 and stored a diff."""
    for version in ("v1", "v2"):
        model_registry.publish(replace(bundle, version=version), {}, {}, None)
        model_registry.activate(version, "test")
    gate = {
        "metric": "ndcg@10",
        "scores": {"candidate": {"ndcg@10": 0.31}, "popularity": {"ndcg@10": 0.05}},
        "holdout_listeners": 7,
    }
    diff = {
        "compared_to": "v1",
        "common_tracks": 60,
        "tracks_moved": 12,
        "clusters_moved": [{"cluster": "Calm acoustic", "kept": 0.5, "now_mostly_in": "Quiet"}],
        "clusters_moved_count": 1,
        "listeners": 9,
        "top10_changed": 4,
        "mean_top10_overlap": 0.7,
    }
    model_registry.record_gate("v2", gate, diff, True, "better than v1")
    return ["v1", "v2"]


def retrain_click(client):
    return dash_update(
        client,
        "admin-retrain-status.children",
        [{"id": "admin-retrain", "property": "n_clicks", "value": 1}],
    )


def rollback_click(client, version):
    return dash_update(
        client,
        "admin-rollback-status.children",
        [{"id": "admin-rollback", "property": "n_clicks", "value": 1}],
        [{"id": "admin-rollback-version", "property": "value", "value": version}],
    )


def queued_runs() -> int:
    with session_scope() as session:
        return len(session.scalars(select(TrainingRun)).all())


def test_non_admins_cannot_retrain_or_roll_back_through_the_callbacks(logged_in, two_versions):
    client, _ = logged_in
    assert b"Only administrators" in retrain_click(client).data
    assert b"Only administrators" in rollback_click(client, "v1").data
    assert queued_runs() == 0
    assert model_registry.active_version().version == "v2"


def test_an_admin_queues_one_retrain_and_rolls_back(logged_in, two_versions):
    client, _ = logged_in
    accounts.set_admin("ada@example.com")
    first = retrain_click(client)
    assert first.status_code == 200 and b"Retrain queued" in first.data
    assert b"already waiting" in retrain_click(client).data
    assert queued_runs() == 1  # the worker trains; the web process only wrote a request

    runs = dash_update(
        client,
        "admin-runs.children",
        [
            {"id": "admin-runs-tick", "property": "n_intervals", "value": 1},
            {"id": "admin-retrain-status", "property": "children", "value": None},
        ],
    )
    assert b"queued" in runs.data

    rolled = rollback_click(client, None)
    assert b"v1 is active" in rolled.data
    assert model_registry.active_version().version == "v1"
    assert b"already active" in rollback_click(client, "v1").data


def test_the_console_shows_versions_chart_diff_and_accounts(app, logged_in, two_versions):
    from dashapp.pages import admin

    _, user_id = logged_in
    accounts.set_admin("ada@example.com")
    context = as_user(app, user_id)
    try:
        page = rendered_json(admin.layout())
        diff = rendered_json(admin.show_diff("v2", "v1"))
        unrelated = rendered_json(admin.show_diff("v1", "v1"))
    finally:
        context.pop()
    assert "admin-versions-chart" in page and "0.310" in page and "better than v1" in page
    assert "ada@example.com" in page and "Retrain now" in page
    assert "12 of 60 tracks changed cluster" in diff
    assert "top-10 changed for 4 of 9 listeners" in diff and "Calm acoustic" in diff
    assert "Pick two different versions" in unrelated
