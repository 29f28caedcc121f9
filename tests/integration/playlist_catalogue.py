"""The playlist tests' catalogue in a test database, and a served-model stand-in over it.

The stand-in carries the same small bundle the generator unit tests use and no recommender, so
generators fall back to the bundle's embedding (``ml.playlists.EmbeddingNeighbours``).
"""

from __future__ import annotations

from types import SimpleNamespace

from db.models import Artist, Track, User
from db.session import session_scope
from tests.unit.ml.playlist_bundle import tiny_bundle


def playlist_model() -> SimpleNamespace:
    bundle = tiny_bundle()
    return SimpleNamespace(bundle=bundle, recommender=None, version="test")


def seed_playlist_catalogue() -> None:
    """Every track of ``tiny_bundle()`` as catalogue rows."""
    tracks = tiny_bundle().tracks
    with session_scope() as session:
        for artist_id in sorted(tracks["artist_id"].unique()):
            session.add(
                Artist(
                    id=int(artist_id),
                    name=f"Artist {artist_id}",
                    name_key=f"artist {artist_id}",
                )
            )
        session.flush()
        for row in tracks.itertuples(index=False):
            session.add(
                Track(
                    id=row.track_id,
                    name=row.name,
                    artist_id=int(row.artist_id),
                    artist_names=row.artist_name,
                    popularity=int(row.popularity),
                    duration_ms=int(row.duration_ms),
                    explicit=bool(row.explicit),
                    danceability=float(row.danceability),
                    energy=float(row.energy),
                    key=int(row.key),
                    loudness=float(row.loudness),
                    mode=int(row.mode),
                    speechiness=float(row.speechiness),
                    acousticness=float(row.acousticness),
                    instrumentalness=float(row.instrumentalness),
                    liveness=float(row.liveness),
                    valence=float(row.valence),
                    tempo=float(row.tempo),
                    source="demo" if row.track_id.startswith("dup") else "tidytuesday",
                )
            )


def add_user(email: str) -> int:
    with session_scope() as session:
        user = User(email=email, display_name=email.split("@")[0])
        session.add(user)
        session.flush()
        return user.id
