"""The catalogue's genre labels as an evaluation protocol may see them: from training rows only.

A track's genre comes from the playlists holding it, so a label that only a held-out row carried
would leak the answer. ``catalogue_with_genres`` rebuilds the labels from the rows a protocol
trains on, and ``fill_missing_genres`` labels what that leaves bare without looking at held-out
rows (docs/EVALUATION.md, "leakage rules").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

from music.catalogue_frames import (
    TRACK_GENRE_COLUMNS,
    CatalogueFrames,
    catalogue_frame,
    empty_frame,
)
from music.schema import AUDIO_FEATURES, genre_slug

# Neighbours voting on the genre of a track the training rows left unlabelled.
GENRE_NEIGHBOURS = 15


def catalogue_with_genres(frames: CatalogueFrames, track_genres: pd.DataFrame) -> pd.DataFrame:
    """``catalogue_frame(frames)`` with its genre columns built from ``track_genres`` only.

    Same rules as ``catalogue_frame`` (genres and subgenres: sorted distinct slugs; main genre:
    the one most rows carry, ties to the first listed) without its per-track Python calls, which
    take 20-90 s on the 28k-track catalogue; an evaluation run builds this frame once per protocol.
    """
    catalogue = catalogue_frame(
        CatalogueFrames(
            source=frames.source,
            tracks=frames.tracks,
            track_genres=empty_frame(TRACK_GENRE_COLUMNS),
            playlists=frames.playlists,
            playlist_items=frames.playlist_items,
        )
    )
    rows = track_genres.dropna(subset=["genre"]).reset_index(drop=True)
    rows = pd.DataFrame(
        {
            "track_id": rows["track_id"].astype(str).to_numpy(),
            "genre": rows["genre"].astype(str).map(genre_slug).to_numpy(),
            "subgenre": [
                genre_slug(g, sub) if isinstance(sub, str) and sub else None
                for g, sub in zip(rows["genre"].astype(str), rows["subgenre"], strict=True)
            ],
            "order": np.arange(len(rows)),
        }
    )
    counts = (
        rows.groupby(["track_id", "genre"], sort=False)["order"]
        .agg(["size", "min"])
        .reset_index()
        .sort_values(["track_id", "size", "min"], ascending=[True, False, True], kind="stable")
    )
    main_genre = counts.drop_duplicates("track_id").set_index("track_id")["genre"]
    genres = _sorted_tuples(rows["track_id"], rows["genre"])
    subgenres = _sorted_tuples(rows["track_id"], rows["subgenre"])
    catalogue["genre"] = catalogue["track_id"].map(main_genre).fillna("unknown").astype(str)
    catalogue["genres"] = [genres.get(t, ()) for t in catalogue["track_id"]]
    catalogue["subgenres"] = [subgenres.get(t, ()) for t in catalogue["track_id"]]
    return catalogue


def _sorted_tuples(keys: pd.Series, values: pd.Series) -> dict[str, tuple[str, ...]]:
    """``{key: tuple(sorted(distinct non-null values))}`` in one sort instead of a groupby."""
    pairs = pd.DataFrame({"key": keys, "value": values}).dropna().drop_duplicates()
    pairs = pairs.sort_values(["key", "value"], kind="stable")
    key_array = pairs["key"].to_numpy(dtype=object)
    value_array = pairs["value"].to_numpy(dtype=object)
    if not len(key_array):
        return {}
    starts = np.flatnonzero(np.r_[True, key_array[1:] != key_array[:-1]])
    ends = np.r_[starts[1:], len(key_array)]
    return {
        key_array[a]: tuple(value_array[a:b].tolist())
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True)
    }


def fill_missing_genres(catalogue: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Label the tracks the training rows left without a genre, without using held-out rows.

    Most tracks sit in one playlist, so holding out 30 % of the rows strips the label of ~8,000
    tracks, every one of them a held-out answer: "has no genre" would itself reveal the answer.
    A real catalogue labels every track, so each unlabelled track gets its artist's most common
    labelled subgenre, or else the subgenre a nearest-neighbour classifier on the standardised
    audio features predicts (trained on the labelled tracks only). Returns the filled frame and
    how many tracks each route labelled.
    """
    catalogue = catalogue.copy()
    labelled = catalogue["genres"].map(len).to_numpy() > 0
    if labelled.all() or not labelled.any():
        return catalogue, {"artist": 0, "audio": 0}
    # A track's label: the first of its subgenres under its main genre, else the genre itself.
    main_label = pd.Series(
        [
            next((s for s in subs if s.split("/", 1)[0] == genre), genre)
            for genre, subs in zip(catalogue["genre"], catalogue["subgenres"], strict=True)
        ],
        index=catalogue.index,
        dtype=object,
    )
    # Each artist's most common label (ties: the alphabetically first), counted without a
    # per-group Python call: catalogues have ~10,000 artists.
    counts = (
        pd.DataFrame({"artist": catalogue["artist_id"][labelled], "label": main_label[labelled]})
        .value_counts()
        .reset_index(name="n")
        .sort_values(["artist", "n", "label"], ascending=[True, False, True], kind="stable")
    )
    by_artist = counts.drop_duplicates("artist").set_index("artist")["label"]
    chosen = catalogue["artist_id"].map(by_artist).astype(object).where(~labelled)
    from_artist = chosen.notna().to_numpy()
    from_audio = ~labelled & ~from_artist
    if from_audio.any():
        audio = StandardScaler().fit_transform(catalogue[list(AUDIO_FEATURES)].to_numpy(float))
        classifier = KNeighborsClassifier(
            n_neighbors=min(GENRE_NEIGHBOURS, int(labelled.sum()))
        ).fit(audio[labelled], main_label[labelled].to_numpy(dtype=object))
        chosen[from_audio] = classifier.predict(audio[from_audio])
    fill = ~labelled
    labels = chosen[fill].tolist()
    index = catalogue.index[fill]
    catalogue.loc[fill, "genre"] = [label.split("/", 1)[0] for label in labels]
    catalogue.loc[fill, "genres"] = pd.Series(
        [(label.split("/", 1)[0],) for label in labels], index=index, dtype=object
    )
    catalogue.loc[fill, "subgenres"] = pd.Series(
        [(label,) if "/" in label else () for label in labels], index=index, dtype=object
    )
    return catalogue, {"artist": int(from_artist.sum()), "audio": int(from_audio.sum())}
