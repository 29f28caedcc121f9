"""The normalised shape every catalogue source is parsed into before it is written.

Parsers (TidyTuesday, Kaggle) and the demo generator produce a ``CatalogueFrames``; one writer
upserts it. Column lists here are the contract between them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from music.schema import AUDIO_FEATURES, CATALOGUE_COLUMNS, artist_name_key, genre_slug

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
# Optional tracks column: every credited artist's name, in credit order, as a list (the first is
# ``primary_artist``). Sources that credit one artist per track leave it out; the writer then
# links the primary artist alone.
CREDITED_ARTISTS = "credited_artists"
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
    """The frame ``ml`` trains on (``music.schema.CATALOGUE_COLUMNS``) straight from parsed frames.

    Evaluation and benchmarks use this to skip the database; ``db.queries.catalogue`` builds the
    same frame from stored rows. Artist ids here are positions in first-seen order.
    """
    tracks = frames.tracks.reset_index(drop=True)
    keys = _map_unique(tracks["primary_artist"], artist_name_key)
    artist_ids, _ = pd.factorize(keys)
    popularity = tracks["popularity"].astype("int64")

    genres = frames.track_genres.dropna(subset=["genre"])
    genres = pd.DataFrame(
        {
            "track_id": genres["track_id"].astype(str).to_numpy(),
            "genre_slug": _map_unique(genres["genre"], genre_slug).to_numpy(),
            "subgenre_slug": _subgenre_slugs(genres).to_numpy(),
        }
    )
    # The main genre is the one most of the track's rows carry; ties go to the first listed.
    counted = genres.assign(order=np.arange(len(genres)))
    counted = counted.groupby(["track_id", "genre_slug"], sort=False).agg(
        rows=("order", "size"), first=("order", "min")
    )
    counted = counted.reset_index().sort_values(
        ["rows", "first"], ascending=[False, True], kind="stable"
    )
    main_genre = counted.drop_duplicates("track_id").set_index("track_id")["genre_slug"]
    top_genres = _sorted_sets(genres["track_id"], genres["genre_slug"])
    subgenres = _sorted_sets(genres["track_id"], genres["subgenre_slug"])

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
    # object first: with no genre rows at all the mapped column is all-NaN float64.
    frame["genre"] = frame["track_id"].map(main_genre).astype(object).fillna("unknown").astype(str)
    frame["genres"] = _tuples_for(frame["track_id"], top_genres)
    frame["subgenres"] = _tuples_for(frame["track_id"], subgenres)
    frame["source"] = frames.source
    return frame[list(CATALOGUE_COLUMNS)]


def _map_unique(values: pd.Series, function: Callable[[str], str]) -> pd.Series:
    # Names and genres repeat heavily; normalise each distinct value once.
    codes, uniques = pd.factorize(values.astype(str))
    mapped = np.array([function(value) for value in uniques], dtype=object)
    return pd.Series(mapped[codes] if len(uniques) else [], index=values.index, dtype=object)


def _subgenre_slugs(genres: pd.DataFrame) -> pd.Series:
    present = genres["subgenre"].notna() & (genres["subgenre"].astype(str) != "")
    pairs = pd.MultiIndex.from_arrays(
        [genres["genre"].astype(str), genres["subgenre"].astype(str).where(present, "")]
    )
    codes, uniques = pd.factorize(pairs)
    slugs = np.array([genre_slug(genre, sub) if sub else None for genre, sub in uniques], object)
    return pd.Series(slugs[codes] if len(uniques) else [], index=genres.index, dtype=object)


def _sorted_sets(track_ids: pd.Series, values: pd.Series) -> dict[str, tuple[str, ...]]:
    """Distinct values per track as a sorted tuple, without a Python call per group."""
    pairs = pd.DataFrame({"track_id": track_ids, "value": values}).dropna()
    pairs = pairs.drop_duplicates().sort_values(["track_id", "value"], kind="stable")
    if pairs.empty:
        return {}
    ids = pairs["track_id"].to_numpy(dtype=object)
    items = pairs["value"].tolist()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    ends = np.r_[starts[1:], len(ids)]
    return {
        ids[start]: tuple(items[start:end])
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True)
    }


def _tuples_for(track_ids: pd.Series, by_track: dict[str, tuple[str, ...]]) -> pd.Series:
    values = [by_track.get(track_id, ()) for track_id in track_ids.tolist()]
    return pd.Series(values, index=track_ids.index, dtype=object)
