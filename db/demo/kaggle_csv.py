"""Write a catalogue in the Kaggle "Spotify Tracks Dataset" CSV schema.

The import benchmark needs a 114k-row Kaggle-schema file, and the rules forbid copying real data
into the repository: so it is generated (``generate_catalogue``) and written in that schema.
Like the real file: an unnamed index column first, ";"-separated artists, "True"/"False" for
explicit, one row per (track, genre) so a track under several genres repeats, and Kaggle's
hyphenated genre labels ("hip-hop", "r-n-b", "drum-and-bass").
"""

from __future__ import annotations

import os

import pandas as pd

from music.catalogue_frames import CatalogueFrames

KAGGLE_COLUMNS: tuple[str, ...] = (
    "track_id",
    "artists",
    "album_name",
    "track_name",
    "popularity",
    "duration_ms",
    "explicit",
    "danceability",
    "energy",
    "key",
    "loudness",
    "mode",
    "speechiness",
    "acousticness",
    "instrumentalness",
    "liveness",
    "valence",
    "tempo",
    "time_signature",
    "track_genre",
)


def kaggle_genre(genre: str) -> str:
    """Kaggle's spelling of a genre: lower case, hyphens for spaces, "-n-" for "&"."""
    return "-".join(genre.casefold().replace("&", " n ").split())


def kaggle_frame(frames: CatalogueFrames) -> pd.DataFrame:
    """One row per (track, top-level genre), in the order of ``frames.tracks``."""
    genres = frames.track_genres[["track_id", "genre"]].dropna().drop_duplicates()
    tracks = frames.tracks.reset_index(drop=True).assign(_order=lambda t: range(len(t)))
    rows = tracks.merge(genres, on="track_id", how="inner", validate="one_to_many")
    rows = rows.sort_values("_order", kind="stable").reset_index(drop=True)
    return pd.DataFrame(
        {
            "track_id": rows["track_id"],
            "artists": rows["artist_names"].fillna(rows["primary_artist"]).str.replace(", ", ";"),
            "album_name": rows["album_name"],
            "track_name": rows["name"],
            "popularity": rows["popularity"],
            "duration_ms": rows["duration_ms"],
            "explicit": rows["explicit"].map({True: "True", False: "False"}),
            **{
                column: rows[column]
                for column in KAGGLE_COLUMNS[7:-1]  # the features, key, mode, time signature
            },
            "track_genre": rows["genre"].map(kaggle_genre),
        },
        columns=list(KAGGLE_COLUMNS),
    )


def write_kaggle_csv(frames: CatalogueFrames, path: str | os.PathLike[str]) -> int:
    """Write ``frames`` as a Kaggle-schema CSV at ``path``; return the number of data rows."""
    frame = kaggle_frame(frames)
    frame.to_csv(path, index=True, index_label="", encoding="utf-8")
    return len(frame)
