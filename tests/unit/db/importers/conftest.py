"""Small hand-built catalogue frames for the writer tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import pandas as pd
import pytest

from music.catalogue_frames import (
    PLAYLIST_COLUMNS,
    PLAYLIST_ITEM_COLUMNS,
    TRACK_COLUMNS,
    TRACK_GENRE_COLUMNS,
    CatalogueFrames,
)


def track_row(track_id: str, artist: str = "The Band", **overrides) -> dict:
    row = dict.fromkeys(TRACK_COLUMNS, 0.5)
    row |= {
        "track_id": track_id,
        "name": f"Song {track_id}",
        "primary_artist": artist,
        "artist_names": artist,
        "album_id": f"album-{track_id}",
        "album_name": f"Album {track_id}",
        "release_date": dt.date(2019, 1, 2),
        "release_year": 2019,
        "popularity": 50,
        "duration_ms": 200_000,
        "explicit": False,
        "key": 5,
        "mode": 1,
        "loudness": -6.0,
        "tempo": 120.0,
        "time_signature": 4,
    }
    return row | overrides


def _frame(rows: Sequence[dict], columns: tuple[str, ...]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    return pd.DataFrame(list(rows), columns=list(columns))


def build_frames(
    tracks: Sequence[dict],
    genres: Sequence[tuple[str, str, str | None]] = (),
    playlists: Sequence[tuple[str, str, str, str | None]] = (),
    items: Sequence[tuple[str, str]] = (),
    source: str = "tidytuesday",
) -> CatalogueFrames:
    """``items`` are (playlist external id, track id) pairs in playlist order."""
    positions: dict[str, int] = {}
    item_rows = []
    for playlist, track in items:
        item_rows.append(
            {
                "playlist_external_id": playlist,
                "track_id": track,
                "position": positions.get(playlist, 0),
            }
        )
        positions[playlist] = positions.get(playlist, 0) + 1
    return CatalogueFrames(
        source=source,
        tracks=_frame(tracks, TRACK_COLUMNS),
        track_genres=_frame(
            [dict(zip(TRACK_GENRE_COLUMNS, g, strict=True)) for g in genres], TRACK_GENRE_COLUMNS
        ),
        playlists=_frame(
            [dict(zip(PLAYLIST_COLUMNS, p, strict=True)) for p in playlists], PLAYLIST_COLUMNS
        ),
        playlist_items=_frame(item_rows, PLAYLIST_ITEM_COLUMNS),
    )


@pytest.fixture
def make_frames() -> Callable[..., CatalogueFrames]:
    return build_frames


@pytest.fixture
def make_track() -> Callable[..., dict]:
    return track_row
