"""The integration services on SQLite and PostgreSQL against the local fake: connect (tokens
encrypted at rest), import the Spotify library and Last.fm scrobbles once each, send a playlist,
enrich the catalogue through the database cache."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import func, select

from dashapp.services import enrichment, lastfm_import, spotify_account
from db.models import (
    ApiCacheEntry,
    ArtistEnrichment,
    ExternalAccount,
    Interaction,
    TrackEnrichment,
)
from db.session import session_scope
from integrations.errors import AuthorizationError, IntegrationError, NotConfigured
from tests.fakes.music_services import Scripted, scrobble
from tests.integration.integrations.builders import (
    TRACKS,
    add_playlist,
    add_user,
    fake_services_env,
    seed_catalogue,
)

REDIRECT = "http://127.0.0.1:8170/connect/spotify/callback"
SONG2, PARKLIFE, CRAZY, HALO, DEMO = (row[0] for row in TRACKS)


@pytest.fixture
def fake(db, monkeypatch):
    with fake_services_env(monkeypatch) as services:
        yield services


def connect(fake, user_id: int) -> None:
    url, pending = spotify_account.begin_connect(user_id, REDIRECT)
    challenge = parse_qs(urlparse(url).query)["code_challenge"][0]
    code = fake.authorize(challenge, REDIRECT)
    spotify_account.finish_connect(user_id, pending, pending["state"], code, REDIRECT)


def interactions(user_id: int) -> list[tuple[str, str, str]]:
    with session_scope() as session:
        rows = session.execute(
            select(Interaction.track_id, Interaction.kind, Interaction.context)
            .where(Interaction.user_id == user_id)
            .order_by(Interaction.id)
        )
        return [(t, k.value, c) for t, k, c in rows]


def test_connect_stores_tokens_encrypted_and_disconnect_deletes_them(fake):
    seed_catalogue()
    user = add_user()
    connect(fake, user)
    assert spotify_account.status(user).connected
    assert spotify_account.status(user).display_name == "Ada L"
    with session_scope() as session:
        row = session.scalar(select(ExternalAccount).where(ExternalAccount.user_id == user))
        stored = row.token_ciphertext
    [access] = fake.state.access_tokens
    assert access not in stored and "refresh-" not in stored  # not readable at rest
    assert spotify_account.disconnect(user)
    assert not spotify_account.status(user).connected
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(ExternalAccount)) == 0


def test_a_callback_with_another_state_or_user_stores_nothing(fake):
    user, other = add_user(), add_user("bob@example.com")
    url, pending = spotify_account.begin_connect(user, REDIRECT)
    code = fake.authorize(parse_qs(urlparse(url).query)["code_challenge"][0], REDIRECT)
    with pytest.raises(spotify_account.SpotifyConnectError):
        spotify_account.finish_connect(user, pending, "forged-state", code, REDIRECT)
    with pytest.raises(spotify_account.SpotifyConnectError):
        spotify_account.finish_connect(other, pending, pending["state"], code, REDIRECT)
    with pytest.raises(spotify_account.SpotifyConnectError):
        spotify_account.finish_connect(user, None, pending["state"], code, REDIRECT)
    assert not spotify_account.status(user).connected


def test_spotify_library_import_matches_by_id_and_is_idempotent(fake):
    seed_catalogue()
    user = add_user()
    connect(fake, user)
    fake.state.saved = [
        {"added_at": "2026-01-02T10:00:00Z", "track": fake.add_track(SONG2, "blur")},
        {"added_at": "2026-01-03T10:00:00Z", "track": fake.add_track("notInCatalogue000000a", "x")},
    ]
    fake.state.top = [fake.add_track(CRAZY, "bey"), fake.add_track(HALO, "bey")]
    fake.state.recent = [
        {"played_at": "2026-02-01T08:00:00Z", "track": fake.state.tracks[SONG2]},
        {"played_at": "2026-02-01T08:05:00Z", "track": fake.state.tracks[SONG2]},
    ]
    report = spotify_account.import_library(user)
    assert (report.listens, report.matched, report.stored) == (6, 5, 5)
    assert (report.likes, report.favourites, report.plays) == (1, 2, 2)
    assert report.matched_by == {"spotify_id": 5}
    assert sorted(interactions(user)) == sorted(
        [
            (SONG2, "like", "import:spotify_saved"),
            (CRAZY, "favourite", "import:spotify_top"),
            (HALO, "favourite", "import:spotify_top"),
            (SONG2, "play", "import:spotify_recent"),
            (SONG2, "play", "import:spotify_recent"),
        ]
    )
    again = spotify_account.import_library(user)
    assert (again.matched, again.stored, again.already_stored) == (5, 0, 5)
    assert len(interactions(user)) == 5


def test_an_expired_access_token_is_refreshed_and_the_new_one_stored(fake):
    seed_catalogue()
    user = add_user()
    connect(fake, user)
    with session_scope() as session:
        before = session.scalar(select(ExternalAccount.token_ciphertext))
    fake.revoke_access()
    spotify_account.import_library(user)
    with session_scope() as session:
        after = session.scalar(select(ExternalAccount.token_ciphertext))
    assert after != before
    assert [c["grant_type"] for c in fake.calls("/accounts/api/token")][-1] == "refresh_token"


def test_access_revoked_at_spotify_disconnects_with_a_clear_message(fake):
    user = add_user()
    connect(fake, user)
    fake.revoke_access()
    fake.state.refresh_tokens.clear()
    with pytest.raises(AuthorizationError, match="connect again"):
        spotify_account.import_library(user)
    assert not spotify_account.status(user).connected


def test_a_refresh_lost_to_a_concurrent_request_keeps_the_connection(fake):
    from dashapp.services.integration_settings import token_vault
    from db.queries import integrations as queries

    seed_catalogue()
    user = add_user()
    connect(fake, user)
    fake.revoke_access()

    def another_request_refreshes_first() -> None:
        # What a second worker does meanwhile: refresh, store the new token; Spotify then
        # rotates the refresh token, so the one this request holds is refused.
        fresh = fake.issue_token()
        fake.state.refresh_tokens.intersection_update({fresh["refresh_token"]})
        sealed = token_vault().seal(fresh | {"expires_at": 4_000_000_000, "scope": ""})
        with session_scope() as session:
            queries.update_token(session, user, "spotify", sealed, datetime.now(UTC))
        fake.state.before_refresh = None

    fake.state.before_refresh = another_request_refreshes_first
    with pytest.raises(IntegrationError, match="try again"):
        spotify_account.import_library(user)
    assert spotify_account.status(user).connected
    assert spotify_account.import_library(user).stored == 0


def test_a_key_change_makes_the_stored_token_unusable_and_asks_to_reconnect(fake, monkeypatch):
    user = add_user()
    connect(fake, user)
    monkeypatch.setenv("MIXMAP_TOKEN_KEY", "a-different-key-after-rotation")
    with pytest.raises(AuthorizationError, match="connect again"):
        spotify_account.import_library(user)
    assert not spotify_account.status(user).connected


def test_send_playlist_creates_it_in_order_in_batches_and_skips_demo_tracks(fake):
    seed_catalogue(extra_tracks=226)
    user, other = add_user(), add_user("bob@example.com")
    connect(fake, user)
    extra = [f"extra{i:017d}" for i in range(226)]
    order = [HALO, DEMO, SONG2, *extra, CRAZY]
    playlist = add_playlist(user, order, name="Road trip")
    sent = spotify_account.send_playlist(user, playlist)
    assert (sent.tracks_sent, sent.demo_tracks_skipped) == (229, 1)
    [created] = fake.state.playlists.values()
    assert created["name"] == "Road trip"
    assert created["items"] == [f"spotify:track:{t}" for t in order if t != DEMO]
    [pid] = fake.state.playlists
    assert [len(c["json"]) for c in fake.calls(f"/v1/playlists/{pid}/items")] == [100, 100, 29]

    theirs = add_playlist(other, [SONG2], name="Bob's")
    with pytest.raises(IntegrationError, match="no such playlist"):
        spotify_account.send_playlist(user, theirs)


def test_lastfm_import_matches_normalised_artist_and_title_once(fake):
    seed_catalogue()
    user = add_user()
    fake.state.scrobbles["ada_l"] = [
        scrobble("blur", "Song 2 - 2012 Remaster", 1_700_000_300),
        scrobble("Beyonce feat. Jay-Z", "Crazy in Love (feat. JAY-Z)", 1_700_000_200),
        scrobble("Beyoncé", "HALO", 1_700_000_100),
        scrobble("Oasis", "Wonderwall", 1_700_000_050),
        scrobble("Blur", "Song 2", 1_700_000_000),
    ]
    report = lastfm_import.import_scrobbles(user, "ada_l")
    assert (report.listens, report.matched, report.stored) == (5, 4, 4)
    assert report.top_unmatched_artists == [("Oasis", 1)]
    assert sorted(t for t, kind, _ in interactions(user) if kind == "play") == sorted(
        [SONG2, CRAZY, HALO, SONG2]
    )
    assert lastfm_import.status(user).username == "ada_l"
    assert {context for *_, context in interactions(user)} == {"import:lastfm_api"}
    again = lastfm_import.import_scrobbles(user, "ada_l")
    assert (again.matched, again.stored, again.already_stored) == (4, 0, 4)
    assert len(interactions(user)) == 4


def test_lastfm_import_refuses_bad_names_and_unknown_users(fake):
    user = add_user()
    with pytest.raises(lastfm_import.LastfmImportError, match="2 to 15 characters"):
        lastfm_import.import_scrobbles(user, "x; drop table")
    with pytest.raises(lastfm_import.LastfmImportError, match="no user called"):
        lastfm_import.import_scrobbles(user, "nobody")
    assert interactions(user) == []


def test_enrich_fills_the_details_from_both_services_and_reuses_the_cache(fake):
    artist_ids = seed_catalogue()
    for track_id, _title, artist, _p, _s in TRACKS[:4]:
        fake.add_track(track_id, artist.lower().replace("é", "e"))
    fake.state.artists["blur"]["genres"] = ["britpop", "alternative rock"]
    fake.state.tags["Blur"] = [
        {"name": "britpop", "count": 100},
        {"name": "seen live", "count": 60},
        {"name": "energetic", "count": 30},
        {"name": "90s", "count": 25},
    ]
    fake.state.similar["Blur"] = [{"name": "Oasis", "match": "1"}, {"name": "Pulp", "match": "0.8"}]

    report = enrichment.enrich_catalogue()
    assert report.error is None
    assert report.tracks_enriched == 4  # the demo track is not asked about
    view = enrichment.for_track(SONG2)
    assert view.album_image_url.endswith(f"{SONG2}.jpg") and view.preview_url
    assert view.genres == ("britpop", "alternative rock", "90s")
    assert view.moods == ("amped",)
    assert view.similar_artists == ("Oasis", "Pulp")
    assert enrichment.for_track(DEMO) is None
    with session_scope() as session:
        blur = session.get(ArtistEnrichment, artist_ids["Blur"])
        assert blur.spotify_artist_id == "blur" and blur.lastfm_enriched_at is not None

    # Nothing left to do: a second run asks nothing.
    calls = len(fake.state.log)
    assert enrichment.enrich_catalogue().tracks_enriched == 0
    assert len(fake.state.log) == calls
    # Enrichments lost but the cache kept: a rerun rebuilds them without asking Spotify again.
    with session_scope() as session:
        session.query(TrackEnrichment).delete()
    rerun = enrichment.enrich_catalogue()
    assert rerun.tracks_enriched == 4 and rerun.api_calls_saved_by_cache >= 4
    assert not [path for _m, path, _p in fake.state.log[calls:] if path.startswith("/v1/tracks")]


def test_enrich_stops_cleanly_on_an_outage_and_resumes(fake):
    seed_catalogue()
    for track_id, *_ in TRACKS[:4]:
        fake.add_track(track_id, "a")
    fake.fail_next("/v1/tracks", *[Scripted(503, "unavailable")] * 3)
    report = enrichment.enrich_catalogue()
    assert report.error and "try again" in report.error
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(TrackEnrichment)) == 0
        assert session.scalar(select(func.count()).select_from(ApiCacheEntry)) == 0
    assert enrichment.enrich_catalogue().tracks_enriched == 4


def test_without_keys_enrich_says_what_to_set(db, monkeypatch):
    for name in ("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "LASTFM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(NotConfigured, match="SPOTIFY_CLIENT_ID"):
        enrichment.enrich_catalogue()
    user = add_user()
    assert not spotify_account.status(user).configured
    assert not lastfm_import.status(user).configured
