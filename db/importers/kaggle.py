"""The Kaggle "Spotify Tracks Dataset" schema: one row per (track, genre).

Columns: track_id, artists (";"-separated), album_name, track_name, popularity, duration_ms,
explicit, the audio features, key, mode, time_signature and track_genre, usually after an unnamed
pandas index column. A track found under several genres repeats on several rows. The schema has
one genre level, no album id, no release date and no playlists.
"""

from __future__ import annotations

import pandas as pd

from db.importers.csv_schema import CsvSchema, genre_rows, no_playlists, valid_tracks
from db.importers.validation import (
    POPULARITY_RANGE,
    TIME_SIGNATURE_RANGE,
    TITLE_MAX_LENGTH,
    UNKNOWN_ARTIST,
    UNKNOWN_TITLE,
    RowChecker,
    audio_features,
)
from music.catalogue_frames import CREDITED_ARTISTS, CatalogueFrames
from music.schema import AUDIO_FEATURES, artist_name_key

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
# artists.name holds this many characters; the Kaggle file's longest single name has 96.
ARTIST_NAME_MAX_LENGTH = 300


def _credited_names(text: str) -> list[str]:
    """The ";"-separated names of ``text``, trimmed, first spelling of each name key kept."""
    seen: dict[str, str] = {}
    for part in text.split(";") if text else ():
        name = " ".join(part.split())
        if name:
            seen.setdefault(artist_name_key(name), name)
    return list(seen.values())


def parse(checker: RowChecker) -> CatalogueFrames:
    index = checker.index
    track_id = checker.text("track_id", 64, required=True)
    credited = checker.text("artists", 1000, required=False)
    # "A;B;C": every artist is credited, in order. The same name twice is credited once.
    names = credited.map(_credited_names)
    primary = names.map(lambda n: n[0] if n else UNKNOWN_ARTIST)
    longest = names.map(lambda n: max(map(len, n), default=0))
    checker.flag(
        "artists",
        (longest > ARTIST_NAME_MAX_LENGTH).to_numpy(),
        f"names an artist longer than {ARTIST_NAME_MAX_LENGTH} characters",
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
        "name": checker.text("track_name", TITLE_MAX_LENGTH, required=False, default=UNKNOWN_TITLE),
        "primary_artist": primary,
        "artist_names": names.map(lambda n: ", ".join(n) if n else UNKNOWN_ARTIST),
        CREDITED_ARTISTS: names.map(lambda n: n or [UNKNOWN_ARTIST]),
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
