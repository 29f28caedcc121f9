"""The JSON API: same services as Home, the user from the session, clear 400s (problem details)."""

from __future__ import annotations

import pytest

from dashapp.services import feedback


def test_recommendations_as_json(logged_in, fake_model):
    client, _ = logged_in
    response = client.get("/api/v1/recommendations?k=3")
    assert response.status_code == 200
    body = response.json
    assert body["status"] == "ok" and body["model_version"] == "test-v1"
    assert [item["track_id"] for item in body["items"]] == ["trk00", "trk01", "trk02"]
    assert body["items"][0]["reasons"] and body["items"][0]["cluster_name"] == "Bright pop"


def test_no_model_is_a_503_with_a_message(logged_in, no_model):
    client, _ = logged_in
    response = client.get("/api/v1/recommendations")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.json["reason"] == "no_model"
    assert "No recommendation model" in response.json["detail"]


@pytest.mark.parametrize(
    "query", ["k=0", "k=abc", "k=500", "adventurousness=2", "adventurousness=x"]
)
def test_bad_recommendation_parameters_are_400(logged_in, fake_model, query):
    client, _ = logged_in
    response = client.get(f"/api/v1/recommendations?{query}")
    assert response.status_code == 400
    assert response.json["detail"] and response.json["errors"]


def test_feedback_changes_the_next_recommendations(logged_in, fake_model):
    client, _ = logged_in
    response = client.post("/api/v1/feedback", json={"track_id": "trk00", "kind": "ban_artist"})
    assert response.status_code == 201
    assert response.json["recorded"] == "ban_artist"
    items = client.get("/api/v1/recommendations?k=100").json["items"]
    assert items and all(item["artist_name"] != "Artist 0" for item in items)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"json": ["trk00"]}, "JSON object"),
        ({"json": {"track_id": "trk00"}}, "kind: Field required"),
        ({"json": {"track_id": "trk00", "kind": "love"}}, "kind: Input should be"),
        ({"json": {"track_id": "missing", "kind": "like"}}, "no track"),
    ],
)
def test_bad_feedback_is_400_with_a_message(logged_in, kwargs, message):
    client, _ = logged_in
    response = client.post("/api/v1/feedback", **kwargs)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert message in response.json["detail"]


def test_a_form_body_is_415(logged_in):
    client, _ = logged_in
    response = client.post("/api/v1/feedback", data="track_id=trk00&kind=like")
    assert response.status_code == 415
    assert "Content-Type: application/json" in response.json["detail"]


def test_bans_list_add_and_delete_only_the_users_own(logged_in, catalogue):
    client, _ = logged_in
    assert (
        client.post("/api/v1/bans", json={"artist_id": catalogue.artist_ids[2]}).status_code == 201
    )
    response = client.post("/api/v1/bans", json={"track_id": "trk00"})
    assert response.status_code == 201
    assert {ban["label"] for ban in response.json["items"]} == {"Artist 2", "Song 0-0 — Artist 0"}

    from tests.integration.dashapp.builders import add_user

    other = add_user("eve@example.com")
    feedback.ban_track(other, "trk10")
    their_ban = feedback.list_bans(other)[0].id
    assert client.delete(f"/api/v1/bans/{their_ban}").status_code == 404
    assert len(feedback.list_bans(other)) == 1

    mine = client.get("/api/v1/bans").json["items"]
    assert client.delete(f"/api/v1/bans/{mine[0]['id']}").status_code == 204
    assert client.get("/api/v1/bans").json["total"] == 1


@pytest.mark.parametrize(
    "body", [{}, {"track_id": "trk00", "artist_id": 1}, {"artist_id": "1"}, {"artist_id": 99999}]
)
def test_bad_bans_are_400(logged_in, body):
    client, _ = logged_in
    assert client.post("/api/v1/bans", json=body).status_code == 400


def test_the_api_needs_a_session(client):
    assert client.get("/api/v1/bans").status_code == 401
    assert (
        client.post("/api/v1/feedback", json={"track_id": "x", "kind": "like"}).status_code == 401
    )
