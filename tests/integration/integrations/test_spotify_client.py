"""The Spotify clients (spotipy underneath) against the local fake: PKCE, refresh on expiry and
on 401, 429 with Retry-After, 5xx backoff then a clear error, malformed bodies, batching."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest

from integrations.errors import AuthorizationError, MalformedResponse, UpstreamError
from integrations.settings import IntegrationSettings
from integrations.spotify import SpotifyAuth, SpotifyToken, SpotifyUserClient
from integrations.spotify_catalogue import SpotifyCatalogueClient
from tests.fakes.music_services import FakeMusicServices, Scripted

REDIRECT = "http://127.0.0.1:8170/connect/spotify/callback"


@pytest.fixture
def fake():
    with FakeMusicServices() as services:
        yield services


@pytest.fixture
def settings(fake) -> IntegrationSettings:
    return IntegrationSettings.from_mapping(fake.env())


def user_client(fake, settings, *, expires_in: float = 3600, refreshed=None) -> SpotifyUserClient:
    issued = fake.issue_token()
    token = SpotifyToken(
        issued["access_token"], issued["refresh_token"], time.time() + expires_in, ""
    )
    on_refresh = refreshed.append if refreshed is not None else (lambda _t: None)
    return SpotifyUserClient(settings, token, SpotifyAuth(settings, REDIRECT), on_refresh)


def test_pkce_round_trip_checks_the_verifier(fake, settings):
    auth = SpotifyAuth(settings, REDIRECT)
    url, verifier = auth.start(state="s-123")
    parsed = urlparse(url)
    query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    assert url.startswith(f"{fake.base}/accounts/authorize?")
    assert query["state"] == "s-123" and query["code_challenge_method"] == "S256"
    assert query["redirect_uri"] == REDIRECT and "user-library-read" in query["scope"]
    assert verifier not in url  # only the challenge travels through the browser

    token = auth.exchange(fake.authorize(query["code_challenge"], REDIRECT), verifier)
    assert token.access_token in fake.state.access_tokens and token.refresh_token

    other_code = fake.authorize(query["code_challenge"], REDIRECT)
    with pytest.raises(AuthorizationError):
        auth.exchange(other_code, verifier + "x")  # a stolen code without the verifier is useless


def test_an_expired_token_is_refreshed_before_the_call(fake, settings):
    refreshed: list[SpotifyToken] = []
    client = user_client(fake, settings, expires_in=-10, refreshed=refreshed)
    assert client.me().id == "ada"
    assert len(refreshed) == 1 and refreshed[0].access_token != ""
    grants = [c["grant_type"] for c in fake.calls("/accounts/api/token")]
    assert grants == ["refresh_token"]


def test_a_401_refreshes_once_and_retries(fake, settings):
    refreshed: list[SpotifyToken] = []
    client = user_client(fake, settings, refreshed=refreshed)
    fake.revoke_access()  # e.g. rotated at Spotify before the expiry we were told
    assert client.me().display_name == "Ada L"
    assert len(fake.calls("/v1/me")) == 2 and len(refreshed) == 1


def test_a_revoked_refresh_token_asks_to_connect_again(fake, settings):
    client = user_client(fake, settings)
    fake.revoke_access()
    fake.state.refresh_tokens.clear()
    with pytest.raises(AuthorizationError, match="connect again"):
        client.me()


@pytest.mark.parametrize("body", ["<html>gateway</html>", '{"token_type": "Bearer"}'])
def test_a_malformed_token_response_is_reported(fake, settings, body):
    client = user_client(fake, settings, expires_in=-10)
    fake.fail_next("/accounts/api/token", Scripted(200, body))
    with pytest.raises(MalformedResponse):
        client.me()


def test_429_waits_for_retry_after_then_succeeds(fake, settings):
    fake.state.saved = [{"added_at": "2026-01-02T03:04:05Z", "track": fake.add_track("t1", "a1")}]
    client = user_client(fake, settings)
    fake.fail_next("/v1/me/tracks", Scripted(429, "{}", {"Retry-After": "1"}))
    started = time.monotonic()
    saved = client.saved_tracks()
    assert time.monotonic() - started >= 1.0
    assert [s.track_id for s in saved] == ["t1"] and saved[0].at.year == 2026
    assert len(fake.calls("/v1/me/tracks")) == 2


def test_an_absurd_retry_after_is_capped_so_a_request_never_hangs(fake):
    settings = IntegrationSettings.from_mapping(fake.env() | {"MIXMAP_HTTP_MAX_RETRY_AFTER": "0.2"})
    client = user_client(fake, settings)
    fake.fail_next("/v1/me", Scripted(429, "{}", {"Retry-After": "3600"}))
    started = time.monotonic()
    assert client.me().id == "ada"
    assert time.monotonic() - started < 5


def test_5xx_is_retried_with_backoff_then_gives_up_with_a_clear_error(fake, settings):
    client = user_client(fake, settings)
    fake.fail_next("/v1/me", *[Scripted(503, "busy")] * 3)  # first try + 2 retries
    with pytest.raises(UpstreamError, match="try again"):
        client.me()
    assert len(fake.calls("/v1/me")) == 3


def test_a_read_timeout_is_a_clear_error_and_not_replayed(fake):
    settings = IntegrationSettings.from_mapping(fake.env() | {"MIXMAP_HTTP_READ_TIMEOUT": "0.3"})
    client = user_client(fake, settings)
    fake.fail_next("/v1/me", Scripted(200, "{}", delay=1.0))
    with pytest.raises(UpstreamError, match="Could not reach Spotify"):
        client.me()
    assert len(fake.calls("/v1/me")) == 1


def test_a_single_5xx_is_absorbed(fake, settings):
    client = user_client(fake, settings)
    fake.fail_next("/v1/me", Scripted(502, "bad gateway"))
    assert client.me().id == "ada"


@pytest.mark.parametrize("body", ["this is not json", '{"items": "nope"}', "[1, 2]"])
def test_malformed_bodies_are_reported_not_crashed_on(fake, settings, body):
    client = user_client(fake, settings)
    fake.fail_next("/v1/me/tracks", Scripted(200, body, {"Content-Type": "application/json"}))
    with pytest.raises(MalformedResponse):
        client.saved_tracks()


def test_saved_tracks_page_by_offset_and_skip_local_files(fake, settings):
    fake.state.saved = [
        {"added_at": "2026-01-01T00:00:00Z", "track": fake.add_track(f"t{i}", "a1")}
        for i in range(120)
    ] + [{"added_at": "2026-01-01T00:00:00Z", "track": {"id": None, "is_local": True}}]
    saved = user_client(fake, settings).saved_tracks(limit=1000)
    assert [s.track_id for s in saved] == [f"t{i}" for i in range(120)]
    assert [int(c["offset"]) for c in fake.calls("/v1/me/tracks")] == [0, 50, 100]


def test_a_playlist_is_created_and_filled_100_items_at_a_time(fake, settings):
    ids = [f"t{i:03d}" for i in range(230)]
    created = user_client(fake, settings).create_playlist("Road trip", "Made with Mixmap", ids)
    adds = fake.calls(f"/v1/playlists/{created.playlist_id}/items")
    assert [len(call["json"]) for call in adds] == [100, 100, 30]
    assert fake.state.playlists[created.playlist_id]["items"] == [f"spotify:track:{i}" for i in ids]
    assert fake.state.playlists[created.playlist_id]["public"] is False
    assert created.url and created.tracks_added == 230


def test_catalogue_lookups_batch_50_ids_and_skip_unknown_ones(fake, settings):
    for i in range(120):
        fake.add_track(f"t{i}", f"a{i % 3}")
    fake.state.artists["a1"]["genres"] = ["indie pop"]
    client = SpotifyCatalogueClient(settings)
    found = client.tracks([*(f"t{i}" for i in range(120)), "unknown"])
    assert len(found) == 120 and found[0].album_image_url.endswith("t0.jpg")
    assert len(fake.calls("/v1/tracks")) == 3
    artists = {a.artist_id: a for a in client.artists(["a0", "a1", "nope"])}
    assert artists["a1"].genres == ("indie pop",) and "nope" not in artists


def test_wrong_client_secret_is_a_clear_configuration_error(fake):
    settings = IntegrationSettings.from_mapping(fake.env() | {"SPOTIFY_CLIENT_SECRET": "wrong"})
    with pytest.raises(AuthorizationError, match="SPOTIFY_CLIENT_SECRET"):
        SpotifyCatalogueClient(settings).tracks(["t1"])
