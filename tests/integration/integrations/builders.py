"""Small catalogues, users and playlists for the integration tests (plain functions)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from dashapp.config import Config
from db.models import Artist, Playlist, PlaylistItem, User
from db.session import session_scope
from music.schema import artist_name_key
from tests.fakes.music_services import FakeMusicServices
from tests.plain_tracks import plain_track

# (track id, title, artist, popularity, source)
TRACKS: tuple[tuple[str, str, str, int, str], ...] = (
    ("4uLU6hMCjMI75M1A2tKUQC", "Song 2", "Blur", 80, "kaggle"),
    ("3AJwUDP919kvQ9QcozQPxg", "Parklife", "Blur", 60, "kaggle"),
    ("5IVuqXILoxVWvWEPm82Jxr", "Crazy In Love", "Beyoncé", 90, "kaggle"),
    ("0Q3sZt5hxIqeXrG2TQrGWm", "Halo", "Beyoncé", 85, "tidytuesday"),
    ("demo00000000000000000a", "Made Up Tune", "Demo Band", 40, "demo"),
)


def seed_catalogue(extra_tracks: int = 0) -> dict[str, int]:
    """The tracks above (plus ``extra_tracks`` numbered Blur tracks); returns artist ids by name."""
    rows = list(TRACKS) + [
        (f"extra{i:017d}", f"Extra {i}", "Blur", 10, "kaggle") for i in range(extra_tracks)
    ]
    with session_scope() as session:
        artists: dict[str, Artist] = {}
        for name in dict.fromkeys(row[2] for row in rows):
            artists[name] = Artist(name=name, name_key=artist_name_key(name), popularity=50)
        session.add_all(artists.values())
        session.flush()
        for track_id, title, artist, popularity, source in rows:
            session.add(
                plain_track(track_id, title, artists[artist].id, artist, popularity, source)
            )
        return {name: artist.id for name, artist in artists.items()}


def add_user(email: str = "ada@example.com") -> int:
    with session_scope() as session:
        user = User(email=email, display_name=email.split("@")[0], password_hash="x")
        session.add(user)
        session.flush()
        return user.id


def add_playlist(owner_id: int | None, track_ids: list[str], name: str = "Mix") -> int:
    with session_scope() as session:
        playlist = Playlist(owner_id=owner_id, name=name)
        session.add(playlist)
        session.flush()
        session.add_all(
            PlaylistItem(playlist_id=playlist.id, position=i, track_id=track_id)
            for i, track_id in enumerate(track_ids)
        )
        return playlist.id


@contextmanager
def fake_services_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeMusicServices]:
    """A running fake with the environment pointing Mixmap's services at it."""
    with FakeMusicServices() as fake:
        for name, value in fake.env().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("SECRET_KEY", "integration-test-secret")
        yield fake


INTEGRATION_KEYS = ("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "LASTFM_API_KEY")


def build_app(database_url: str, tmp_path: Path, extra: dict[str, str]) -> Any:
    """A test server whose Flask config carries ``extra`` (e.g. the fake's URLs and keys)."""
    from app import create_app

    config = Config.for_testing(database_url, tmp_path / "models")
    config.extra.update(extra)
    return create_app(config)
