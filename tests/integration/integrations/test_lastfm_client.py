"""The Last.fm client against the local fake: paging, rate-limit errors (HTTP 429 and API error
29), 5xx backoff then a clear error, malformed bodies, bad key, throttling between calls."""

from __future__ import annotations

import time

import pytest

from integrations.errors import AuthorizationError, MalformedResponse, NotFound, UpstreamError
from integrations.lastfm import LastfmClient
from integrations.settings import IntegrationSettings
from tests.fakes.music_services import FakeMusicServices, Scripted, scrobble

PATH = "/lastfm/2.0/"


@pytest.fixture
def fake():
    with FakeMusicServices() as services:
        yield services


@pytest.fixture
def client(fake) -> LastfmClient:
    return LastfmClient(IntegrationSettings.from_mapping(fake.env()))


def test_recent_tracks_are_read_page_by_page_newest_first(fake, client):
    rows = [scrobble("Artist", f"Song {i}", 1_700_000_000 - i) for i in range(450)]
    now_playing = {
        "artist": {"#text": "Artist"},
        "name": "Live now",
        "@attr": {"nowplaying": "true"},
    }
    fake.state.scrobbles["ada"] = [now_playing, *rows]
    pages = list(client.recent_tracks("ada"))
    assert [p.page for p in pages] == [1, 2, 3] and pages[0].total_pages == 3
    titles = [s.track for p in pages for s in p.scrobbles]
    assert titles == [f"Song {i}" for i in range(450)]  # the undated "now playing" row is skipped
    assert pages[0].scrobbles[0].played_at.timestamp() == 1_700_000_000
    assert [c["limit"] for c in fake.calls(PATH)] == ["200"] * 3


def test_max_pages_stops_early(fake, client):
    fake.state.scrobbles["ada"] = [scrobble("A", f"S{i}", 1_700_000_000 - i) for i in range(450)]
    assert len(list(client.recent_tracks("ada", max_pages=2))) == 2
    assert len(fake.calls(PATH)) == 2


def test_a_single_scrobble_page_is_an_object_not_a_list(fake, client):
    fake.fail_next(
        PATH,
        Scripted(
            200,
            '{"recenttracks": {"track": {"artist": {"#text": "A"}, "name": "S",'
            ' "date": {"uts": "1700000000"}}, "@attr": {"page": "1", "totalPages": "1"}}}',
        ),
    )
    [page] = list(client.recent_tracks("ada"))
    assert [(s.artist, s.track) for s in page.scrobbles] == [("A", "S")]


def test_api_rate_limit_error_29_is_retried(fake, client):
    fake.state.scrobbles["ada"] = [scrobble("A", "S", 1_700_000_000)]
    fake.fail_next(PATH, Scripted(200, '{"error": 29, "message": "Rate limit exceeded"}'))
    [page] = list(client.recent_tracks("ada"))
    assert len(page.scrobbles) == 1 and len(fake.calls(PATH)) == 2


def test_http_429_waits_for_retry_after(fake, client):
    fake.state.tags["Blur"] = [{"name": "britpop", "count": 100}]
    fake.fail_next(PATH, Scripted(429, "{}", {"Retry-After": "1"}))
    started = time.monotonic()
    assert [t.name for t in client.artist_top_tags("Blur")] == ["britpop"]
    assert time.monotonic() - started >= 1.0


def test_5xx_is_retried_then_gives_up_with_a_clear_error(fake, client):
    fake.fail_next(PATH, *[Scripted(500, "oops")] * 3)
    with pytest.raises(UpstreamError, match="try again"):
        client.artist_top_tags("Blur")
    assert len(fake.calls(PATH)) == 3


def test_persistent_rate_limiting_gives_up(fake, client):
    fake.fail_next(PATH, *[Scripted(200, '{"error": 29, "message": "Rate limit"}')] * 3)
    with pytest.raises(UpstreamError):
        client.similar_artists("Blur")


@pytest.mark.parametrize("body", ["<lfm status='ok'/>", '{"toptags": "x"}', "[]"])
def test_malformed_bodies_are_reported(fake, client, body):
    fake.fail_next(PATH, Scripted(200, body))
    with pytest.raises(MalformedResponse):
        client.artist_top_tags("Blur")


def test_unknown_user_and_bad_key(fake):
    settings = IntegrationSettings.from_mapping(fake.env())
    with pytest.raises(NotFound, match="User not found"):
        list(LastfmClient(settings).recent_tracks("nobody"))
    wrong = IntegrationSettings.from_mapping(fake.env() | {"LASTFM_API_KEY": "wrong"})
    with pytest.raises(AuthorizationError, match="LASTFM_API_KEY"):
        LastfmClient(wrong).artist_top_tags("Blur")


def test_calls_are_spaced_by_the_minimum_interval(fake):
    settings = IntegrationSettings.from_mapping(fake.env() | {"MIXMAP_LASTFM_MIN_INTERVAL": "0.2"})
    waits: list[float] = []
    now = [100.0]
    client = LastfmClient(settings, sleep=waits.append, clock=lambda: now[0])
    client.similar_artists("Blur")
    now[0] += 0.05
    client.similar_artists("Blur")
    assert waits == [pytest.approx(0.15)]
