"""``write_catalogue`` on SQLite and PostgreSQL: upserts, idempotence, genres, playlists."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.importers.writer import progress_total, write_catalogue
from db.models import Artist, Genre, Playlist, PlaylistItem, Track, TrackGenre


def _counts(session) -> dict[str, int]:
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model))
        for model in (Artist, Genre, Track, TrackGenre, Playlist, PlaylistItem)
    }


def _catalogue(make_frames, make_track, **track_overrides):
    return make_frames(
        tracks=[
            make_track("t1", "The Band", popularity=60, **track_overrides),
            make_track("t2", "the  band", popularity=20),
            make_track("t3", "Solo Act", popularity=90, release_date=None, release_year=None),
        ],
        genres=[
            ("t1", "rock", "hard rock"),
            ("t1", "pop", "dance pop"),
            ("t2", "rock", "hard rock"),
            ("t3", "rock", "classic rock"),
        ],
        playlists=[
            ("pl-a", "Hard Rock Hits", "rock", "hard rock"),
            ("pl-b", "Dance Pop", "pop", "dance pop"),
        ],
        items=[("pl-a", "t2"), ("pl-a", "t1"), ("pl-a", "t3"), ("pl-b", "t1")],
    )


def _playlist_tracks(session, external_id: str) -> list[str]:
    return list(
        session.scalars(
            select(PlaylistItem.track_id)
            .join(Playlist)
            .where(Playlist.external_id == external_id)
            .order_by(PlaylistItem.position)
        )
    )


def test_first_write_stores_tracks_artists_genres_and_ordered_playlists(
    db, make_frames, make_track
):
    frames = _catalogue(make_frames, make_track)
    with db.session_scope() as session:
        summary = write_catalogue(session, frames)

    assert summary.tracks_inserted == 3 and summary.tracks_updated == 0
    # "The Band" and "the  band" share a name key: one artist, the first spelling kept.
    assert summary.artists_inserted == 2
    # rock, pop + rock/hard rock, pop/dance pop, rock/classic rock
    assert summary.genres_inserted == 5
    assert summary.playlists_inserted == 2 and summary.items_inserted == 4
    with db.session_scope() as session:
        artists = {a.name: a for a in session.scalars(select(Artist))}
        assert set(artists) == {"The Band", "Solo Act"}
        assert artists["The Band"].popularity == pytest.approx(40.0)
        t1 = session.get(Track, "t1")
        assert t1.artist_id == artists["The Band"].id and t1.source == "tidytuesday"
        assert {g.slug for g in t1.genres} == {"rock", "pop", "rock/hard rock", "pop/dance pop"}
        hard_rock = session.scalar(select(Genre).where(Genre.slug == "rock/hard rock"))
        assert hard_rock.parent.slug == "rock" and hard_rock.name == "hard rock"
        assert session.get(Track, "t3").release_date is None
        assert _playlist_tracks(session, "pl-a") == ["t2", "t1", "t3"]
        playlist = session.scalar(select(Playlist).where(Playlist.external_id == "pl-a"))
        assert playlist.owner_id is None and playlist.genre_id == hard_rock.id


def test_re_importing_the_same_frames_changes_nothing(db, make_frames, make_track):
    frames = _catalogue(make_frames, make_track)
    with db.session_scope() as session:
        write_catalogue(session, frames)
    with db.session_scope() as session:
        before = _counts(session)
        imported_at = session.get(Track, "t1").imported_at
    with db.session_scope() as session:
        again = write_catalogue(session, _catalogue(make_frames, make_track))

    assert again.inserted == 0
    assert again.tracks_updated == again.playlists_updated == again.artists_updated == 0
    assert again.items_removed == 0
    with db.session_scope() as session:
        assert _counts(session) == before
        # Untouched rows keep their import time: the upsert skipped them entirely.
        assert session.get(Track, "t1").imported_at == imported_at


def test_changed_values_update_the_track_and_its_artist(db, make_frames, make_track):
    with db.session_scope() as session:
        write_catalogue(session, _catalogue(make_frames, make_track))
    with db.session_scope() as session:
        summary = write_catalogue(
            session, _catalogue(make_frames, make_track, energy=0.9, name="Renamed")
        )
    assert summary.tracks_updated == 1 and summary.tracks_inserted == 0
    with db.session_scope() as session:
        track = session.get(Track, "t1")
        assert (track.name, track.energy) == ("Renamed", 0.9)


def test_genres_accumulate_and_playlists_follow_the_new_order(db, make_frames, make_track):
    with db.session_scope() as session:
        write_catalogue(session, _catalogue(make_frames, make_track))
    update = make_frames(
        tracks=[make_track("t1", "The Band", popularity=60), make_track("t4", "New Artist")],
        genres=[("t1", "latin", "reggaeton"), ("t4", "rock", "hard rock")],
        playlists=[("pl-a", "Hard Rock Hits", "rock", "hard rock")],
        items=[("pl-a", "t3"), ("pl-a", "t4"), ("pl-a", "t1")],
    )
    with db.session_scope() as session:
        summary = write_catalogue(session, update)

    assert summary.tracks_inserted == 1 and summary.genres_inserted == 2
    assert summary.items_removed == 3 and summary.items_inserted == 3
    with db.session_scope() as session:
        slugs = {g.slug for g in session.get(Track, "t1").genres}
        assert {"rock", "pop", "latin", "latin/reggaeton"} <= slugs
        assert _playlist_tracks(session, "pl-a") == ["t3", "t4", "t1"]
        # A playlist the file does not mention is left alone.
        assert _playlist_tracks(session, "pl-b") == ["t1"]


def test_progress_adds_up_to_the_total(sqlite_db, make_frames, make_track):
    frames = _catalogue(make_frames, make_track)
    ticks: list[int] = []
    with sqlite_db.session_scope() as session:
        write_catalogue(session, frames, progress=ticks.append)
    assert sum(ticks) == progress_total(frames) == 3 + 4 + 2 + 4


def test_a_core_connection_works_too(sqlite_db, make_frames, make_track):
    with sqlite_db.engine.begin() as connection:
        summary = write_catalogue(connection, _catalogue(make_frames, make_track))
    assert summary.tracks_inserted == 3


@pytest.mark.parametrize(
    ("frames_kwargs", "message"),
    [
        ({"tracks": ["t1", "t1"]}, "repeats track ids: t1"),
        ({"tracks": ["t1"], "genres": [("ghost", "rock", None)]}, "unknown tracks: ghost"),
        (
            {"tracks": ["t1"], "playlists": [("p", "P", "rock", None)], "items": [("q", "t1")]},
            "playlists not in the frame: q",
        ),
    ],
)
def test_contradictory_frames_are_refused_before_anything_is_written(
    db, make_frames, make_track, frames_kwargs, message
):
    kwargs = dict(frames_kwargs)
    kwargs["tracks"] = [make_track(t) for t in kwargs["tracks"]]
    with pytest.raises(ValueError, match=message), db.session_scope() as session:
        write_catalogue(session, make_frames(**kwargs))
    with db.session_scope() as session:
        assert set(_counts(session).values()) == {0}


def test_too_long_text_is_refused_on_every_backend(db, make_frames, make_track):
    frames = make_frames(tracks=[make_track("t1", name="x" * 1001)])
    with pytest.raises(ValueError, match="longer than 1000"), db.session_scope() as session:
        write_catalogue(session, frames)


def test_a_failure_half_way_rolls_back_everything(db, make_frames, make_track, monkeypatch):
    """Raw driver writes share the session's transaction: nothing survives a later error."""
    import db.importers.writer as writer

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "_write_playlist_items", broken)
    with pytest.raises(RuntimeError, match="disk full"), db.session_scope() as session:
        write_catalogue(session, _catalogue(make_frames, make_track))
    with db.session_scope() as session:
        assert set(_counts(session).values()) == {0}
