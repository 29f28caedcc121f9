"""Issue #9 findings 1 (bounds), 5 (NUL bytes in forms) and 9 (/register enumeration), over HTTP.

The NUL tests run on PostgreSQL too: it cannot store a NUL character, and before the fix an
anonymous ``POST /login`` with one in the email answered 500 there.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import Playlist, User
from db.session import session_scope
from tests.integration.playlist_catalogue import seed_playlist_catalogue
from tests.integration.security.apps import PASSWORD, log_in, make_app, sign_up


@pytest.fixture
def app(sqlite_database_url, tmp_path):
    return make_app(sqlite_database_url, tmp_path)


@pytest.fixture
def any_backend_app(any_database_url, tmp_path):
    return make_app(any_database_url, tmp_path)


def user_count() -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize(
    "form",
    [
        {"email": "ada\x00@example.com", "password": PASSWORD},
        {"email": "ada@example.com", "password": "pass\x00word long"},
    ],
)
def test_a_nul_byte_in_the_login_form_is_a_clear_400(any_backend_app, form):
    response = any_backend_app.test_client().post("/login", data=form)
    assert response.status_code == 400
    assert b"NUL" in response.data


@pytest.mark.parametrize("field", ["email", "display_name", "password"])
def test_a_nul_byte_in_the_register_form_is_a_clear_400(any_backend_app, field):
    form = {
        "display_name": "Ada",
        "email": "ada@example.com",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    form[field] = form[field] + "\x00"
    response = any_backend_app.test_client().post("/register", data=form)
    assert response.status_code == 400
    assert b"NUL" in response.data
    assert user_count() == 0


def search_callback(text: str) -> dict:
    """The Playlists generator's artist search as Dash's renderer posts it."""
    return {
        "output": "gen-artist.options",
        "outputs": {"id": "gen-artist", "property": "options"},
        "inputs": [{"id": "gen-artist", "property": "search_value", "value": text}],
        "changedPropIds": ["gen-artist.search_value"],
    }


SEARCH_CALLBACK = search_callback("song")


def test_a_nul_byte_in_a_dash_callback_or_a_query_string_is_a_clear_400(any_backend_app):
    client = any_backend_app.test_client()
    sign_up(client)
    callback = client.post("/_dash-update-component", json=search_callback("a\x00"))
    assert callback.status_code == 400 and b"NUL" in callback.data
    assert client.get("/login", query_string={"next": "/\x00"}).status_code == 400


def test_register_answers_the_same_whether_or_not_the_email_has_an_account(app):
    sign_up(app.test_client())  # ada@example.com exists

    def attempt(email: str):
        client = app.test_client()
        form = {"display_name": "X", "email": email, "password": "another long phrase"}
        response = client.post("/register", data={**form, "confirm": form["password"]})
        followed = client.get(response.location)
        return response.status_code, response.location, followed.get_data(as_text=True)

    taken = attempt("ada@example.com")
    new = attempt("newcomer@example.com")
    assert taken[:2] == new[:2] == (302, "/login?next=/welcome")
    # Same page after the redirect, once the per-request CSRF token is set aside.
    strip = lambda page: [line for line in page.splitlines() if "csrf_token" not in line]  # noqa: E731
    assert strip(taken[2]) == strip(new[2])
    # The owner is unharmed: their password still works, the newcomer's attempt did nothing.
    assert log_in(app.test_client()).status_code == 302
    assert log_in(app.test_client(), password="another long phrase").status_code == 401
    assert user_count() == 2


def test_a_request_body_over_the_limit_is_refused_with_413(sqlite_database_url, tmp_path):
    app = make_app(
        sqlite_database_url, tmp_path, MAX_CONTENT_LENGTH=64 * 1024, MAX_UPLOAD_BYTES=256 * 1024
    )
    client = app.test_client()
    sign_up(client)
    big = {"name": "Big", "track_ids": ["x" * 100] * 1000}  # ~100 kB
    assert client.post("/api/v1/playlists", json=big).status_code == 413

    # Dash callbacks (which carry uploads) get the larger limit, and no more.
    def callback(padding_bytes: int):
        body = {**SEARCH_CALLBACK, "padding": "y" * padding_bytes}
        return client.post("/_dash-update-component", json=body).status_code

    assert callback(100 * 1024) == 200
    assert callback(300 * 1024) == 413


def test_the_api_answers_400_to_a_playlist_longer_than_the_cap(sqlite_database_url, tmp_path):
    app = make_app(sqlite_database_url, tmp_path, MAX_PLAYLIST_TRACKS=3)
    seed_playlist_catalogue()
    client = app.test_client()
    sign_up(client)
    tracks = ["t0000", "t0001", "t0002", "t0003"]
    response = client.post("/api/v1/playlists", json={"name": "Long", "track_ids": tracks})
    assert response.status_code == 400
    assert "at most 3 tracks" in response.get_data(as_text=True)
    made = client.post("/api/v1/playlists", json={"name": "Ok", "track_ids": tracks[:3]})
    assert made.status_code == 201
    appended = client.patch(f"/api/v1/playlists/{made.json['id']}", json={"append": ["t0004"]})
    assert appended.status_code == 400
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Playlist)) == 1
