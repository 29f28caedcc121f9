"""Checks a catalogue's frames must pass before anything is written (the writer runs them first).

Importers validate everything before writing anything: a frame that contradicts itself, a string
longer than its column (PostgreSQL would fail halfway, SQLite not at all) or a reference to a
track nobody knows is refused with a ``ValueError`` that names the offending values.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Table

from db import bulk
from db.models import Artist, Playlist, Track
from music.catalogue_frames import CatalogueFrames
from music.schema import AUDIO_FEATURES

ARTISTS: Table = Artist.__table__  # type: ignore[assignment]
TRACKS: Table = Track.__table__  # type: ignore[assignment]
PLAYLISTS: Table = Playlist.__table__  # type: ignore[assignment]


def check_frames(frames: CatalogueFrames) -> None:
    tracks = frames.tracks
    duplicated = tracks["track_id"][tracks["track_id"].duplicated()]
    if len(duplicated):
        raise ValueError(f"tracks frame repeats track ids: {_sample(duplicated)}")
    for column in ("track_id", "name", "primary_artist", "duration_ms", *AUDIO_FEATURES):
        if tracks[column].isna().any():
            raise ValueError(f"tracks frame has empty values in required column {column!r}")
    playlists = frames.playlists
    duplicated = playlists["external_id"][playlists["external_id"].duplicated()]
    if len(duplicated):
        raise ValueError(f"playlists frame repeats external ids: {_sample(duplicated)}")
    items = frames.playlist_items
    if items.duplicated(["playlist_external_id", "position"]).any():
        raise ValueError("playlist_items frame repeats a (playlist, position) pair")
    unknown = set(items["playlist_external_id"]) - set(playlists["external_id"])
    if unknown:
        raise ValueError(f"playlist_items name playlists not in the frame: {_sample(unknown)}")
    _check_lengths(
        tracks,
        {
            "track_id": TRACKS.c.id,
            "name": TRACKS.c.name,
            "primary_artist": ARTISTS.c.name,
            "artist_names": TRACKS.c.artist_names,
            "album_id": TRACKS.c.album_id,
            "album_name": TRACKS.c.album_name,
        },
    )
    _check_lengths(
        playlists,
        {"external_id": PLAYLISTS.c.external_id, "name": PLAYLISTS.c.name},
    )


def _check_lengths(frame: pd.DataFrame, targets: dict[str, Any]) -> None:
    """Refuse strings longer than their column: PostgreSQL would fail halfway, SQLite not at all."""
    for column, target in targets.items():
        values = frame[column].dropna()
        if len(values) and values.astype(str).str.len().max() > target.type.length:
            raise ValueError(
                f"{column!r} has values longer than {target.type.length} characters "
                f"({target.table.name}.{target.name})"
            )


def check_track_references(connection: Connection, frames: CatalogueFrames) -> None:
    """Genres and playlist items may only name tracks in the frames or already stored."""
    known = set(frames.tracks["track_id"].astype(str))
    named = set(frames.track_genres["track_id"].astype(str)) | set(
        frames.playlist_items["track_id"].astype(str)
    )
    outside = named - known
    if outside:
        outside -= set(bulk.ids_by(connection, TRACKS.c.id, TRACKS.c.id, outside))
    if outside:
        raise ValueError(f"genres or playlist items name unknown tracks: {_sample(outside)}")


def _sample(values: Iterable[Any], limit: int = 5) -> str:
    values = sorted({str(v) for v in values})
    more = f" and {len(values) - limit} more" if len(values) > limit else ""
    return ", ".join(values[:limit]) + more
