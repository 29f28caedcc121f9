"""Builders for the dashapp tests: a small synthetic catalogue in the test database, users.

Plain functions the tests import; the fixtures that use them are in this folder's conftest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select

from db.models import Artist, Genre, Track, TrackGenre, User
from db.session import session_scope
from ml.moods import assign_moods

GENRES = ("pop", "rock", "rap")
N_ARTISTS = 6
TRACKS_PER_ARTIST = 4


@dataclass(frozen=True)
class Catalogue:
    tracks: pd.DataFrame  # the model's view: track_id, name, artist_id, artist_name, genre, ...
    artist_ids: list[int]
    genre_slugs: tuple[str, ...] = GENRES


def seed_catalogue() -> Catalogue:
    rng = np.random.default_rng(7)
    rows = []
    with session_scope() as session:
        genres = {slug: Genre(slug=slug, name=slug.title()) for slug in GENRES}
        session.add_all(genres.values())
        artists = [
            Artist(name=f"Artist {i}", name_key=f"artist {i}", popularity=90 - i * 10)
            for i in range(N_ARTISTS)
        ]
        session.add_all(artists)
        session.flush()
        for a, artist in enumerate(artists):
            genre = GENRES[a % len(GENRES)]
            for t in range(TRACKS_PER_ARTIST):
                track_id = f"trk{a}{t}"
                energy, valence = rng.uniform(0, 1, 2)
                session.add(
                    Track(
                        id=track_id,
                        name=f"Song {a}-{t}",
                        artist_id=artist.id,
                        artist_names=artist.name,
                        duration_ms=200_000,
                        danceability=0.5,
                        energy=float(energy),
                        key=1,
                        loudness=-6.0,
                        mode=1,
                        speechiness=0.05,
                        acousticness=0.2,
                        instrumentalness=0.0,
                        liveness=0.1,
                        valence=float(valence),
                        tempo=120.0,
                        source="tidytuesday",
                        popularity=50,
                    )
                )
                session.add(TrackGenre(track_id=track_id, genre_id=genres[genre].id))
                rows.append(
                    {
                        "track_id": track_id,
                        "name": f"Song {a}-{t}",
                        "artist_id": artist.id,
                        "artist_name": artist.name,
                        "genre": genre,
                        "source": "tidytuesday",
                        "energy": float(energy),
                        "valence": float(valence),
                        "tempo": 120.0,
                        "danceability": 0.5,
                        "acousticness": 0.2,
                        "instrumentalness": 0.0,
                        "cluster": a % 2,
                        "x2": float(a),
                        "y2": float(t),
                    }
                )
        artist_ids = [artist.id for artist in artists]
    tracks = pd.DataFrame(rows)
    tracks["moods"] = assign_moods(tracks)[1]
    return Catalogue(tracks, artist_ids)


def add_user(email: str = "ada@example.com") -> int:
    with session_scope() as session:
        user = User(email=email, display_name=email.split("@")[0], password_hash="x")
        session.add(user)
        session.flush()
        return user.id


PASSWORD = "correct horse battery"


def register(client, email: str = "ada@example.com", name: str = "Ada") -> int:
    """Sign up and log in through the real forms and return the new user's id."""
    response = client.post(
        "/register",
        data={"display_name": name, "email": email, "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status_code == 302, response.data
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.data
    with session_scope() as session:
        return session.scalar(select(User.id).where(User.email == email))
