"""The normalised shape every catalogue source is parsed into before it is written.

Parsers (TidyTuesday, Kaggle) and the demo generator produce a ``CatalogueFrames``; one writer
upserts it. Column lists here are the contract between them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ml.schema import AUDIO_FEATURES

# One row per unique track.
TRACK_COLUMNS: tuple[str, ...] = (
    "track_id",
    "name",
    "primary_artist",  # the first credited artist; tracks.artist_id points at it
    "artist_names",  # every credited artist, ", "-joined, for display
    "album_id",  # nullable
    "album_name",  # nullable
    "release_date",  # datetime.date or None (a bare year or year-month gives None)
    "release_year",  # Int64, nullable
    "popularity",  # int 0..100
    "duration_ms",  # int > 0
    "explicit",  # boolean, nullable (TidyTuesday does not carry it)
    "key",  # int -1..11
    "mode",  # int 0/1
    *AUDIO_FEATURES,
    "time_signature",  # Int64, nullable
)
# One row per (track, genre, subgenre); subgenre may be None (Kaggle has one genre level).
TRACK_GENRE_COLUMNS: tuple[str, ...] = ("track_id", "genre", "subgenre")
# Source playlists that become curated catalogue playlists (empty for sources without them).
PLAYLIST_COLUMNS: tuple[str, ...] = ("external_id", "name", "genre", "subgenre")
# Membership in file order; position is 0-based and dense within a playlist.
PLAYLIST_ITEM_COLUMNS: tuple[str, ...] = ("playlist_external_id", "track_id", "position")


@dataclass
class CatalogueFrames:
    source: str  # "tidytuesday", "kaggle" or "demo"
    tracks: pd.DataFrame
    track_genres: pd.DataFrame
    playlists: pd.DataFrame
    playlist_items: pd.DataFrame

    def __post_init__(self) -> None:
        for frame, columns, label in (
            (self.tracks, TRACK_COLUMNS, "tracks"),
            (self.track_genres, TRACK_GENRE_COLUMNS, "track_genres"),
            (self.playlists, PLAYLIST_COLUMNS, "playlists"),
            (self.playlist_items, PLAYLIST_ITEM_COLUMNS, "playlist_items"),
        ):
            missing = [c for c in columns if c not in frame.columns]
            if missing:
                raise ValueError(f"{label} frame is missing columns: {', '.join(missing)}")


def empty_frame(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object") for column in columns})
