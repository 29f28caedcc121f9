"""The TidyTuesday 2020-01-21 ``spotify_songs`` schema: one row per (track, playlist).

Each row is a track as found in one Spotify playlist, and the playlist is labelled with the genre
and subgenre whose search found it. A track in several playlists repeats on several rows; so does
a playlist found by two subgenre searches (its tracks then appear twice, once per label). The
parser keeps every (genre, subgenre) a track was found under, every playlist with its members in
file order, and labels each playlist with its most frequent (genre, subgenre).
"""

from __future__ import annotations

import pandas as pd

from db.importers.csv_schema import CsvSchema, genre_rows, valid_tracks
from db.importers.validation import (
    POPULARITY_RANGE,
    TITLE_MAX_LENGTH,
    UNKNOWN_ARTIST,
    UNKNOWN_TITLE,
    RowChecker,
    audio_features,
)
from music.catalogue_frames import PLAYLIST_COLUMNS, PLAYLIST_ITEM_COLUMNS, CatalogueFrames
from music.schema import AUDIO_FEATURES

REQUIRED_COLUMNS: tuple[str, ...] = (
    "track_id",
    "track_name",
    "track_artist",
    "track_popularity",
    "playlist_id",
    "playlist_genre",
    "playlist_subgenre",
    *AUDIO_FEATURES,
    "key",
    "mode",
    "duration_ms",
)
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "track_album_id",
    "track_album_name",
    "track_album_release_date",
    "playlist_name",
)


def parse(checker: RowChecker) -> CatalogueFrames:
    def optional_text(column: str, max_length: int) -> pd.Series:
        if checker.has(column):
            return checker.text(column, max_length, required=False)
        return pd.Series(None, index=checker.index, dtype=object)

    track_id = checker.text("track_id", 64, required=True)
    artist = checker.text("track_artist", 300, required=False, default=UNKNOWN_ARTIST)
    if checker.has("track_album_release_date"):
        release_date, release_year = checker.release_date("track_album_release_date")
    else:
        release_date = pd.Series(None, index=checker.index, dtype=object)
        release_year = pd.Series(pd.NA, index=checker.index, dtype="Int64")
    columns = {
        "track_id": track_id,
        "name": checker.text("track_name", TITLE_MAX_LENGTH, required=False, default=UNKNOWN_TITLE),
        "primary_artist": artist,
        "artist_names": artist,
        "album_id": optional_text("track_album_id", 64),
        "album_name": optional_text("track_album_name", 500),
        "release_date": release_date,
        "release_year": release_year,
        "popularity": checker.number("track_popularity", POPULARITY_RANGE, integer=True),
        "explicit": pd.Series(pd.NA, index=checker.index, dtype="boolean"),
        "time_signature": pd.Series(pd.NA, index=checker.index, dtype="Int64"),
        **audio_features(checker),
    }
    playlist_id = checker.text("playlist_id", 64, required=True)
    playlist_name = optional_text("playlist_name", 200).fillna(playlist_id)
    genre = checker.text("playlist_genre", 100, required=True)
    subgenre = checker.text("playlist_subgenre", 99, required=True)

    tracks = valid_tracks(checker, columns)
    valid = ~checker.invalid
    memberships = pd.DataFrame(
        {
            "playlist_external_id": playlist_id,
            "track_id": track_id,
            "name": playlist_name,
            "genre": genre,
            "subgenre": subgenre,
        }
    )[valid]
    return CatalogueFrames(
        source="tidytuesday",
        tracks=tracks.reset_index(drop=True),
        track_genres=genre_rows(checker, track_id, genre, subgenre),
        playlists=_playlists(memberships),
        playlist_items=_playlist_items(memberships),
    )


def _playlists(memberships: pd.DataFrame) -> pd.DataFrame:
    """One row per playlist, labelled with its most frequent (genre, subgenre), first on ties."""
    labels = (
        memberships.assign(order=range(len(memberships)))
        .groupby(["playlist_external_id", "genre", "subgenre"], sort=False)
        .agg(rows=("order", "size"), first=("order", "min"), name=("name", "first"))
        .reset_index()
        .sort_values(["rows", "first"], ascending=[False, True], kind="stable")
        .drop_duplicates("playlist_external_id")
        .sort_values("first", kind="stable")
    )
    return labels.rename(columns={"playlist_external_id": "external_id"})[
        list(PLAYLIST_COLUMNS)
    ].reset_index(drop=True)


def _playlist_items(memberships: pd.DataFrame) -> pd.DataFrame:
    """Members in file order, each track once per playlist, positions 0.. per playlist."""
    items = memberships.drop_duplicates(["playlist_external_id", "track_id"])[
        ["playlist_external_id", "track_id"]
    ].copy()
    items["position"] = items.groupby("playlist_external_id", sort=False).cumcount()
    return items.reset_index(drop=True)[list(PLAYLIST_ITEM_COLUMNS)]


SCHEMA = CsvSchema(
    name="tidytuesday",
    label="TidyTuesday spotify_songs",
    required=REQUIRED_COLUMNS,
    optional=OPTIONAL_COLUMNS,
    signature=frozenset(
        {
            "track_artist",
            "track_popularity",
            "track_album_id",
            "track_album_name",
            "track_album_release_date",
            "playlist_name",
            "playlist_id",
            "playlist_genre",
            "playlist_subgenre",
        }
    ),
    parse=parse,
)
