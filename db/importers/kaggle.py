"""The Kaggle "Spotify Tracks Dataset" schema: one row per (track, genre).

Columns: track_id, artists (";"-separated), album_name, track_name, popularity, duration_ms,
explicit, the audio features, key, mode, time_signature and track_genre, usually after an unnamed
pandas index column. A track found under several genres repeats on several rows. The schema has
one genre level, no album id, no release date and no playlists.
"""

from __future__ import annotations

import pandas as pd

from db.importers.csv_schema import CsvSchema, genre_rows, no_playlists, valid_tracks
from db.importers.frames import CatalogueFrames
from db.importers.validation import (
    POPULARITY_RANGE,
    TIME_SIGNATURE_RANGE,
    UNKNOWN_ARTIST,
    UNKNOWN_TITLE,
    RowChecker,
    audio_features,
)
from ml.schema import AUDIO_FEATURES

REQUIRED_COLUMNS: tuple[str, ...] = (
    "track_id",
    "artists",
    "track_name",
    "popularity",
    "duration_ms",
    "explicit",
    *AUDIO_FEATURES,
    "key",
    "mode",
    "track_genre",
)
OPTIONAL_COLUMNS: tuple[str, ...] = ("album_name", "time_signature")


def parse(checker: RowChecker) -> CatalogueFrames:
    index = checker.index
    track_id = checker.text("track_id", 64, required=True)
    credited = checker.text("artists", 1000, required=False)
    names = credited.map(
        lambda text: [n.strip() for n in text.split(";") if n.strip()] if text else []
    )
    primary = names.map(lambda n: n[0] if n else UNKNOWN_ARTIST)
    checker.flag(
        "artists",
        (primary.str.len() > 300).to_numpy(),
        "names a first artist longer than 300 characters",
    )
    if checker.has("album_name"):
        album_name = checker.text("album_name", 500, required=False)
    else:
        album_name = pd.Series(None, index=index, dtype=object)
    if checker.has("time_signature"):
        time_signature = checker.number(
            "time_signature", TIME_SIGNATURE_RANGE, integer=True, required=False
        )
    else:
        time_signature = pd.Series(pd.NA, index=index, dtype="Int64")
    columns = {
        "track_id": track_id,
        "name": checker.text("track_name", 500, required=False, default=UNKNOWN_TITLE),
        "primary_artist": primary,
        "artist_names": names.map(lambda n: ", ".join(n) if n else UNKNOWN_ARTIST),
        "album_id": pd.Series(None, index=index, dtype=object),
        "album_name": album_name,
        "release_date": pd.Series(None, index=index, dtype=object),
        "release_year": pd.Series(pd.NA, index=index, dtype="Int64"),
        "popularity": checker.number("popularity", POPULARITY_RANGE, integer=True),
        "explicit": checker.boolean("explicit"),
        "time_signature": time_signature,
        **audio_features(checker),
    }
    genre = checker.text("track_genre", 100, required=True)
    tracks = valid_tracks(checker, columns)
    playlists, items = no_playlists()
    return CatalogueFrames(
        source="kaggle",
        tracks=tracks.reset_index(drop=True),
        track_genres=genre_rows(
            checker, track_id, genre, pd.Series(None, index=index, dtype=object)
        ),
        playlists=playlists,
        playlist_items=items,
    )


SCHEMA = CsvSchema(
    name="kaggle",
    label="Kaggle Spotify Tracks",
    required=REQUIRED_COLUMNS,
    optional=OPTIONAL_COLUMNS,
    signature=frozenset({"artists", "album_name", "popularity", "explicit", "track_genre"}),
    parse=parse,
)
