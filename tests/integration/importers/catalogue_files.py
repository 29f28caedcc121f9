"""Synthetic catalogue CSVs written by the tests themselves, and a snapshot of the stored rows.

Plain builders the tests and this folder's fixtures (conftest.py) import.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, select

from db.models import Artist, Genre, Playlist, PlaylistItem, Track, TrackArtist, TrackGenre

TIDYTUESDAY_HEADER: tuple[str, ...] = (
    "track_id", "track_name", "track_artist", "track_popularity", "track_album_id",
    "track_album_name", "track_album_release_date", "playlist_name", "playlist_id",
    "playlist_genre", "playlist_subgenre", "danceability", "energy", "key", "loudness", "mode",
    "speechiness", "acousticness", "instrumentalness", "liveness", "valence", "tempo",
    "duration_ms",
)  # fmt: skip
KAGGLE_HEADER: tuple[str, ...] = (
    "", "track_id", "artists", "album_name", "track_name", "popularity", "duration_ms",
    "explicit", "danceability", "energy", "key", "loudness", "mode", "speechiness",
    "acousticness", "instrumentalness", "liveness", "valence", "tempo", "time_signature",
    "track_genre",
)  # fmt: skip


def tidytuesday_row(i: int, playlist: str = "pl1", genre: str = "rock", **overrides) -> dict:
    row = {
        "track_id": f"tt{i:04d}",
        "track_name": f"Song {i}",
        "track_artist": f"Artist {i % 3}",
        "track_popularity": str(40 + i),
        "track_album_id": f"al{i:04d}",
        "track_album_name": f"Album {i}",
        "track_album_release_date": "2019-06-14" if i % 2 else "2001",
        "playlist_name": f"Playlist {playlist}",
        "playlist_id": playlist,
        "playlist_genre": genre,
        "playlist_subgenre": f"{genre} sub",
        "danceability": "0.748",
        "energy": f"0.{(i % 9) + 1}",
        "key": str(i % 12),
        "loudness": "-5.5",
        "mode": str(i % 2),
        "speechiness": "0.05",
        "acousticness": "0.1",
        "instrumentalness": "0",
        "liveness": "0.06",
        "valence": "0.5",
        "tempo": "120.5",
        "duration_ms": str(180_000 + i),
    }
    return row | {k: str(v) for k, v in overrides.items()}


def kaggle_row(i: int, genre: str = "acoustic", **overrides) -> dict:
    row = {
        "": str(i),
        "track_id": f"kg{i:04d}",
        "artists": f"Singer {i % 4};Guest {i}",
        "album_name": f"Record {i}",
        "track_name": f"Tune {i}",
        "popularity": str(i % 101),
        "duration_ms": str(200_000 + i),
        "explicit": "True" if i % 2 else "False",
        "danceability": "0.6",
        "energy": "0.7",
        "key": str(i % 12),
        "loudness": "-7.1",
        "mode": "1",
        "speechiness": "0.04",
        "acousticness": "0.3",
        "instrumentalness": "0.0001",
        "liveness": "0.1",
        "valence": "0.4",
        "tempo": "98.0",
        "time_signature": "4",
        "track_genre": genre,
    }
    return row | {k: str(v) for k, v in overrides.items()}


def write_csv(path: Path, header: Sequence[str], rows: Sequence[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(column, "") for column in header])
    return path


def catalogue_snapshot(session) -> dict[str, list]:
    """Every catalogue row, ordered: equal snapshots mean the import changed nothing."""
    return {
        "artists": session.execute(
            select(Artist.id, Artist.name, Artist.popularity).order_by(Artist.id)
        ).all(),
        "genres": session.execute(select(Genre.id, Genre.slug).order_by(Genre.id)).all(),
        "tracks": session.execute(
            select(Track.id, Track.name, Track.energy, Track.imported_at).order_by(Track.id)
        ).all(),
        "track_genres": session.execute(
            select(TrackGenre.track_id, TrackGenre.genre_id).order_by(
                TrackGenre.track_id, TrackGenre.genre_id
            )
        ).all(),
        "track_artists": session.execute(
            select(TrackArtist.track_id, TrackArtist.position, TrackArtist.artist_id).order_by(
                TrackArtist.track_id, TrackArtist.position
            )
        ).all(),
        "playlists": session.execute(
            select(Playlist.id, Playlist.external_id).order_by(Playlist.id)
        ).all(),
        "items": session.execute(
            select(PlaylistItem.playlist_id, PlaylistItem.position, PlaylistItem.track_id).order_by(
                PlaylistItem.playlist_id, PlaylistItem.position
            )
        ).all(),
    }


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))
