"""What a catalogue CSV schema declares, and the frame assembly both parsers share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from db.importers.validation import CONSISTENT_TRACK_COLUMNS, RowChecker
from music.catalogue_frames import (
    CREDITED_ARTISTS,
    PLAYLIST_COLUMNS,
    PLAYLIST_ITEM_COLUMNS,
    TRACK_COLUMNS,
    TRACK_GENRE_COLUMNS,
    CatalogueFrames,
    empty_frame,
)


@dataclass(frozen=True)
class CsvSchema:
    name: str  # stored as tracks.source
    label: str  # how messages name it
    required: tuple[str, ...]  # columns the header must have
    optional: tuple[str, ...]  # columns read when present
    # Columns only this schema has: the header is matched to the schema sharing most of them.
    signature: frozenset[str]
    parse: Callable[[RowChecker], CatalogueFrames]


def valid_tracks(checker: RowChecker, columns: dict[str, pd.Series]) -> pd.DataFrame:
    """One row per track from the rows still valid after the conflicting-duplicate check.

    ``columns`` holds every ``TRACK_COLUMNS`` entry as a per-row series, and may hold
    ``CREDITED_ARTISTS``.
    """
    names = [*TRACK_COLUMNS, *([CREDITED_ARTISTS] if CREDITED_ARTISTS in columns else [])]
    rows = pd.DataFrame({name: columns[name] for name in names})
    checker.conflicting_duplicates(
        rows["track_id"], {name: rows[name] for name in CONSISTENT_TRACK_COLUMNS}
    )
    return rows[~checker.invalid].drop_duplicates("track_id", keep="first")


def genre_rows(
    checker: RowChecker, track_id: pd.Series, genre: pd.Series, subgenre: pd.Series
) -> pd.DataFrame:
    valid = ~checker.invalid
    frame = pd.DataFrame({"track_id": track_id, "genre": genre, "subgenre": subgenre})[valid]
    return frame.drop_duplicates().reset_index(drop=True)[list(TRACK_GENRE_COLUMNS)]


def no_playlists() -> tuple[pd.DataFrame, pd.DataFrame]:
    return empty_frame(PLAYLIST_COLUMNS), empty_frame(PLAYLIST_ITEM_COLUMNS)
