"""List endpoints answer one bounded page at a time, with a link to the next."""

from __future__ import annotations

import pytest

from dashapp.services import feedback, playlists


def test_playlists_come_a_page_at_a_time_following_next(ana):
    client, user = ana
    made = [playlists.create_playlist(user, f"Mix {i}", ["t0000"]).id for i in range(5)]
    seen, url = [], "/api/v1/playlists?limit=2"
    while url:
        page = client.get(url).json
        assert page["total"] == 5 and page["limit"] == 2 and len(page["items"]) <= 2
        seen += [p["id"] for p in page["items"]]
        url = page["next"]
    assert sorted(seen) == sorted(made) and len(seen) == 5


def test_curated_playlists_are_their_own_scope(ana):
    from db.models import Playlist
    from db.session import session_scope

    client, user = ana
    playlists.create_playlist(user, "Mine", ["t0000"])
    with session_scope() as session:
        session.add(Playlist(owner_id=None, name="Curated"))
    curated = client.get("/api/v1/playlists?scope=curated").json
    assert [p["name"] for p in curated["items"]] == ["Curated"]
    assert curated["items"][0]["is_curated"] is True


def test_bans_are_paginated(ana):
    client, user = ana
    for track in ("t0000", "t0001", "t0002"):
        feedback.ban_track(user, track)
    first = client.get("/api/v1/bans?limit=2").json
    assert first["total"] == 3 and len(first["items"]) == 2
    last = client.get(first["next"]).json
    assert len(last["items"]) == 1 and last["next"] is None


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=101", "offset=-1", "limit=x", "offset=10000000", "scope=all"]
)
def test_page_parameters_out_of_bounds_are_400(ana, query):
    client, _ = ana
    response = client.get(f"/api/v1/playlists?{query}")
    assert response.status_code == 400
    assert response.json["errors"]
