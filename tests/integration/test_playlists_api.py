"""The playlists JSON API: auth, CRUD, generation, edits, export and owner isolation."""

from __future__ import annotations

import pytest

from dashapp.services import accounts, playlists
from tests.integration.playlist_catalogue import playlist_model, seed_playlist_catalogue

PASSWORD = "correct horse battery"
TRACKS = ["t0000", "t0001", "t0002", "t0003"]


@pytest.fixture
def logged_in(app, client, monkeypatch):
    seed_playlist_catalogue()
    monkeypatch.setattr(playlists.generation, "loaded_model", playlist_model)
    accounts.register("ana@example.com", PASSWORD, "Ana")
    client.post("/login", data={"email": "ana@example.com", "password": PASSWORD})
    return client


def create(client, name="Mix", track_ids=TRACKS):
    response = client.post("/api/v1/playlists", json={"name": name, "track_ids": track_ids})
    assert response.status_code == 201, response.json
    return response.json


def test_without_a_session_every_route_is_401(client):
    for method, url in [
        ("get", "/api/v1/playlists"),
        ("post", "/api/v1/playlists"),
        ("get", "/api/v1/playlists/1"),
        ("patch", "/api/v1/playlists/1"),
        ("delete", "/api/v1/playlists/1"),
        ("post", "/api/v1/playlists/generate"),
        ("get", "/api/v1/playlists/1/export?format=csv"),
    ]:
        assert getattr(client, method)(url).status_code == 401, url


def test_create_list_get_patch_delete(logged_in):
    client = logged_in
    made = create(client)
    assert [i["track_id"] for i in made["items"]] == TRACKS
    listed = client.get("/api/v1/playlists").json
    assert [p["id"] for p in listed["items"]] == [made["id"]] and listed["total"] == 1
    url = f"/api/v1/playlists/{made['id']}"
    patched = client.patch(url, json={"name": "Renamed", "order": TRACKS[::-1]}).json
    assert patched["name"] == "Renamed"
    assert [i["track_id"] for i in patched["items"]] == TRACKS[::-1]
    locked = client.patch(url, json={"edit": {"operation": "lock", "position": 0, "locked": True}})
    assert locked.json["items"][0]["locked"] is True
    assert client.get(url).json["items"][0]["track_id"] == "t0003"
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_another_users_playlist_is_404_everywhere(logged_in):
    client = logged_in
    theirs = create(client)["id"]
    accounts.register("ben@example.com", PASSWORD, "Ben")
    client.post("/logout")
    client.post("/login", data={"email": "ben@example.com", "password": PASSWORD})
    url = f"/api/v1/playlists/{theirs}"
    assert client.get(url).status_code == 404
    assert client.patch(url, json={"name": "Mine"}).status_code == 404
    assert client.delete(url).status_code == 404
    assert client.get(f"{url}/export?format=json").status_code == 404
    assert client.get("/api/v1/playlists").json["items"] == []


def test_generate_and_export(logged_in):
    client = logged_in
    response = client.post(
        "/api/v1/playlists/generate",
        json={
            "name": "Calm",
            "kind": "mood",
            "filter": {"moods": ["calm"]},
            "length": {"tracks": 8},
        },
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["is_smart"] and body["track_count"] == 8
    exported = client.get(f"/api/v1/playlists/{body['id']}/export?format=m3u8")
    assert exported.status_code == 200
    assert exported.mimetype == "audio/x-mpegurl"
    assert 'filename="Calm.m3u8"' in exported.headers["Content-Disposition"]
    assert exported.text.count("#EXTINF") == 8
    rerun = client.patch(f"/api/v1/playlists/{body['id']}", json={"refresh": True})
    assert rerun.status_code == 200 and rerun.json["track_count"] == 8


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "message"),
    [
        ("post", "/api/v1/playlists", {"json": {"name": ""}}, "name"),
        ("post", "/api/v1/playlists/generate", {"json": {"kind": "path"}}, "two tracks"),
        ("patch", "/api/v1/playlists/{id}", {"json": {"colour": 1}}, "colour: Extra inputs"),
        (
            "patch",
            "/api/v1/playlists/{id}",
            {"json": {"edit": {"operation": "shuffle"}}},
            "does not match any of the expected tags",
        ),
        ("get", "/api/v1/playlists/{id}/export?format=xls", {}, "unknown export format"),
    ],
)
def test_bad_requests_are_400_with_a_message(logged_in, method, url, kwargs, message):
    pid = create(logged_in)["id"]
    response = getattr(logged_in, method)(url.format(id=pid), **kwargs)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert message in response.json["detail"]
