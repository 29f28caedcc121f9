"""Tracks -> the standardised feature matrix every model works in (the "recommendation space").

The matrix is built in blocks, each standardised and then multiplied by a block weight, so that the
squared Euclidean distance between two tracks is a weighted sum of per-block differences:

- audio (weight 1.0 per column): Spotify's nine audio features, z-scored. They are the core of
  "sounds alike", so everything else is weighed against them.
- key (0.5): the key on the circle of fifths as (sin, cos), so C and G (one fifth apart) are close
  and C and F# are far apart; unknown keys (-1) sit at the centre. Plus the mode (major/minor),
  z-scored.
- duration (0.5): log(duration) z-scored; a 3 and a 6 minute song differ, 200 s vs 210 s does not.
- popularity (0.5): the artist's mean popularity, z-scored (mainstream vs niche).
- era (0.75): release year, z-scored; missing years take the catalogue median.
- genre (see ``GENRE_WEIGHT``): multi-hot over top-level genres and subgenres, each level
  L2-normalised per track, so a track in two genres is not "more genre" than a track in one.
- rating (0.5): per-track mean listener feedback in [-1, 1] (``track_ratings``), not z-scored: most
  tracks have no feedback, and standardising a mostly-zero column would blow a few ratings up.

Why these genre weights: with nine audio columns, two random tracks differ by about 2 x 9 = 18 in
squared audio distance. Two tracks with different top-level genres differ by 2 x 1.5^2 = 4.5 on
the genre level and 2 x 1.0^2 = 2 on the subgenre level: genre moves a track about as much as three
audio features do (a quarter of a typical distance), so it pulls same-genre songs together without
letting a genre tag outvote how the song actually sounds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from music.schema import InteractionKind

# Order matters only for readability of feature_names_.
AUDIO_COLUMNS: tuple[str, ...] = (
    "danceability",
    "energy",
    "valence",
    "tempo",
    "loudness",
    "acousticness",
    "instrumentalness",
    "speechiness",
    "liveness",
)
GENRE_WEIGHT = 1.5  # per top-level genre level, see the module docstring
SUBGENRE_WEIGHT = 1.0

# Feedback as a rating. Plays are neutral: a play says "heard", not "liked".
RATING_BY_KIND: dict[str, float] = {
    InteractionKind.LIKE.value: 1.0,
    InteractionKind.FAVOURITE.value: 1.0,
    InteractionKind.SKIP.value: -0.5,  # a skip is weaker than a ban: wrong moment, not wrong song
    InteractionKind.BAN.value: -1.0,
}
# Shrinks a track's mean rating toward 0 as if it had this many extra neutral ratings, so one like
# does not make a track "top rated" (a Bayesian average).
RATING_PRIOR_COUNT = 3.0

# Position of each pitch class (C=0 .. B=11) on the circle of fifths: C G D A E B F# C# G# D# A# F.
_FIFTHS_POSITION = (np.arange(12) * 7) % 12


def track_ratings(events: pd.DataFrame, track_ids: pd.Series | np.ndarray) -> np.ndarray:
    """Per-track mean feedback in [-1, 1] aligned with ``track_ids``; 0 where no feedback exists.

    ``events`` has columns ``track_id`` and ``kind`` (InteractionKind values); plays are ignored.
    """
    ids = pd.Index(np.asarray(track_ids, dtype=object))
    ratings = np.zeros(len(ids), dtype=np.float32)
    if events is None or events.empty:
        return ratings
    score = events["kind"].astype(str).map(RATING_BY_KIND)
    rated = pd.DataFrame({"track_id": events["track_id"].astype(str), "score": score}).dropna()
    if rated.empty:
        return ratings
    grouped = rated.groupby("track_id")["score"].agg(["sum", "count"])
    shrunk = grouped["sum"] / (grouped["count"] + RATING_PRIOR_COUNT)
    positions = ids.get_indexer(shrunk.index)
    found = positions >= 0
    ratings[positions[found]] = shrunk.to_numpy(dtype=np.float32)[found]
    return ratings


def _tuples_multi_hot(values: pd.Series, vocabulary: list[str]) -> np.ndarray:
    """Rows of L2-normalised multi-hot vectors for a column of tuples of slugs.

    Catalogues repeat a few hundred genre combinations over up to a million rows, so the vectors are
    built once per distinct combination and gathered by code (fast, no per-row Python).
    """
    matrix = np.zeros((len(values), len(vocabulary)), dtype=np.float32)
    if not vocabulary or len(values) == 0:
        return matrix
    column_of = {slug: i for i, slug in enumerate(vocabulary)}
    codes, combinations = pd.factorize(values.map(_as_tuple), sort=False)
    per_combination = np.zeros((len(combinations), len(vocabulary)), dtype=np.float32)
    for row, combination in enumerate(combinations):
        columns = [column_of[slug] for slug in combination if slug in column_of]
        if columns:
            per_combination[row, columns] = 1.0 / np.sqrt(len(columns))
    valid = codes >= 0
    matrix[valid] = per_combination[codes[valid]]
    return matrix


def _as_tuple(value: object) -> tuple[str, ...]:
    if isinstance(value, tuple):
        return value
    if isinstance(value, list | np.ndarray):
        return tuple(value)
    return ()


def _vocabulary(values: pd.Series, min_tracks: int) -> list[str]:
    """Slugs carried by at least ``min_tracks`` tracks, sorted (counted per combination)."""
    codes, combinations = pd.factorize(values.map(_as_tuple), sort=False)
    per_combination = np.bincount(codes[codes >= 0], minlength=len(combinations))
    counts: dict[str, int] = {}
    for combination, count in zip(combinations, per_combination, strict=True):
        for slug in set(combination):
            counts[str(slug)] = counts.get(str(slug), 0) + int(count)
    return sorted(slug for slug, count in counts.items() if count >= min_tracks)


class TrackFeaturizer(TransformerMixin, BaseEstimator):
    """Catalogue frame (``music.schema.CATALOGUE_COLUMNS``, optional ``rating``) -> float32 matrix.

    ``fit`` learns the column means/scales and the genre vocabularies; ``transform`` applies them.
    Block weights are parameters so evaluation can tune them; ``block_weights_`` records what a
    fitted featurizer used and ``block_slices_`` where each block sits in the matrix.
    """

    def __init__(
        self,
        audio_weight: float = 1.0,
        key_weight: float = 0.5,
        duration_weight: float = 0.5,
        popularity_weight: float = 0.5,
        era_weight: float = 0.75,
        genre_weight: float = GENRE_WEIGHT,
        subgenre_weight: float = SUBGENRE_WEIGHT,
        rating_weight: float = 0.5,
        min_genre_tracks: int = 1,
    ) -> None:
        self.audio_weight = audio_weight
        self.key_weight = key_weight
        self.duration_weight = duration_weight
        self.popularity_weight = popularity_weight
        self.era_weight = era_weight
        self.genre_weight = genre_weight
        self.subgenre_weight = subgenre_weight
        self.rating_weight = rating_weight
        self.min_genre_tracks = min_genre_tracks

    # The z-scored numeric columns, computed from the raw frame.
    def _numeric(self, frame: pd.DataFrame) -> dict[str, np.ndarray]:
        columns = {name: _float_column(frame, name) for name in AUDIO_COLUMNS}
        columns["mode"] = _float_column(frame, "mode")
        duration_s = np.clip(_float_column(frame, "duration_ms"), 1_000.0, None) / 1000.0
        columns["log_duration"] = np.log(duration_s)
        columns["artist_popularity"] = _float_column(frame, "artist_popularity")
        columns["release_year"] = _float_column(frame, "release_year")
        return columns

    def fit(self, frame: pd.DataFrame, y: object = None) -> TrackFeaturizer:
        numeric = self._numeric(frame)
        self.medians_ = {name: _nan_median(values) for name, values in numeric.items()}
        self.means_ = {}
        self.scales_ = {}
        for name, values in numeric.items():
            filled = np.where(np.isnan(values), self.medians_[name], values)
            self.means_[name] = float(filled.mean()) if len(filled) else 0.0
            std = float(filled.std()) if len(filled) else 0.0
            # A constant column (e.g. a catalogue with no release years) becomes all zeros.
            self.scales_[name] = std if std > 1e-9 else 1.0
        self.genre_vocabulary_ = _vocabulary(frame["genres"], self.min_genre_tracks)
        self.subgenre_vocabulary_ = _vocabulary(frame["subgenres"], self.min_genre_tracks)
        self.block_weights_ = {
            "audio": float(self.audio_weight),
            "key": float(self.key_weight),
            "duration": float(self.duration_weight),
            "popularity": float(self.popularity_weight),
            "era": float(self.era_weight),
            "genre": float(self.genre_weight),
            "subgenre": float(self.subgenre_weight),
            "rating": float(self.rating_weight),
        }
        blocks = {
            "audio": list(AUDIO_COLUMNS),
            "key": ["key_fifths_sin", "key_fifths_cos", "mode"],
            "duration": ["log_duration"],
            "popularity": ["artist_popularity"],
            "era": ["release_year"],
            "genre": [f"genre={slug}" for slug in self.genre_vocabulary_],
            "subgenre": [f"subgenre={slug}" for slug in self.subgenre_vocabulary_],
            "rating": ["rating"],
        }
        self.feature_names_ = [name for names in blocks.values() for name in names]
        self.block_slices_ = {}
        start = 0
        for block, names in blocks.items():
            self.block_slices_[block] = slice(start, start + len(names))
            start += len(names)
        self.n_features_out_ = start
        return self

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "feature_names_")
        n = len(frame)
        out = np.empty((n, self.n_features_out_), dtype=np.float32)
        weights = self.block_weights_
        numeric = self._numeric(frame)

        def put(block: str, offset: int, name: str) -> None:
            values = np.where(np.isnan(numeric[name]), self.medians_[name], numeric[name])
            column = self.block_slices_[block].start + offset
            out[:, column] = (values - self.means_[name]) / self.scales_[name] * weights[block]

        for offset, name in enumerate(AUDIO_COLUMNS):
            put("audio", offset, name)
        key_start = self.block_slices_["key"].start
        sin, cos = _key_on_circle_of_fifths(frame)
        out[:, key_start] = sin * weights["key"]
        out[:, key_start + 1] = cos * weights["key"]
        put("key", 2, "mode")
        put("duration", 0, "log_duration")
        put("popularity", 0, "artist_popularity")
        put("era", 0, "release_year")
        out[:, self.block_slices_["genre"]] = (
            _tuples_multi_hot(frame["genres"], self.genre_vocabulary_) * weights["genre"]
        )
        out[:, self.block_slices_["subgenre"]] = (
            _tuples_multi_hot(frame["subgenres"], self.subgenre_vocabulary_) * weights["subgenre"]
        )
        rating = (
            np.clip(_float_column(frame, "rating"), -1.0, 1.0)
            if "rating" in frame.columns
            else np.zeros(n)
        )
        out[:, self.block_slices_["rating"]] = (
            np.nan_to_num(rating, nan=0.0)[:, None] * weights["rating"]
        )
        return out

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        check_is_fitted(self, "feature_names_")
        return np.asarray(self.feature_names_, dtype=object)

    def block_columns(self, block: str) -> slice:
        """Where one block ("audio", "genre", ...) sits in the transformed matrix."""
        check_is_fitted(self, "block_slices_")
        return self.block_slices_[block]


def _float_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    # Nullable Int64 / boolean columns become float with NaN for missing values.
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _nan_median(values: np.ndarray) -> float:
    finite = values[~np.isnan(values)]
    return float(np.median(finite)) if len(finite) else 0.0


def _key_on_circle_of_fifths(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    keys = pd.to_numeric(frame["key"], errors="coerce").fillna(-1).to_numpy(dtype=np.int64)
    known = (keys >= 0) & (keys <= 11)
    angle = 2.0 * np.pi * _FIFTHS_POSITION[np.where(known, keys, 0)] / 12.0
    return np.where(known, np.sin(angle), 0.0), np.where(known, np.cos(angle), 0.0)
