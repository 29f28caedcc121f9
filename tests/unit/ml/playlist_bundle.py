"""A small bundle for playlist tests: a synthetic catalogue and an embedding of its features.

Shared by the generator unit tests and the playlist service/API tests (which store the same
catalogue in their database). Built here, never cut from ../shared/data.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

GENRES = ("rock", "pop", "latin", "ambient")
FEATURES = ("danceability", "energy", "valence", "acousticness")


@dataclass
class TinyBundle:
    """The two things generators read from a ModelBundle."""

    tracks: pd.DataFrame
    features: np.ndarray


@functools.cache
def tiny_bundle(n: int = 240, seed: int = 0) -> TinyBundle:
    rng = np.random.default_rng(seed)
    genre = np.asarray(GENRES, dtype=object)[np.arange(n) % len(GENRES)]
    centre = {"rock": 0.75, "pop": 0.6, "latin": 0.5, "ambient": 0.2}
    base = np.array([centre[g] for g in genre])
    artist = rng.integers(1, n // 6 + 1, n)  # ids from 1, as database ids are
    tracks = pd.DataFrame(
        {
            "track_id": [f"t{i:04d}" for i in range(n)],
            "name": [f"Song {i}" for i in range(n)],
            "artist_id": artist.astype("int64"),
            "artist_name": [f"Artist {a}" for a in artist],
            "popularity": rng.integers(0, 101, n).astype("int64"),
            "duration_ms": rng.integers(150_000, 300_000, n).astype("int64"),
            "explicit": pd.array(rng.random(n) < 0.2, dtype="boolean"),
            "key": rng.integers(-1, 12, n).astype("int64"),
            "mode": rng.integers(0, 2, n).astype("int64"),
            "tempo": np.where(genre == "ambient", 75.0, 125.0) + rng.normal(0, 10, n),
            "speechiness": rng.uniform(0, 0.3, n),
            "instrumentalness": np.where(genre == "ambient", 0.8, 0.01),
            "loudness": rng.uniform(-20, -3, n),
            "liveness": rng.uniform(0, 0.4, n),
            "release_year": pd.array(rng.integers(1970, 2021, n), dtype="Int64"),
            "genre": genre.astype(str),
            "genres": [(g,) for g in genre],
            "subgenres": [
                (f"{g}/{'classic' if i % 3 else 'modern'} {g}",) for i, g in enumerate(genre)
            ],
        }
    )
    for feature in FEATURES:
        tracks[feature] = np.clip(base + rng.normal(0, 0.15, n), 0, 1)
    # A second recording of some songs under another id (single vs album): dedupe must catch it.
    copies = tracks.iloc[:10].copy()
    copies["track_id"] = [f"dup{i}" for i in range(10)]
    tracks = pd.concat([tracks, copies], ignore_index=True)
    features = tracks[list(FEATURES)].to_numpy(np.float32)
    features = (features - features.mean(axis=0)) / features.std(axis=0)
    return TinyBundle(tracks, features)
