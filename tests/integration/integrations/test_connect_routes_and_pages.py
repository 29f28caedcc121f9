"""The browser's side: the PKCE redirect legs (/connect/spotify, its callback) and the Profile
and Explore pages, with the integrations configured against the fake and with no keys at all."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import pytest
from flask_login import login_user
from plotly.utils import PlotlyJSONEncoder
from sqlalchemy import func, select

from dashapp.auth import SessionUser
from dashapp.services import accounts, jobs, spotify_account
from db.models import ExternalAccount, Interaction, User
from db.session import database, session_scope
from tests.fakes.music_services import FakeMusicServices
from tests.integration.integrations.builders import (
    INTEGRATION_KEYS,
    TRACKS,
    build_app,
    seed_catalogue,
)

PASSWORD = "correct horse battery"


@pytest.fixture
def fake():
    with FakeMusicServices() as services:
        yield services


@pytest.fixture
def configured_app(sqlite_database_url, tmp_path, fake):
    server = build_app(sqlite_database_url, tmp_path, fake.env())
    yield server
    database.engine.dispose()


@pytest.fixture
def bare_app(sqlite_database_url, tmp_path, monkeypatch):
    for name in INTEGRATION_KEYS:
        monkeypatch.delenv(name, raising=False)
    server = build_app(sqlite_database_url, tmp_path, {})
    yield server
    database.engine.dispose()


def registered_client(server, email: str = "ada@example.com", name: str = "Ada"):
    client = server.test_client()
    response = client.post(
        "/register",
        data={
            "display_name": name,
            "email": email,
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 302
    # Signing up no longer logs in (the answer must not tell whether the email had an account).
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def user_id() -> int:
    with session_scope() as session:
        return session.scalar(select(User.id).where(User.email == "ada@example.com"))


def accounts_stored() -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(ExternalAccount))


def start_connect(client) -> dict[str, str]:
    response = client.get("/connect/spotify")
    assert response.status_code == 302
    return {k: v[0] for k, v in parse_qs(urlparse(response.location).query).items()}


def test_connect_and_callback_store_the_account(configured_app, fake):
    client = registered_client(configured_app)
    query = start_connect(client)
    assert query["redirect_uri"] == "http://localhost/connect/spotify/callback"
    code = fake.authorize(query["code_challenge"], query["redirect_uri"])
    response = client.get(f"/connect/spotify/callback?code={code}&state={query['state']}")
    assert response.location.endswith("/profile?spotify=connected")
    assert accounts_stored() == 1


def test_a_callback_with_a_wrong_state_or_replayed_stores_nothing(configured_app, fake):
    client = registered_client(configured_app)
    query = start_connect(client)
    code = fake.authorize(query["code_challenge"], query["redirect_uri"])
    response = client.get(f"/connect/spotify/callback?code={code}&state=forged")
    assert response.location.endswith("/profile?spotify=mismatch")
    # The attempt was used up by the forged call: the right state no longer works either.
    response = client.get(f"/connect/spotify/callback?code={code}&state={query['state']}")
    assert response.location.endswith("/profile?spotify=mismatch")
    assert accounts_stored() == 0


def test_a_callback_in_another_browser_session_is_refused(configured_app, fake):
    client = registered_client(configured_app)
    query = start_connect(client)
    code = fake.authorize(query["code_challenge"], query["redirect_uri"])
    attacker = registered_client(configured_app, "eve@example.com", "Eve")
    response = attacker.get(f"/connect/spotify/callback?code={code}&state={query['state']}")
    assert response.location.endswith("/profile?spotify=mismatch")
    assert accounts_stored() == 0


def test_denying_at_spotify_and_logged_out_visits(configured_app):
    client = registered_client(configured_app)
    query = start_connect(client)
    response = client.get(f"/connect/spotify/callback?error=access_denied&state={query['state']}")
    assert response.location.endswith("/profile?spotify=denied")
    anonymous = configured_app.test_client()
    assert "/login" in anonymous.get("/connect/spotify").location


def test_without_keys_connect_says_not_configured(bare_app):
    client = registered_client(bare_app)
    response = client.get("/connect/spotify")
    assert response.location.endswith("/profile?spotify=not-configured")


def rendered(component) -> str:
    return json.dumps(component, cls=PlotlyJSONEncoder)


def profile_as_user(server, **query) -> str:
    from dashapp.pages import profile as profile_page

    with server.test_request_context("/profile"):
        login_user(SessionUser(accounts.get_account(user_id())))
        return rendered(profile_page.layout(**query))


def test_profile_without_keys_says_the_integrations_are_not_configured(bare_app):
    registered_client(bare_app)
    page = profile_as_user(bare_app)
    assert "spotify-not-configured" in page and "lastfm-not-configured" in page
    assert "Connect Spotify" not in page
    assert "Your taste" in page  # the rest of the page is unaffected


def test_profile_with_keys_offers_connect_then_shows_the_connection(configured_app, fake):
    client = registered_client(configured_app)
    assert "Connect Spotify" in profile_as_user(configured_app)
    query = start_connect(client)
    code = fake.authorize(query["code_challenge"], query["redirect_uri"])
    client.get(f"/connect/spotify/callback?code={code}&state={query['state']}")
    page = profile_as_user(configured_app, spotify="connected")
    assert "Connected as " in page and "Ada L" in page and "Spotify is connected." in page
    assert "lastfm-username" in page


def test_profile_callbacks_import_and_disconnect_through_dash(configured_app, fake):
    seed_catalogue()
    client = registered_client(configured_app)
    query = start_connect(client)
    code = fake.authorize(query["code_challenge"], query["redirect_uri"])
    client.get(f"/connect/spotify/callback?code={code}&state={query['state']}")
    fake.state.saved = [
        {"added_at": "2026-01-02T10:00:00Z", "track": fake.add_track(TRACKS[0][0], "b")}
    ]
    response = client.post(
        "/_dash-update-component",
        json={
            "output": "..spotify-import-status.children...spotify-import-poll.disabled..",
            "outputs": [
                {"id": "spotify-import-status", "property": "children"},
                {"id": "spotify-import-poll", "property": "disabled"},
            ],
            "inputs": [{"id": "spotify-import", "property": "n_clicks", "value": 1}],
            "changedPropIds": ["spotify-import.n_clicks"],
        },
    )
    assert response.status_code == 200
    assert "Waiting for the worker" in response.get_data(as_text=True)  # queued, not run
    with configured_app.app_context():
        assert jobs.run_pending_jobs() == 1
    # The poll writes the same outputs with allow_duplicate: Dash keys it by hashed output ids.
    poll_key = next(
        key
        for key, spec in configured_app.extensions["dash"].callback_map.items()
        if {"id": "spotify-import-poll", "property": "n_intervals"} in spec["inputs"]
    )
    response = client.post(
        "/_dash-update-component",
        json={
            "output": poll_key,
            "outputs": [
                {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]}
                for part in poll_key.strip(".").split("...")
            ],
            "inputs": [{"id": "spotify-import-poll", "property": "n_intervals", "value": 1}],
            "changedPropIds": ["spotify-import-poll.n_intervals"],
        },
    )
    assert "Imported Spotify library" in response.get_data(as_text=True)
    response = client.post(
        "/_dash-update-component",
        json={
            "output": "profile-connections.children",
            "outputs": {"id": "profile-connections", "property": "children"},
            "inputs": [{"id": "spotify-disconnect", "property": "n_clicks", "value": 1}],
            "changedPropIds": ["spotify-disconnect.n_clicks"],
        },
    )
    assert response.status_code == 200 and "Connect Spotify" in response.get_data(as_text=True)
    assert accounts_stored() == 0


def test_deleting_the_account_removes_tokens_and_imported_listens(configured_app, fake):
    seed_catalogue()
    client = registered_client(configured_app)
    query = start_connect(client)
    code = fake.authorize(query["code_challenge"], query["redirect_uri"])
    client.get(f"/connect/spotify/callback?code={code}&state={query['state']}")
    fake.state.top = [fake.add_track(TRACKS[0][0], "b")]
    with configured_app.app_context():
        spotify_account.import_library(user_id())
        assert imported_listens() == 1
        accounts.delete_account(user_id(), PASSWORD)
    assert accounts_stored() == 0 and imported_listens() == 0


def imported_listens() -> int:
    with session_scope() as session:
        return session.scalar(
            select(func.count())
            .select_from(Interaction)
            .where(Interaction.context.like("import:spotify_%"))
        )
