"""The shapes that cross the boundary between storage and learning.

``db.queries`` produces these frames and ``ml`` consumes them, so neither needs to know the other.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import pandas as pd


class InteractionKind(StrEnum):
    """What a listener did with a track; bans are also standing state (db.models.Ban)."""

    PLAY = "play"
    LIKE = "like"
    FAVOURITE = "favourite"
    SKIP = "skip"
    BAN = "ban"


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """One event in a listener's history, as the recommender receives it."""

    track_id: str
    kind: InteractionKind
    at: datetime


@dataclass(frozen=True, slots=True)
class Exclusions:
    """Tracks and artists a listener must never be offered: their bans, and whatever a caller
    adds (already rated tracks, a playlist's own tracks, an evaluation's held-out items)."""

    track_ids: frozenset[str] = frozenset()
    artist_ids: frozenset[int] = frozenset()


# Spotify's audio features, each a float; see the Spotify Web API reference for their meaning.
AUDIO_FEATURES: tuple[str, ...] = (
    "danceability",
    "energy",
    "loudness",  # dB, typically -60..0
    "speechiness",
    "acousticness",
    "instrumentalness",
    "liveness",
    "valence",
    "tempo",  # beats per minute
)

# One row per track, indexed by nothing in particular; ``track_id`` is unique.
CATALOGUE_COLUMNS: dict[str, str] = {
    "track_id": "str",
    "name": "str",
    "artist_id": "int64",
    "artist_name": "str",
    "album_name": "str",
    "release_year": "Int64",  # nullable: some sources carry no date
    "popularity": "int64",  # 0..100, Spotify's track popularity
    "artist_popularity": "float64",  # 0..100, mean popularity of the artist's tracks
    "duration_ms": "int64",
    "explicit": "boolean",  # nullable: the TidyTuesday schema does not carry it
    "key": "int64",  # pitch class 0..11, -1 when unknown
    "mode": "int64",  # 1 major, 0 minor
    **dict.fromkeys(AUDIO_FEATURES, "float64"),
    "genre": "str",  # the track's main top-level genre slug (most frequent among its playlists)
    "genres": "object",  # tuple[str, ...] of every top-level genre slug the track carries
    "subgenres": "object",  # tuple[str, ...] of every subgenre slug ("rock/hard rock")
    "source": "str",  # "tidytuesday", "kaggle" or "demo"
}


def validate_catalogue_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Check a catalogue frame has every column the models read; return it unchanged."""
    missing = [column for column in CATALOGUE_COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(f"catalogue frame is missing columns: {', '.join(missing)}")
    if frame["track_id"].duplicated().any():
        raise ValueError("catalogue frame has duplicate track_id values")
    return frame


INTERACTION_COLUMNS: dict[str, str] = {
    "user_id": "int64",
    "track_id": "str",
    "kind": "str",  # an InteractionKind value
    "at": "datetime64[ns, UTC]",
}


def artist_name_key(name: str) -> str:
    """The key artist names match on: Unicode-normalised, case-folded, whitespace collapsed.

    Imports upsert artists on it and the HetRec Last.fm join maps listeners' artists with it.
    """
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def genre_slug(genre: str, subgenre: str | None = None) -> str:
    """``"rock"`` for a genre, ``"rock/hard rock"`` for a subgenre (subgenre names repeat less)."""
    top = " ".join(genre.casefold().split())
    return top if not subgenre else f"{top}/{' '.join(subgenre.casefold().split())}"
