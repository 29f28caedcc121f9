"""Small synthetic catalogue frames for the tests (never cut from ../shared/data)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from music.schema import CATALOGUE_COLUMNS, validate_catalogue_frame

# Each genre's typical sound, so clusters and moods have something real to find.
GENRE_PROFILES: dict[str, dict[str, float]] = {
    "rock": {"energy": 0.8, "valence": 0.45, "danceability": 0.5, "acousticness": 0.1},
    "pop": {"energy": 0.7, "valence": 0.65, "danceability": 0.7, "acousticness": 0.15},
    "latin": {"energy": 0.75, "valence": 0.75, "danceability": 0.8, "acousticness": 0.2},
    "ambient": {"energy": 0.2, "valence": 0.3, "danceability": 0.3, "acousticness": 0.85},
}


def build_catalogue(
    n_tracks: int = 200, seed: int = 0, genres: tuple[str, ...] = tuple(GENRE_PROFILES)
) -> pd.DataFrame:
    """A valid catalogue frame (``music.schema.CATALOGUE_COLUMNS``) of synthetic tracks."""
    rng = np.random.default_rng(seed)
    genre = np.asarray(genres, dtype=object)[np.arange(n_tracks) % len(genres)]

    def around(feature: str, spread: float = 0.08) -> np.ndarray:
        centre = np.array([GENRE_PROFILES[g][feature] for g in genre])
        return np.clip(centre + rng.normal(0, spread, n_tracks), 0.0, 1.0)

    artist_id = rng.integers(0, max(n_tracks // 4, 1), n_tracks)
    popularity = rng.integers(0, 101, n_tracks)
    frame = pd.DataFrame(
        {
            "track_id": [f"t{seed}-{i:05d}" for i in range(n_tracks)],
            "name": [f"Song {i}" for i in range(n_tracks)],
            "artist_id": artist_id.astype("int64"),
            "artist_name": [f"Artist {a}" for a in artist_id],
            "album_name": [f"Album {a}" for a in artist_id],
            "release_year": pd.array(rng.integers(1970, 2021, n_tracks), dtype="Int64"),
            "popularity": popularity.astype("int64"),
            "artist_popularity": pd.Series(popularity).groupby(artist_id).transform("mean"),
            "duration_ms": rng.integers(120_000, 360_000, n_tracks).astype("int64"),
            "explicit": pd.array(rng.random(n_tracks) < 0.2, dtype="boolean"),
            "key": rng.integers(0, 12, n_tracks).astype("int64"),
            "mode": rng.integers(0, 2, n_tracks).astype("int64"),
            "danceability": around("danceability"),
            "energy": around("energy"),
            "loudness": np.clip(-14 + 10 * around("energy") + rng.normal(0, 1, n_tracks), -40, 0),
            "speechiness": np.clip(rng.gamma(2.0, 0.03, n_tracks), 0, 1),
            "acousticness": around("acousticness"),
            "instrumentalness": np.where(genre == "ambient", 0.8, 0.01),
            "liveness": np.clip(rng.gamma(2.0, 0.08, n_tracks), 0, 1),
            "valence": around("valence"),
            "tempo": np.where(genre == "ambient", 75.0, 125.0) + rng.normal(0, 8, n_tracks),
            "genre": genre.astype(str),
            "genres": [(g,) for g in genre],
            "subgenres": [
                (f"{g}/{'classic' if i % 3 else 'modern'} {g}",) for i, g in enumerate(genre)
            ],
            "source": "demo",
        }
    )
    return validate_catalogue_frame(frame[list(CATALOGUE_COLUMNS)])
