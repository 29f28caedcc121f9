"""A small synthetic catalogue in the test database and a stand-in for the served model.

The stand-in recommender follows the contract of ``ml.recommender.Recommender.recommend`` in the
simplest honest way (catalogue order, exclusions honoured, two reasons each) so the services and
pages can be tested without training; the browser tests use a really trained model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest

from dashapp.services import model_store
from dashapp.services.model_store import LoadedModel
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


@dataclass(frozen=True)
class FakeRecommendation:
    track_id: str
    score: float
    reasons: tuple[str, ...]
    cluster: int
    sources: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FakeMatch:
    listener: str
    similarity: float
    shared_tracks: int
    shared_artists: int
    cluster: int


class FakeRecommender:
    def __init__(self, tracks: pd.DataFrame) -> None:
        self.tracks = tracks
        self.calls: list[dict] = []

    def recommend(
        self,
        history,
        *,
        k=20,
        preferences=None,
        exclusions=None,
        track_filter=None,
        adventurousness=0.5,
        now=None,
    ):
        self.calls.append(
            {
                "history": list(history),
                "preferences": preferences,
                "exclusions": exclusions,
                "adventurousness": adventurousness,
                "k": k,
            }
        )
        out = []
        for row in self.tracks.itertuples():
            if exclusions and (
                row.track_id in exclusions.track_ids or row.artist_id in exclusions.artist_ids
            ):
                continue
            out.append(
                FakeRecommendation(
                    row.track_id,
                    1.0 - len(out) / 100,
                    ("Because you like pop.", "It is upbeat."),
                    int(row.cluster),
                )
            )
            if len(out) == k:
                break
        return out

    def listeners_like_you(self, history, *, k=5):
        return [FakeMatch("7", 0.9, 3, 2, 1), FakeMatch("8", 0.5, 1, 1, 0)][:k]


@dataclass
class FakeBundle:
    tracks: pd.DataFrame
    cluster_names: list[str]


def fake_loaded_model(bundle: Any, recommender: Any, version: str = "test-v1") -> LoadedModel:
    """The store's own ``LoadedModel`` around stand-ins (so derived data is memoised as served)."""
    return LoadedModel(bundle, recommender, version, datetime(2026, 11, 28, tzinfo=UTC))


@pytest.fixture
def catalogue(sqlite_db) -> Catalogue:
    return seed_catalogue()


@pytest.fixture
def fake_model(catalogue, monkeypatch) -> LoadedModel:
    model = fake_loaded_model(
        FakeBundle(catalogue.tracks, ["Bright pop", "Heavy guitars"]),
        FakeRecommender(catalogue.tracks),
    )
    monkeypatch.setattr(model_store, "current", lambda: model)
    return model


@pytest.fixture
def no_model(monkeypatch) -> None:
    monkeypatch.setattr(model_store, "current", lambda: None)


def add_user(email: str = "ada@example.com") -> int:
    with session_scope() as session:
        user = User(email=email, display_name=email.split("@")[0], password_hash="x")
        session.add(user)
        session.flush()
        return user.id


@pytest.fixture
def user_id(sqlite_db) -> int:
    return add_user()


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
    from sqlalchemy import select

    with session_scope() as session:
        return session.scalar(select(User.id).where(User.email == email))


@pytest.fixture
def logged_in(app, catalogue):
    """(client, user id) of a freshly registered user on the app's database with the catalogue."""
    client = app.test_client()
    return client, register(client)
