"""The navbar's model status follows the served model without a page reload."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from dashapp.services import model_store
from db.models import Interaction, ModelVersion
from db.session import session_scope


def freshness_poll(client, ticks: int = 1):
    """The request the browser's interval sends to Dash."""
    return client.post(
        "/_dash-update-component",
        json={
            "output": "..freshness.children...freshness.title..",
            "outputs": [
                {"id": "freshness", "property": "children"},
                {"id": "freshness", "property": "title"},
            ],
            "inputs": [{"id": "freshness-poll", "property": "n_intervals", "value": ticks}],
            "state": [],
            "changedPropIds": ["freshness-poll.n_intervals"],
        },
    )


def record_run(version: str, until_id: int, age: timedelta) -> None:
    with session_scope() as session:
        session.add(
            ModelVersion(
                version=version,
                created_at=datetime.now(UTC) - age,
                artifact_path=f"{version}.joblib",
                data_hash="0" * 16,
                track_count=24,
                interactions_until_id=until_id,
            )
        )


def test_the_page_polls_the_model_status_about_as_often_as_models_are_reloaded(
    logged_in, fake_model
):
    client, _ = logged_in
    layout = client.get("/_dash-layout").get_data(as_text=True).replace(" ", "")
    # The test config reloads models on every call (0 s): the poll stays at its 5 s floor.
    assert '"interval":5000' in layout and '"id":"freshness-poll"' in layout


def test_the_poll_shows_a_newly_served_model_and_the_feedback_since(
    logged_in, fake_model, catalogue, monkeypatch
):
    client, user_id = logged_in
    record_run("test-v1", until_id=0, age=timedelta(hours=2))
    with session_scope() as session:
        for track_id in catalogue.tracks["track_id"][:3]:
            session.add(Interaction(user_id=user_id, track_id=track_id, kind="like"))

    before = freshness_poll(client)
    assert before.status_code == 200, before.data
    body = before.get_json()["response"]["freshness"]
    assert body == {
        "children": "model trained 2 h ago · 3 new feedback events since",
        "title": "model test-v1",
    }

    # The worker trains test-v2 on those events and this process swaps it in.
    with session_scope() as session:
        newest = session.query(Interaction.id).order_by(Interaction.id.desc()).first()[0]
    record_run("test-v2", until_id=newest, age=timedelta(seconds=5))
    newer = replace(fake_model, version="test-v2")
    monkeypatch.setattr(model_store, "current", lambda: newer)

    after = freshness_poll(client, ticks=2).get_json()["response"]["freshness"]
    assert after == {
        "children": "model trained just now · 0 new feedback events since",
        "title": "model test-v2",
    }


def test_the_poll_needs_a_session(app, catalogue):
    response = freshness_poll(app.test_client())
    assert response.status_code in (401, 403)


def _find(node, component_id: str):
    """The component with ``component_id`` in a Dash layout as JSON, or None."""
    if isinstance(node, dict):
        props = node.get("props", {})
        if props.get("id") == component_id:
            return node
        children = props.get("children")
        return _find(children, component_id) if children is not None else None
    if isinstance(node, list):
        for child in node:
            found = _find(child, component_id)
            if found is not None:
                return found
    return None


def test_the_phone_navbar_starts_collapsed_behind_a_toggler(logged_in, fake_model):
    client, _ = logged_in
    layout = client.get("/_dash-layout").get_json()
    navbar = _find(layout, "navbar-collapse")
    assert navbar is not None and navbar["props"]["is_open"] is False
    assert _find(layout, "navbar-toggler")["type"] == "NavbarToggler"
    assert _find(layout, "nav-home") is not None  # the links are inside the collapse
    dependencies = client.get("/_dash-dependencies").get_json()
    outputs = {d["output"]: d for d in dependencies}
    toggle = outputs["navbar-collapse.is_open"]
    assert toggle.get("clientside_function")
    assert {i["id"] for i in toggle["inputs"]} == {"navbar-toggler", "_pages_location"}
    # The model-status poll is still wired beside it.
    assert "..freshness.children...freshness.title.." in outputs
