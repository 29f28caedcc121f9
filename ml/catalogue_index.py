"""The served catalogue, indexed once per model for scoring, filters and reasons.

``Recommender`` builds one per model (at worker boot, never on a request): track positions,
unit-length feature rows, cluster slots, artist codes, popularity percentiles, song keys (one
version of a song per list), standardised audio features and the filter index. Scoring
(``ml.recommender``), re-ranking (``ml.rerank``) and reasons (``ml.reasons``) all read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from ml.filters import FilterIndex, TrackFilter
from ml.listeners import unit_rows
from ml.moods import MOODS, moods_mask
from ml.recommendation import Exclusions, Preferences, UnknownTrackError
from music.schema import AUDIO_FEATURES


class CatalogueIndex:
    """Per-track arrays of one model's catalogue, aligned with ``tracks`` row order."""

    def __init__(
        self,
        tracks: pd.DataFrame,
        features: np.ndarray,
        cluster_names: Sequence[str],
        atlas: Any = None,
    ) -> None:
        features = np.asarray(features, dtype=np.float32)
        if len(tracks) != len(features):
            raise ValueError("tracks and features must have one row per track")
        self.tracks = tracks.reset_index(drop=True)
        n = len(self.tracks)
        self.ids = pd.Index(self.tracks["track_id"].astype(str).to_numpy(dtype=object))
        self.unit = unit_rows(features)
        self.similarity = SplitProduct(self.unit)
        self.cluster_names = list(cluster_names)
        # "Name: 58 % reggaeton, 22 % latin" per cluster, from the cards training stored
        # (ml.cluster_cards); just the name for bundles without cards.
        self.cluster_phrases = [
            cluster_phrase(name, atlas.card(i) if atlas is not None else None)
            for i, name in enumerate(self.cluster_names)
        ]
        labels = (
            self.tracks["cluster"].to_numpy(dtype=np.int64)
            if "cluster" in self.tracks.columns
            else np.full(n, -1, dtype=np.int64)
        )
        # Slot len(cluster_names) holds density clustering's noise label (-1).
        self.noise_slot = len(self.cluster_names)
        self.cluster = np.where(labels < 0, self.noise_slot, labels)
        self.n_cluster_slots = self.noise_slot + 1
        artist_codes, self.artist_values = pd.factorize(
            self.tracks["artist_id"].to_numpy(), sort=True
        )
        self.artist = artist_codes.astype(np.int64)
        self.artist_index = pd.Index(self.artist_values)
        popularity = pd.to_numeric(self.tracks["popularity"], errors="coerce").fillna(0)
        self.popularity_raw = popularity.to_numpy(dtype=np.float64)
        self.popularity = popularity.rank(pct=True).to_numpy(dtype=np.float32)
        # One version of a song per list: same title (case-folded) by the same artist.
        song_keys = (
            self.tracks["name"].astype(str).str.casefold().str.strip()
            + "\x1f"
            + self.tracks["artist_id"].astype(str)
        )
        self.song = pd.factorize(song_keys)[0].astype(np.int64)
        self.names = self.tracks["name"].astype(str).to_numpy(dtype=object)
        self.artist_names = self.tracks["artist_name"].astype(str).to_numpy(dtype=object)
        self.audio_names = [name for name in AUDIO_FEATURES if name in self.tracks.columns]
        audio = self.tracks[self.audio_names].apply(pd.to_numeric, errors="coerce")
        audio = audio.fillna(audio.median()).to_numpy(dtype=np.float64)
        scale = audio.std(axis=0)
        self.audio_z = ((audio - audio.mean(axis=0)) / np.where(scale > 0, scale, 1)).astype(
            np.float32
        )
        self.filter_index = FilterIndex(self.tracks)
        # Build the genre and mood codes now (worker boot) rather than on some user's request.
        _ = self.filter_index.genre_codes, self.filter_index.mood_bits

    def __len__(self) -> int:
        return len(self.ids)

    def positions(self, track_ids: Sequence[str]) -> np.ndarray:
        """Catalogue positions of ``track_ids``; -1 for unknown ones."""
        return self.ids.get_indexer(as_objects(track_ids))

    def position(self, track_id: str) -> int:
        position = self.positions([str(track_id)])[0]
        if position < 0:
            raise UnknownTrackError(f"track {track_id!r} is not in the current model's catalogue")
        return int(position)

    def describe(self, position: int) -> str:
        return f"{self.names[position]} by {self.artist_names[position]}"

    def preference_match(self, preferences: Preferences) -> np.ndarray | None:
        """Per track, the share of stated preference kinds (genre, mood, artist) it fits."""
        if preferences.is_empty:
            return None
        parts = []
        if preferences.genres:
            wanted = {genre_slug(genre) for genre in preferences.genres}
            codes, sets = self.filter_index.genre_codes
            per_set = np.array([bool(wanted & s) for s in sets], dtype=bool)
            parts.append(per_set[codes] if len(codes) else np.zeros(0, bool))
        moods = tuple(m for m in preferences.moods if m in MOODS)
        if moods:
            parts.append((self.filter_index.mood_bits & np.uint16(moods_mask(moods))) != 0)
        if preferences.artist_ids:
            chosen = np.zeros(len(self.artist_values), dtype=bool)
            codes = self.artist_index.get_indexer(list(preferences.artist_ids))
            chosen[codes[codes >= 0]] = True
            parts.append(chosen[self.artist])
        if not parts:
            return None
        return (np.sum(parts, axis=0) / len(parts)).astype(np.float32)

    def allowed(
        self, exclusions: Exclusions | None, track_filter: TrackFilter | None
    ) -> np.ndarray:
        """Tracks passing the hard filters: not excluded, not by a banned artist, in the filter."""
        allowed = np.ones(len(self), dtype=bool)
        if track_filter is not None and not track_filter.is_empty:
            allowed &= track_filter.mask(self.filter_index)
        if exclusions is not None:
            if exclusions.track_ids:
                positions = self.positions(sorted(exclusions.track_ids))
                allowed[positions[positions >= 0]] = False
            if exclusions.artist_ids:
                banned = np.zeros(len(self.artist_values), dtype=bool)
                codes = self.artist_index.get_indexer(list(exclusions.artist_ids))
                banned[codes[codes >= 0]] = True
                allowed &= ~banned[self.artist]
        return allowed

    def citable(self, exclusions: Exclusions | None) -> np.ndarray:
        """Tracks a reason may name: never one by a banned artist ("Because you liked X by
        <banned>" reads as if the ban were ignored). Excluded track ids are not used: they also
        hold rated tracks, which are the best explanations."""
        artists = Exclusions(artist_ids=exclusions.artist_ids) if exclusions is not None else None
        return self.allowed(artists, None)


class SplitProduct:
    """``unit @ vector`` for a matrix whose columns are mostly dense or mostly zero.

    The feature rows are a few dense columns (audio, key, era, ...) and many multi-hot genre
    columns with one or two non-zeros per track. On the 114k catalogue the dense product reads
    ~47 MB per call, once or twice per click; kept apart, the dense block is a tenth of that and
    the sparse block a few non-zeros per row. Same result up to float32 rounding order.
    """

    # A column with non-zeros in fewer than this share of rows goes to the sparse block.
    SPARSE_BELOW = 0.1

    def __init__(self, unit: np.ndarray) -> None:
        share = (unit != 0).mean(axis=0) if len(unit) else np.zeros(unit.shape[1])
        sparse_columns = share < self.SPARSE_BELOW
        self.dense_columns = np.flatnonzero(~sparse_columns)
        self.sparse_columns = np.flatnonzero(sparse_columns)
        self.dense = np.ascontiguousarray(unit[:, self.dense_columns], dtype=np.float32)
        self.sparse = sparse.csr_matrix(unit[:, self.sparse_columns], dtype=np.float32)

    def __call__(self, vector: np.ndarray) -> np.ndarray:
        """Per row, the dot product with ``vector`` (float32)."""
        vector = np.asarray(vector, dtype=np.float32)
        product = self.dense @ vector[self.dense_columns]
        if self.sparse.nnz:
            product += self.sparse @ vector[self.sparse_columns]
        return product

    def weighted_sum(self, weights: np.ndarray) -> np.ndarray:
        """``weights @ unit``: the rows summed with one weight per row (float32)."""
        weights = np.asarray(weights, dtype=np.float32)
        total = np.zeros(len(self.dense_columns) + len(self.sparse_columns), dtype=np.float32)
        total[self.dense_columns] = weights @ self.dense
        total[self.sparse_columns] = self.sparse.T @ weights
        return total


def cluster_phrase(name: str, card: Any) -> str:
    """``"Latin Pop & Reggaeton: 58 % reggaeton, 22 % latin"``: the name and what is in it."""
    summary = card.genre_summary() if card is not None else ""
    return f"{name}: {summary}" if summary else name


def as_objects(values: Sequence[str]) -> np.ndarray:
    # A NumPy object array: pandas 3 looks these up in a string Index ~100x faster than an
    # object-dtype Index target.
    return np.asarray([str(value) for value in values], dtype=object)


def genre_slug(genre: str) -> str:
    # The same normalisation as music.schema.genre_slug on both sides of "rock/hard rock".
    return "/".join(" ".join(part.casefold().split()) for part in str(genre).split("/", 1))
