"""The normalised shape every catalogue source is parsed into before it is written.

Parsers (TidyTuesday, Kaggle) and the demo generator produce a ``CatalogueFrames``; one writer
upserts it. Column lists here are the contract between them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ml.schema import AUDIO_FEATURES, CATALOGUE_COLUMNS, artist_name_key, genre_slug

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


def catalogue_frame(frames: CatalogueFrames) -> pd.DataFrame:
    """The frame ``ml`` trains on (``ml.schema.CATALOGUE_COLUMNS``) straight from parsed frames.

    Evaluation and benchmarks use this to skip the database; ``db.queries.catalogue`` builds the
    same frame from stored rows. Artist ids here are positions in first-seen order.
    """
    tracks = frames.tracks.reset_index(drop=True)
    keys = tracks["primary_artist"].map(artist_name_key)
    artist_ids, _ = pd.factorize(keys)
    popularity = tracks["popularity"].astype("int64")

    genres = frames.track_genres.dropna(subset=["genre"]).copy()
    genres["genre_slug"] = genres["genre"].map(genre_slug)
    genres["subgenre_slug"] = [
        genre_slug(g, s) if isinstance(s, str) and s else None
        for g, s in zip(genres["genre"], genres["subgenre"], strict=True)
    ]
    by_track = genres.groupby("track_id", sort=False)
    top_genres = by_track["genre_slug"].agg(lambda s: tuple(sorted(set(s))))
    # The main genre is the one most of the track's rows carry; ties go to the first listed.
    main_genre = by_track["genre_slug"].agg(lambda s: s.value_counts(sort=True).index[0])
    subgenres = by_track["subgenre_slug"].agg(lambda s: tuple(sorted(set(s.dropna()))))

    frame = pd.DataFrame(
        {
            "track_id": tracks["track_id"].astype(str),
            "name": tracks["name"].fillna("").astype(str),
            "artist_id": artist_ids.astype("int64"),
            "artist_name": tracks["primary_artist"].astype(str),
            "album_name": tracks["album_name"].fillna("").astype(str),
            "release_year": tracks["release_year"].astype("Int64"),
            "popularity": popularity,
            "artist_popularity": popularity.groupby(artist_ids).transform("mean").astype(float),
            "duration_ms": tracks["duration_ms"].astype("int64"),
            "explicit": tracks["explicit"].astype("boolean"),
            "key": tracks["key"].astype("int64"),
            "mode": tracks["mode"].astype("int64"),
            **{feature: tracks[feature].astype("float64") for feature in AUDIO_FEATURES},
        }
    )
    frame["genre"] = frame["track_id"].map(main_genre).fillna("unknown").astype(str)
    frame["genres"] = (
        frame["track_id"].map(top_genres).map(lambda v: v if isinstance(v, tuple) else ())
    )
    frame["subgenres"] = (
        frame["track_id"].map(subgenres).map(lambda v: v if isinstance(v, tuple) else ())
    )
    frame["source"] = frames.source
    return frame[list(CATALOGUE_COLUMNS)]
