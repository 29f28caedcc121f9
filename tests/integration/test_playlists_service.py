"""The playlist service on both databases: saving, editing, smart re-runs, export, isolation."""

from __future__ import annotations

import csv
import io
import json

import pytest

from dashapp.services import playlists
from db.models import Ban, Playlist, PlaylistItem
from db.session import session_scope
from tests.integration.playlist_catalogue import add_user, playlist_model, seed_playlist_catalogue

TRACKS = ["t0000", "t0001", "t0002", "t0003", "t0004", "t0005"]


@pytest.fixture
def users(db) -> tuple[int, int]:
    seed_playlist_catalogue()
    return add_user("ana@example.com"), add_user("ben@example.com")


def order(detail) -> list[str]:
    return detail.track_ids


def test_create_then_read_back_in_order(users):
    ana, _ = users
    created = playlists.create_playlist(ana, "  Road   trip ", TRACKS)
    assert created.name == "Road trip"
    again = playlists.get_playlist(ana, created.id)
    assert order(again) == TRACKS
    assert again.items["position"].tolist() == list(range(6))
    mine, curated = playlists.list_playlists(ana)
    assert [(p.id, p.track_count) for p in mine] == [(created.id, 6)]
    assert mine[0].duration_ms == int(again.items["duration_ms"].sum())
    assert curated == []


def test_another_users_playlist_is_not_found_for_every_operation(users):
    ana, ben = users
    theirs = playlists.create_playlist(ana, "Ana's", TRACKS).id
    attempts = [
        lambda: playlists.get_playlist(ben, theirs),
        lambda: playlists.rename(ben, theirs, "Mine now"),
        lambda: playlists.duplicate(ben, theirs),
        lambda: playlists.delete(ben, theirs),
        lambda: playlists.edit_playlist(ben, theirs, "dedupe"),
        lambda: playlists.reorder(ben, theirs, TRACKS[::-1]),
        lambda: playlists.export(ben, theirs, "csv"),
        lambda: playlists.refresh(ben, theirs, model=playlist_model()),
    ]
    for attempt in attempts:
        with pytest.raises(playlists.PlaylistNotFound):
            attempt()
    assert order(playlists.get_playlist(ana, theirs)) == TRACKS


def test_reorder_remove_lock_and_rename_persist(users):
    ana, _ = users
    pid = playlists.create_playlist(ana, "Mix", TRACKS).id
    playlists.reorder(ana, pid, ["t0003", "t0000", "t0001", "t0002", "t0005", "t0004"])
    playlists.edit_playlist(ana, pid, "lock", position=0, locked=True)
    playlists.edit_playlist(ana, pid, "remove", positions=[1])
    playlists.rename(ana, pid, "Evening", description="for later")
    detail = playlists.get_playlist(ana, pid)
    assert order(detail) == ["t0003", "t0001", "t0002", "t0005", "t0004"]
    assert detail.items["locked"].tolist() == [True, False, False, False, False]
    assert detail.items["position"].tolist() == list(range(5))
    assert (detail.name, detail.description) == ("Evening", "for later")


def test_stale_reorder_is_refused_with_a_message(users):
    ana, _ = users
    pid = playlists.create_playlist(ana, "Mix", TRACKS).id
    with pytest.raises(playlists.PlaylistServiceError, match="reload"):
        playlists.reorder(ana, pid, TRACKS[:-1])


def test_toolbar_edits_keep_locked_tracks_in_place(users):
    ana, _ = users
    # "dup0" is t0000's song under another id; dedupe must drop it.
    pid = playlists.create_playlist(ana, "Mix", [*TRACKS, "dup0", "t0010", "t0011"]).id
    playlists.edit_playlist(ana, pid, "lock", position=2, locked=True)
    for operation, params in [
        ("sort", {"column": "energy", "descending": True}),
        ("flow", {}),
        ("separate", {"gap": 2}),
        ("dedupe", {}),
    ]:
        detail = playlists.edit_playlist(ana, pid, operation, **params)
        assert detail.track_ids[2] == "t0002", operation
    assert "dup0" not in detail.track_ids and len(detail.track_ids) == 8
    with pytest.raises(playlists.PlaylistServiceError, match="no such column"):
        playlists.edit_playlist(ana, pid, "sort", column="colour")


def test_generate_saves_a_smart_playlist_that_honours_bans_and_reruns(users):
    ana, _ = users
    model = playlist_model()
    banned_artist = int(model.bundle.tracks.set_index("track_id").loc["t0001", "artist_id"])
    with session_scope() as session:
        session.add(Ban(user_id=ana, track_id="t0002"))
        session.add(Ban(user_id=ana, artist_id=banned_artist))
    spec = {"kind": "mood", "filter": {"moods": ["happy"]}, "length": {"tracks": 12}}
    detail = playlists.generate_playlist(ana, spec, "Happy", model=model)
    assert len(detail.track_ids) == 12
    assert detail.generator["kind"] == "mood"
    assert "t0002" not in detail.track_ids
    assert banned_artist not in set(detail.items["artist_id"])

    playlists.edit_playlist(ana, detail.id, "lock", position=3, locked=True)
    pinned = detail.track_ids[3]
    # A re-run with a new seed: different tracks, but the pinned one stays at position 3.
    with session_scope() as session:
        stored = session.get(Playlist, detail.id)
        stored.generator = {**stored.generator, "seed": 9, "adventurousness": 1.0}
    rerun = playlists.refresh(ana, detail.id, model=model)
    assert rerun.track_ids[3] == pinned
    assert rerun.items["locked"].tolist().count(True) == 1
    assert len(rerun.track_ids) == 12 and rerun.track_ids != detail.track_ids
    assert "t0002" not in rerun.track_ids


def test_generation_without_a_model_explains_what_to_do(users, monkeypatch):
    ana, _ = users
    monkeypatch.setattr(playlists.generation, "loaded_model", lambda: None)
    with pytest.raises(playlists.PlaylistServiceError, match="ml train"):
        playlists.generate_playlist(ana, {"kind": "radio", "track_ids": ["t0001"]})


def test_suggest_more_appends_new_songs(users):
    ana, _ = users
    pid = playlists.create_playlist(ana, "Mix", TRACKS[:3]).id
    detail = playlists.suggest_more(ana, pid, {"tracks": 5}, model=playlist_model())
    assert detail.track_ids[:3] == TRACKS[:3]
    assert len(detail.track_ids) == 8
    assert len(set(detail.track_ids)) == 8


def test_duplicate_copies_order_and_locks_and_delete_removes_items(users):
    ana, _ = users
    pid = playlists.create_playlist(ana, "Mix", TRACKS).id
    playlists.edit_playlist(ana, pid, "lock", position=1, locked=True)
    copy = playlists.duplicate(ana, pid)
    assert (copy.name, copy.track_ids) == ("Mix (copy)", TRACKS)
    assert copy.items["locked"].tolist()[1] is True
    playlists.delete(ana, pid)
    with pytest.raises(playlists.PlaylistNotFound):
        playlists.get_playlist(ana, pid)
    with session_scope() as session:
        assert session.query(PlaylistItem).filter_by(playlist_id=pid).count() == 0
    assert playlists.get_playlist(ana, copy.id).track_ids == TRACKS


def test_curated_playlists_are_readable_and_duplicable_but_read_only(users):
    ana, _ = users
    with session_scope() as session:
        curated = Playlist(owner_id=None, name="Catalogue pick", external_id="x1")
        curated.items = [PlaylistItem(position=i, track_id=t) for i, t in enumerate(TRACKS[:2])]
        session.add(curated)
        session.flush()
        cid = curated.id
    assert playlists.get_playlist(ana, cid).track_ids == TRACKS[:2]
    assert [p.id for p in playlists.list_playlists(ana)[1]] == [cid]
    with pytest.raises(playlists.PlaylistReadOnly, match="duplicate"):
        playlists.rename(ana, cid, "Mine")
    assert playlists.duplicate(ana, cid).track_ids == TRACKS[:2]


def test_exports(users):
    ana, _ = users
    pid = playlists.create_playlist(ana, "Late / night", ["t0001", "dup0"]).id
    as_csv = playlists.export(ana, pid, "csv")
    assert as_csv.filename == "Late-night.csv"
    rows = list(csv.DictReader(io.StringIO(as_csv.content)))
    assert [r["Track URI"] for r in rows] == ["spotify:track:t0001", "mixmap:track:dup0"]
    m3u = playlists.export(ana, pid, "M3U")  # the old name still works
    assert m3u.filename == "Late-night.m3u8"
    lines = m3u.content.splitlines()
    assert lines[0] == "#EXTM3U" and lines[2].startswith("#EXTINF:")
    assert lines[3] == "https://open.spotify.com/track/t0001"
    assert lines[5] == "mixmap:track:dup0"  # demo tracks are not on Spotify
    data = json.loads(playlists.export(ana, pid, "json").content)
    assert [i["track_id"] for i in data["items"]] == ["t0001", "dup0"]
    assert playlists.export(ana, pid, "xspf").mimetype == "application/xspf+xml"
    assert json.loads(playlists.export(ana, pid, "jspf").content)["playlist"]["track"]
    with pytest.raises(playlists.PlaylistServiceError, match="unknown export format"):
        playlists.export(ana, pid, "xls")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda u: playlists.create_playlist(u, "   ", []), "name"),
        (lambda u: playlists.create_playlist(u, "x" * 201, []), "at most 200"),
        (lambda u: playlists.create_playlist(u, "Mix", ["nope"]), "not in the catalogue"),
        (lambda u: playlists.generate_playlist(u, {"kind": "genre"}), "pick at least one"),
    ],
)
def test_user_errors_have_clear_messages(users, call, message):
    with pytest.raises(playlists.PlaylistServiceError, match=message):
        call(users[0])
