"""Constraints the application relies on hold on both backends."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from db.models import Artist, Ban, Interaction, Playlist, PlaylistItem, Track, User
from music.schema import InteractionKind


def _track(track_id: str, artist: Artist) -> Track:
    return Track(
        id=track_id,
        name=f"Song {track_id}",
        artist=artist,
        artist_names=artist.name,
        duration_ms=200_000,
        danceability=0.5,
        energy=0.5,
        key=0,
        loudness=-6.0,
        mode=1,
        speechiness=0.05,
        acousticness=0.1,
        instrumentalness=0.0,
        liveness=0.1,
        valence=0.5,
        tempo=120.0,
        source="test",
    )


@pytest.fixture
def listener_and_tracks(db):
    with db.session_scope() as session:
        artist = Artist(name="Band", name_key="band")
        user = User(email="a@example.com", display_name="A", password_hash="x")
        session.add_all([user, _track("t1", artist), _track("t2", artist)])
        session.flush()
        return user.id, artist.id


def test_a_ban_names_exactly_one_target(db, listener_and_tracks):
    user_id, artist_id = listener_and_tracks
    with pytest.raises(IntegrityError), db.session_scope() as session:
        session.add(Ban(user_id=user_id, track_id="t1", artist_id=artist_id))
    with pytest.raises(IntegrityError), db.session_scope() as session:
        session.add(Ban(user_id=user_id))
    with db.session_scope() as session:
        session.add_all(
            [Ban(user_id=user_id, track_id="t1"), Ban(user_id=user_id, artist_id=artist_id)]
        )


def test_deleting_a_user_deletes_their_feedback_and_playlists(db, listener_and_tracks):
    user_id, _ = listener_and_tracks
    with db.session_scope() as session:
        session.add(Interaction(user_id=user_id, track_id="t1", kind=InteractionKind.LIKE))
        playlist = Playlist(owner_id=user_id, name="Mine")
        playlist.items = [
            PlaylistItem(position=0, track_id="t2"),
            PlaylistItem(position=1, track_id="t1"),
        ]
        session.add(playlist)
    with db.session_scope() as session:
        session.delete(session.get(User, user_id))
    with db.session_scope() as session:
        assert session.scalars(select(Interaction)).all() == []
        assert session.scalars(select(PlaylistItem)).all() == []


def test_playlist_positions_are_unique_and_come_back_in_order(db, listener_and_tracks):
    user_id, _ = listener_and_tracks
    with db.session_scope() as session:
        playlist = Playlist(owner_id=user_id, name="Ordered")
        playlist.items = [
            PlaylistItem(position=1, track_id="t1"),
            PlaylistItem(position=0, track_id="t2"),
        ]
        session.add(playlist)
        session.flush()
        playlist_id = playlist.id
    with db.session_scope() as session:
        assert [i.track_id for i in session.get(Playlist, playlist_id).items] == ["t2", "t1"]
    with pytest.raises(IntegrityError), db.session_scope() as session:
        session.add(PlaylistItem(playlist_id=playlist_id, position=0, track_id="t1"))


def test_rated_tracks_of_a_complete_history_equal_the_stored_ones(db, listener_and_tracks):
    from db.queries import listeners

    user_id, _ = listener_and_tracks
    with db.session_scope() as session:
        session.add_all(
            [
                Interaction(user_id=user_id, track_id="t1", kind=InteractionKind.PLAY),
                Interaction(user_id=user_id, track_id="t2", kind=InteractionKind.SKIP),
                Interaction(user_id=user_id, track_id="t2", kind=InteractionKind.PLAY),
            ]
        )
    with db.session_scope() as session:
        history = listeners.history(session, user_id)
        stored = listeners.rated_track_ids(session, user_id)
    assert stored == {"t2"}  # a play is not a verdict
    assert listeners.rated_in(history) == stored
