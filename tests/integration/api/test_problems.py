"""The error contract: every API error is RFC 9457 problem details, whoever produced it."""

from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.data
    assert response.mimetype == PROBLEM
    body = response.json
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status and body["detail"]
    return body


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/nope"),
        ("get", "/api/v1"),
        ("get", "/api/v1/"),
        ("post", "/api/v1/playlists/1/nope"),
        ("delete", "/api/v1/recommendations/3"),
        ("get", "/api/v1/playlists/0"),
        ("get", "/api/v1/playlists/-1"),
        ("get", "/api/v1/playlists/abc"),
    ],
)
def test_an_unknown_api_path_is_a_json_404_not_the_dash_page(ana, method, path):
    """Finding 7: these answered 200 with the Dash page."""
    client, _ = ana
    body = assert_problem(getattr(client, method)(path), 404)
    assert "openapi.json" in body["detail"]


def test_a_known_path_with_the_wrong_method_is_405_with_allow(ana):
    client, _ = ana
    response = client.put("/api/v1/playlists")
    assert_problem(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_body_that_is_not_json_is_415(ana, content_type):
    client, _ = ana
    response = client.post(
        "/api/v1/playlists", data='{"name": "x"}', headers={"Content-Type": content_type}
    )
    assert_problem(response, 415)


@pytest.mark.parametrize("raw", [b"{", b'{"name": "x"', b"\xff\xfe\x00", b"[1, 2]", b"null"])
def test_a_body_that_is_not_a_json_object_is_400(ana, raw):
    client, _ = ana
    response = client.post("/api/v1/playlists", data=raw, content_type="application/json")
    assert_problem(response, 400)


def test_validation_problems_list_each_field(ana):
    client, _ = ana
    response = client.post(
        "/api/v1/playlists", json={"name": "", "track_ids": "t0000", "colour": "red"}
    )
    body = assert_problem(response, 400)
    assert body["type"].endswith("/problems/validation")
    assert {e["field"] for e in body["errors"]} == {"name", "track_ids", "colour"}


def test_service_errors_are_400_and_not_found_is_404(ana):
    client, _ = ana
    unknown = client.post("/api/v1/playlists", json={"name": "x", "track_ids": ["nope"]})
    assert "not in the catalogue" in assert_problem(unknown, 400)["detail"]
    assert_problem(client.get("/api/v1/playlists/999999"), 404)


def test_a_new_service_error_class_maps_without_touching_the_api(ana, monkeypatch):
    """Services signal "you asked for too much" with their own ValueError subclasses (the
    playlist length cap, for one); the API maps them all to 400 by where they come from."""
    from dashapp.services import playlists

    class PlaylistTooLong(playlists.PlaylistServiceError):
        pass

    def refuse(*_args, **_kwargs):
        raise PlaylistTooLong("a playlist has at most 3 tracks")

    monkeypatch.setattr(playlists, "create_playlist", refuse)
    response = client_post(ana, "/api/v1/playlists", {"name": "x"})
    assert assert_problem(response, 400)["detail"] == "a playlist has at most 3 tracks"


def test_an_unexpected_error_is_a_500_problem_without_a_trace(ana, monkeypatch):
    from dashapp.services import playlists

    def broken(*_args, **_kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(playlists, "playlist_page", broken)
    client, _ = ana
    body = assert_problem(client.get("/api/v1/playlists"), 500)
    assert "secret" not in body["detail"] and "Traceback" not in str(body)


def test_a_curated_playlist_is_read_only_403(ana):
    from db.models import Playlist
    from db.session import session_scope

    with session_scope() as session:
        curated = Playlist(owner_id=None, name="Curated")
        session.add(curated)
        session.flush()
        curated_id = curated.id
    client, _ = ana
    assert client.get(f"/api/v1/playlists/{curated_id}").status_code == 200
    assert_problem(client.patch(f"/api/v1/playlists/{curated_id}", json={"name": "M"}), 403)


def test_an_oversized_body_is_a_413_problem(ana, api_app):
    api_app.config["MAX_CONTENT_LENGTH"] = 1_000
    response = client_post(ana, "/api/v1/playlists", {"name": "x" * 2_000})
    assert_problem(response, 413)


def client_post(user, path: str, body: dict):
    client, _ = user
    return client.post(path, json=body)


def test_pages_outside_the_api_keep_their_own_errors(ana):
    client, _ = ana
    response = client.get("/login/nope")
    assert response.mimetype != PROBLEM
